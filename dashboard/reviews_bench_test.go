package dashboard_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// BenchmarkModerationPages times the reviews queue (the first page, a
// filtered one and one no review matches), the promo-code pools page and
// the A/B results page through the real server, on both stores, with 10,000 leads
// and 5,000 reviews of the site (100 pending) in the store and pools of 10,000 codes
// (issue 13 §9: each page ≤ 200 ms).
func BenchmarkModerationPages(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			d := startDash(b, servertest.NewStore(b, kind), nil)
			site := d.CreateSite("Shop", "https://a.example")
			s := &modSite{inboxSite: &inboxSite{d: d, siteID: site["id"].(string)}, key: site["key"].(string)}
			start := time.Now().Add(-60 * 24 * time.Hour)
			for i := range 10000 {
				s.seedLead(b, i, start.Add(time.Duration(i)*time.Minute), "quiz", "w-quiz", "direct")
			}
			wid := d.CreateWidget(s.siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
			// One in 50 awaits moderation, the rest are published: the
			// pending tab and its count read past the published ones.
			for i := range 5000 {
				at := start.Add(time.Duration(i) * time.Minute)
				r := store.Review{ID: fmt.Sprintf("rev-%05d", i), SiteID: s.siteID, WidgetID: wid, Rating: 1 + i%5,
					Text: "Отзыв", Name: "Покупатель", Status: store.ReviewPublished, CreatedAt: at, UpdatedAt: at}
				if i%50 == 0 {
					r.Status = store.ReviewPending
				}
				if err := d.Store.CreateReview(b.Context(), r, ""); err != nil {
					b.Fatal(err)
				}
			}
			for p := range 3 {
				codes := make([]string, 10000)
				for i := range codes {
					codes[i] = fmt.Sprintf("P%d-%05d", p, i)
				}
				err := d.Store.CreateCodePool(b.Context(), store.CodePool{ID: fmt.Sprintf("cp_bench%d", p), SiteID: s.siteID,
					Name: fmt.Sprintf("Pool %d", p), CreatedAt: start}, codes, store.MaxPoolCodes)
				if err != nil {
					b.Fatal(err)
				}
			}
			ab := s.startExperiment(b, map[string]int64{"a:exposures": 50000, "a:conversions": 2500, "b:exposures": 50000, "b:conversions": 2700})
			br := d.browser(b, "bench")
			br.setup()
			base := "/app/sites/" + s.siteID
			for name, path := range map[string]string{
				"reviews":          base + "/reviews",
				"reviews-filtered": base + "/reviews?status=all&rating=5&widget=" + wid,
				// Nothing matches: the store reads every review of the site.
				"reviews-none": base + "/reviews?status=hidden&rating=5",
				"codes":        base + "/codes",
				"experiment":   base + "/widgets/" + ab + "/experiment",
			} {
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
