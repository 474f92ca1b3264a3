package dashboard_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkTelephonyPage times the telephony page through the real server
// with 10,000 callback leads in the store (issue 13 §9: ≤ 200 ms), on both
// stores. The page reads the site's widgets, never its leads, so the
// inbox's size must not show.
func BenchmarkTelephonyPage(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			d := startDash(b, servertest.NewStore(b, kind), nil)
			s := &inboxSite{d: d, siteID: d.CreateSite("Shop", "https://a.example")["id"].(string)}
			wid := d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{
				"managers": []map[string]any{{"name": "Anna", "phone": "+79000000010"}, {"name": "Boris", "phone": "+79000000020"}}}})["id"].(string)
			start := time.Now().Add(-30 * 24 * time.Hour)
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := g; i < 10000; i += 4 {
						s.seedLead(b, i, start.Add(time.Duration(i)*time.Minute), "callback", wid, "direct")
					}
				})
			}
			wg.Wait()
			br := d.browser(b, "bench")
			br.setup()
			path := "/app/sites/" + s.siteID + "/telephony"
			b.ResetTimer()
			for b.Loop() {
				if p := br.get(path); p.Status != http.StatusOK {
					b.Fatalf("%s: %d", path, p.Status)
				}
			}
		})
	}
}
