package dashboard_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
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
			d := startDash(b, servertest.NewStore(b, kind), nil)
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

// BenchmarkManagerInbox times a manager's inbox (issue 13 §2, §9) with
// 10,000 callback requests in the store, one in 100 taken by the manager
// and the rest by someone else: the worst case of their own callbacks,
// where each request shown or skipped is read (the lead, then its
// request) and a page reads up to its budget of 2,000 leads.
func BenchmarkManagerInbox(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			s := newInboxSite(b, servertest.NewStore(b, kind))
			d := s.d
			wid := d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{"managers": []map[string]any{
				{"name": "Anna", "phone": "+79000000010", "email": "manager@example.com"},
				{"name": "Boris", "phone": "+79000000020", "email": "boris@example.com"},
			}}})["id"].(string)
			start := time.Now().Add(-30 * 24 * time.Hour)
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := g; i < 10000; i += 4 {
						name, email := "Boris", "boris@example.com"
						if i%100 == 0 {
							name, email = "Anna", "manager@example.com"
						}
						at := start.Add(time.Duration(i) * time.Minute)
						c := store.Callback{ID: fmt.Sprintf("cb%05d", i), SiteID: s.siteID, WidgetID: wid, Phone: fmt.Sprintf("+7916%07d", i),
							Status: "completed", DueAt: at, FirstDueAt: at, Manager: name, ManagerEmail: email, CreatedAt: at, UpdatedAt: at}
						if _, _, err := d.Store.CreateCallback(b.Context(), c, time.Time{}); err != nil {
							b.Error(err)
							return
						}
						l := store.Lead{ID: "cb_" + c.ID, SiteID: s.siteID, WidgetID: wid, Type: "callback", Status: store.LeadNew,
							CallbackID: c.ID, Contact: store.LeadContact{Phone: c.Phone}, CreatedAt: at, UpdatedAt: at}
						if _, _, err := d.Store.CreateLead(b.Context(), l); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			inbox := "/app/sites/" + s.siteID + "/inbox"
			b.Run("first", func(b *testing.B) {
				for b.Loop() {
					if p := s.manager.get(inbox); p.Status != http.StatusOK {
						b.Fatalf("%s: %d", inbox, p.Status)
					}
				}
			})
			if got := len(anyRowsOf(s.manager.get(inbox))); got != 20 {
				b.Fatalf("the manager's first page: %d rows, want their 20 among the 2,000 newest", got)
			}
		})
	}
}
