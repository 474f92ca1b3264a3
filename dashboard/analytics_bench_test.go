package dashboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/quiz"
)

// BenchmarkAnalyticsPage times the analytics page through the real server
// with 10,000 leads over the last 30 days and 500 callback requests, a
// quiz and a callback widget with a tally a day, on both stores (issue 13
// §9: each page ready ≤ 200 ms): the last 30 days of every widget, of one
// widget, and the last 90 days. Figures in docs/BENCHMARKS.md.
func BenchmarkAnalyticsPage(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			d := startDash(b, servertest.NewStore(b, kind), nil)
			s := &inboxSite{d: d, siteID: d.CreateSite("Shop", "https://a.example")["id"].(string)}
			ctx := b.Context()
			for _, w := range []store.Widget{
				{ID: "w-quiz", SiteID: s.siteID, Type: "quiz", Settings: json.RawMessage(`{}`)},
				{ID: "w-call", SiteID: s.siteID, Type: "callback", Settings: json.RawMessage(`{"managers":[{"name":"A"},{"name":"B"}],"triggers":{}}`)},
			} {
				if err := d.Store.CreateWidget(ctx, w); err != nil {
					b.Fatal(err)
				}
			}
			now := d.clock.Now()
			start := now.Add(-29 * 24 * time.Hour)
			sources := []string{"google", "yandex", "direct", "t.me", "vk.com"}
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := g; i < 10000; i += 4 {
						s.seedLead(b, i, start.Add(time.Duration(i)*4*time.Minute), "quiz", "w-quiz", sources[i%len(sources)])
					}
				})
			}
			wg.Wait()
			for i := range 500 {
				at := start.Add(time.Duration(i) * 80 * time.Minute)
				c := store.Callback{ID: fmt.Sprintf("cb%04d", i), SiteID: s.siteID, WidgetID: "w-call", Phone: fmt.Sprintf("+7999%07d", i),
					Source: sources[i%len(sources)], Status: "completed", Attempt: 1, Manager: "A", DueAt: at, FirstDueAt: at, EndedAt: at.Add(time.Minute),
					Timeline: []store.Transition{{Status: "calling_manager", At: at}, {Status: "manager_answered", At: at.Add(9 * time.Second), Detail: "A"},
						{Status: "connected", At: at.Add(15 * time.Second)}},
					Legs:      []store.Leg{{ID: "l1", Kind: "manager", Manager: i % 2, Status: "ended", Outcome: "completed", StartedAt: at}},
					CreatedAt: at, UpdatedAt: at}
				if _, _, err := d.Store.CreateCallback(ctx, c, at); err != nil {
					b.Fatal(err)
				}
			}
			moscow, _ := time.LoadLocation("Europe/Moscow")
			for day := range 90 {
				name := quiz.TallyName("w-quiz", now.In(moscow).AddDate(0, 0, -day).Format(time.DateOnly))
				if err := d.Store.AddTally(ctx, s.siteID, name, map[string]int64{"views": 900, "starts": 500, "completions": 400, "leads": 330}); err != nil {
					b.Fatal(err)
				}
			}
			br := d.browser(b, "bench")
			br.setup()
			page := "/app/sites/" + s.siteID + "/analytics"
			ninety := now.In(moscow).AddDate(0, 0, -89).Format(time.DateOnly)
			for _, c := range []struct{ name, path string }{
				{"30days", page},
				{"widget", page + "?widget=w-call"},
				{"90days", page + "?from=" + ninety},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						if p := br.get(c.path); p.Status != http.StatusOK {
							b.Fatalf("%s: %d", c.path, p.Status)
						}
					}
				})
			}
			if p := br.get(page + "?lang=en"); !strings.Contains(p.Body, `<span class="an-total-n">10000</span>`) {
				b.Fatalf("the page does not count the 10,000 leads: %.3000s", p.Body)
			}
		})
	}
}
