package dashboard_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkInboxPage times the inbox through the real server with 10,000
// leads in the store (issue 13 §9: each page ready ≤ 200 ms), on both
// stores: the first page, a page filtered by the store (type), a page
// filtered by the dashboard (widget: one lead in 100 matches, so a page
// reads up to its budget of 2,000) and a lead's page. Figures in
// docs/BENCHMARKS.md.
func BenchmarkInboxPage(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			clk := newClock()
			opts := servertest.Options{OwnPublicURL: true}
			opts.Server.Clock = clk.Now
			d := &dash{Server: servertest.Start(b, servertest.NewStore(b, kind), opts), clock: clk}
			s := &inboxSite{d: d, siteID: d.CreateSite("Shop", "https://a.example")["id"].(string)}
			start := time.Now().Add(-30 * 24 * time.Hour)
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := g; i < 10000; i += 4 {
						typ, wid := "quiz", "w-quiz"
						if i%10 == 0 {
							typ = "callback"
						}
						if i%100 == 0 {
							wid = "w-rare"
						}
						s.seedLead(b, i, start.Add(time.Duration(i)*time.Minute), typ, wid, "direct")
					}
				})
			}
			wg.Wait()
			br := d.browser(b, "bench")
			br.setup()
			inbox := "/app/sites/" + s.siteID + "/inbox"
			for _, c := range []struct{ name, path string }{
				{"first", inbox},
				{"type", inbox + "?type=callback"},
				{"widget", inbox + "?widget=w-rare"},
				{"lead", inbox + "/lead-05000"},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if p := br.get(c.path); p.Status != http.StatusOK {
							b.Fatalf("%s: %d", c.path, p.Status)
						}
					}
				})
			}
			if p := br.get(inbox + "?widget=w-rare"); len(rowsOf(p)) != 20 {
				b.Fatalf("widget filter: %d rows, want the 20 rare leads among the 2,000 newest", len(rowsOf(p)))
			}
		})
	}
}
