package dashboard_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkWidgetPages times the widget list (one of each type, a summary
// read from each one's settings), the editors of the largest forms and a
// preview, through the real server with 10,000 leads in the store (issue
// 13 §9: each page ready ≤ 200 ms), on both stores.
func BenchmarkWidgetPages(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			d := startDash(b, servertest.NewStore(b, kind), nil)
			s := &inboxSite{d: d, siteID: d.CreateSite("Shop", "https://a.example")["id"].(string), op: d.browser(b, "bench")}
			s.op.setup()
			start := time.Now().Add(-30 * 24 * time.Hour)
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := g; i < 10000; i += 4 {
						s.seedLead(b, i, start.Add(time.Duration(i)*time.Minute), "callback", "w-call", "direct")
					}
				})
			}
			wg.Wait()
			ids := map[string]string{}
			for _, typ := range widgetTypes {
				ids[typ] = d.CreateWidget(s.siteID, map[string]any{"type": typ, "settings": validSettings(b, s.op, s.siteID, typ)})["id"].(string)
			}
			widgets := "/app/sites/" + s.siteID + "/widgets"
			csrf := s.op.pageCSRF(widgets)
			for _, c := range []struct{ name, path string }{
				{"list", widgets},
				{"callback", widgets + "/" + ids["callback"]},
				{"quiz", widgets + "/" + ids["quiz"]},
				{"new-game", widgets + "/new?type=game"},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if p := s.op.get(c.path); p.Status != http.StatusOK {
							b.Fatalf("%s: %d", c.path, p.Status)
						}
					}
				})
			}
			draft := url.Values{"csrf": {csrf}, "type": {"callback"}, "settings": {fixtures["callback"]}}
			b.Run("preview", func(b *testing.B) {
				for b.Loop() {
					if p := s.op.post(widgets+"/preview", draft); p.Status != http.StatusOK {
						b.Fatalf("preview: %d", p.Status)
					}
				}
			})
		})
	}
}
