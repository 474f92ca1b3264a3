package dashboard_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkSitePages times the sites list, a site's page (settings,
// snippet, install check of 3 origins) and its API keys page (20 keys)
// through the real server, on both stores, with 10,000 leads of the site
// in the store (issue 13 §9: each page ≤ 200 ms). Figures in
// docs/BENCHMARKS.md.
func BenchmarkSitePages(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			d := startDash(b, servertest.NewStore(b, kind), nil)
			origins := []string{"https://shop.example", "https://www.shop.example", "https://blog.example"}
			site := d.CreateSite("Shop", origins...)
			id, key := site["id"].(string), site["key"].(string)
			s := &inboxSite{d: d, siteID: id}
			start := time.Now().Add(-30 * 24 * time.Hour)
			for i := range 10000 {
				s.seedLead(b, i, start.Add(time.Duration(i)*time.Minute), "quiz", "w-quiz", "direct")
			}
			for range 20 {
				d.CreateKey(id, "leads:read")
			}
			for _, o := range origins[:2] {
				servertest.ExpectStatus(b, d.Request(http.MethodGet, "/w/v1/"+key+"/config", nil, "Origin", o), http.StatusOK)
			}
			br := d.browser(b, "bench")
			br.setup()
			for name, path := range map[string]string{"list": "/app/", "site": "/app/sites/" + id, "keys": "/app/sites/" + id + "/keys"} {
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						if p := br.get(path); p.Status != http.StatusOK {
							b.Fatalf("%s: %d", path, p.Status)
						}
					}
				})
			}
		})
	}
}
