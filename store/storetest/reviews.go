package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newReview(siteID, widgetID string, rating int, at time.Time) store.Review {
	return store.Review{
		ID: newID("rv"), SiteID: siteID, WidgetID: widgetID, About: "sku-1", Rating: rating,
		Text: "Привезли вовремя, <b>всё</b> целое", Name: "Олена", Status: store.ReviewPending,
		VisitorID: newID("visitor"), Lang: "uk", IP: "203.0.113.7", CreatedAt: at, UpdatedAt: at,
	}
}

func wantAggregate(t *testing.T, st store.Store, siteID, widgetID, about string, all bool, count, sum int) {
	t.Helper()
	a, err := st.ReviewAggregate(ctx(t), siteID, widgetID, about, all)
	must(t, "ReviewAggregate", err)
	if a.Count != count || a.Sum != sum {
		t.Fatalf("aggregate of %s/%q (all %v) = %+v, want count %d sum %d", widgetID, about, all, a, count, sum)
	}
}

func reviewIDs(list []store.Review) []string {
	ids := make([]string, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	return ids
}

func publishReview(r *store.Review) error { r.Status = store.ReviewPublished; return nil }

var reviewTests = []test{
	{"create, get, list newest first with filters and cursor", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		base := now().Add(-time.Hour)
		var made []store.Review
		for i := range 5 {
			r := newReview(site.ID, "w1", i+1, base.Add(time.Duration(i)*time.Minute))
			if i == 4 {
				r.WidgetID, r.About = "w2", "sku-2"
			}
			must(t, "CreateReview", st.CreateReview(ctx(t), r, ""))
			made = append(made, r)
		}
		got, err := st.GetReview(ctx(t), site.ID, made[0].ID)
		must(t, "GetReview", err)
		if got.Text != made[0].Text || got.Rating != 1 || !got.CreatedAt.Equal(made[0].CreatedAt) || got.Status != store.ReviewPending {
			t.Fatalf("GetReview = %+v, want %+v", got, made[0])
		}
		list, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{WidgetID: "w1"})
		must(t, "ListReviews", err)
		if want := []string{made[3].ID, made[2].ID, made[1].ID, made[0].ID}; !slices.Equal(reviewIDs(list), want) {
			t.Fatalf("list of w1 = %v, want %v", reviewIDs(list), want)
		}
		page, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{Limit: 2})
		must(t, "ListReviews page", err)
		if want := []string{made[4].ID, made[3].ID}; !slices.Equal(reviewIDs(page), want) {
			t.Fatalf("first page = %v, want %v", reviewIDs(page), want)
		}
		last := page[1]
		page, err = st.ListReviews(ctx(t), site.ID, store.ReviewFilter{Limit: 2, After: store.ReviewCursor{CreatedAt: last.CreatedAt, ID: last.ID}})
		must(t, "ListReviews next page", err)
		if want := []string{made[2].ID, made[1].ID}; !slices.Equal(reviewIDs(page), want) {
			t.Fatalf("second page = %v, want %v", reviewIDs(page), want)
		}
		min, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{MinRating: 4, About: "sku-1"})
		must(t, "ListReviews min rating", err)
		if want := []string{made[3].ID}; !slices.Equal(reviewIDs(min), want) {
			t.Fatalf("rated 4+ about sku-1 = %v, want %v", reviewIDs(min), want)
		}
		wantErr(t, "CreateReview twice", st.CreateReview(ctx(t), made[0], ""), store.ErrConflict)
		wantErr(t, "CreateReview without site", st.CreateReview(ctx(t), newReview(newID("site"), "w1", 5, base), ""), store.ErrNotFound)
		_, err = st.GetReview(ctx(t), newID("site"), made[0].ID)
		wantErr(t, "GetReview of another site", err, store.ErrNotFound)
	}},
	{"a widget's published reviews page past pending, hidden and other widgets' ones", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		base := now().Add(-time.Hour)
		var pub []store.Review
		for i := range 9 {
			r := newReview(site.ID, "w1", i%5+1, base.Add(time.Duration(i)*time.Minute))
			switch i % 3 {
			case 0:
				r.Status = store.ReviewPublished
			case 1:
				r.WidgetID = "w10" // a widget whose id starts with the other's
				r.Status = store.ReviewPublished
			}
			must(t, "CreateReview", st.CreateReview(ctx(t), r, ""))
			if i%3 == 0 {
				pub = append([]store.Review{r}, pub...) // newest first
			}
		}
		// The newest published one is hidden, an older pending one published.
		_, err := st.UpdateReview(ctx(t), site.ID, pub[0].ID, func(r *store.Review) error { r.Status = store.ReviewHidden; return nil })
		must(t, "hide", err)
		all, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{WidgetID: "w1", Status: store.ReviewPending})
		must(t, "ListReviews pending", err)
		late, err := st.UpdateReview(ctx(t), site.ID, all[len(all)-1].ID, publishReview)
		must(t, "publish", err)
		want := []string{pub[1].ID, late.ID, pub[2].ID} // late was written between them
		var got []string
		f := store.ReviewFilter{WidgetID: "w1", Status: store.ReviewPublished, Limit: 2}
		for {
			page, err := st.ListReviews(ctx(t), site.ID, f)
			must(t, "ListReviews published", err)
			got = append(got, reviewIDs(page)...)
			if len(page) < f.Limit {
				break
			}
			f.After = store.ReviewCursor{CreatedAt: page[len(page)-1].CreatedAt, ID: page[len(page)-1].ID}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("published of w1 paged = %v, want %v", got, want)
		}
		high, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{WidgetID: "w1", Status: store.ReviewPublished, MinRating: late.Rating + 1})
		must(t, "ListReviews published min rating", err)
		for _, r := range high {
			if r.Rating <= late.Rating || r.WidgetID != "w1" {
				t.Fatalf("rated above %d: got %+v", late.Rating, r)
			}
		}
		other, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{WidgetID: "w10", Status: store.ReviewPublished})
		must(t, "ListReviews w10", err)
		if len(other) != 3 {
			t.Fatalf("w10 has %d published, want 3", len(other))
		}
	}},
	{"delete takes a review, its photo and its share of the aggregates", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		p := store.ReviewPhoto{ID: newID("ph"), ContentType: "image/jpeg", Data: []byte{0xff, 0xd8, 9}, CreatedAt: now()}
		must(t, "PutReviewPhoto", st.PutReviewPhoto(ctx(t), site.ID, p))
		keep, gone := newReview(site.ID, "w1", 4, now()), newReview(site.ID, "w1", 1, now().Add(time.Second))
		keep.Status, gone.Status, gone.PhotoID = store.ReviewPublished, store.ReviewPublished, p.ID
		must(t, "CreateReview", st.CreateReview(ctx(t), keep, ""))
		must(t, "CreateReview", st.CreateReview(ctx(t), gone, "tok-"+gone.ID))
		wantAggregate(t, st, site.ID, "w1", "", true, 2, 5)
		must(t, "DeleteReview", st.DeleteReview(ctx(t), site.ID, gone.ID))
		wantAggregate(t, st, site.ID, "w1", "", true, 1, 4)
		wantAggregate(t, st, site.ID, "w1", "sku-1", false, 1, 4)
		if _, err := st.GetReview(ctx(t), site.ID, gone.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted review still read: %v", err)
		}
		if _, _, err := st.GetReviewPhoto(ctx(t), site.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted review's photo still read: %v", err)
		}
		for _, f := range []store.ReviewFilter{{}, {WidgetID: "w1", Status: store.ReviewPublished}} {
			list, err := st.ListReviews(ctx(t), site.ID, f)
			must(t, "ListReviews", err)
			if !slices.Equal(reviewIDs(list), []string{keep.ID}) {
				t.Fatalf("list %+v after delete = %v, want only %s", f, reviewIDs(list), keep.ID)
			}
		}
		if used, _ := st.ReviewTokenUsed(ctx(t), site.ID, "tok-"+gone.ID); !used {
			t.Fatal("the deleted review's request token reads as unused: the link would work again")
		}
		wantErr(t, "DeleteReview twice", st.DeleteReview(ctx(t), site.ID, gone.ID), store.ErrNotFound)
		wantErr(t, "DeleteReview of another site", st.DeleteReview(ctx(t), newID("site"), keep.ID), store.ErrNotFound)
	}},
	{"moderation moves the aggregates and never the customer's words", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		r := newReview(site.ID, "w1", 2, now())
		must(t, "CreateReview", st.CreateReview(ctx(t), r, ""))
		wantAggregate(t, st, site.ID, "w1", "", true, 0, 0)
		up, err := st.UpdateReview(ctx(t), site.ID, r.ID, func(x *store.Review) error {
			x.Status, x.Text, x.Rating, x.Name = store.ReviewPublished, "edited", 5, "someone"
			x.Answer = &store.ReviewAnswer{Text: "Дякуємо!", At: now()}
			return nil
		})
		must(t, "UpdateReview", err)
		if up.Text != r.Text || up.Rating != 2 || up.Name != r.Name || up.Answer == nil || up.Status != store.ReviewPublished {
			t.Fatalf("after update %+v: the customer's words must stay, status and answer change", up)
		}
		wantAggregate(t, st, site.ID, "w1", "", true, 1, 2)
		wantAggregate(t, st, site.ID, "w1", "sku-1", false, 1, 2)
		wantAggregate(t, st, site.ID, "w1", "sku-2", false, 0, 0)
		_, err = st.UpdateReview(ctx(t), site.ID, r.ID, func(x *store.Review) error { x.Status = store.ReviewHidden; return nil })
		must(t, "hide", err)
		wantAggregate(t, st, site.ID, "w1", "", true, 0, 0)
		list, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{Status: store.ReviewHidden})
		must(t, "ListReviews hidden", err)
		if len(list) != 1 || list[0].Answer == nil || list[0].Answer.Text != "Дякуємо!" {
			t.Fatalf("hidden list = %+v", list)
		}
		boom := errors.New("boom")
		_, err = st.UpdateReview(ctx(t), site.ID, r.ID, func(*store.Review) error { return boom })
		wantErr(t, "UpdateReview fn error", err, boom)
		_, err = st.UpdateReview(ctx(t), site.ID, newID("rv"), publishReview)
		wantErr(t, "UpdateReview missing", err, store.ErrNotFound)
	}},
	{"concurrent moderation keeps the aggregates exact", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		const n = 12
		ids := make([]string, n)
		for i := range n {
			r := newReview(site.ID, "w1", i%5+1, now())
			must(t, "CreateReview", st.CreateReview(ctx(t), r, ""))
			ids[i] = r.ID
		}
		// Every review is published by two racing moderators, then half are
		// hidden by two more: each change must count once.
		var wg sync.WaitGroup
		for range 2 {
			for _, id := range ids {
				wg.Go(func() {
					if _, err := st.UpdateReview(ctx(t), site.ID, id, publishReview); err != nil {
						t.Errorf("publishReview %s: %v", id, err)
					}
				})
			}
		}
		wg.Wait()
		sum := 0
		for i := range n {
			sum += i%5 + 1
		}
		wantAggregate(t, st, site.ID, "w1", "", true, n, sum)
		for range 2 {
			for _, id := range ids[:n/2] {
				wg.Go(func() {
					if _, err := st.UpdateReview(ctx(t), site.ID, id, func(r *store.Review) error { r.Status = store.ReviewHidden; return nil }); err != nil {
						t.Errorf("hide %s: %v", id, err)
					}
				})
			}
		}
		wg.Wait()
		for i := range n / 2 {
			sum -= i%5 + 1
		}
		wantAggregate(t, st, site.ID, "w1", "sku-1", false, n-n/2, sum)
	}},
	{"a request token used twice at once gives exactly one review", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		token := newID("tok")
		const racers = 8
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() { errs[i] = st.CreateReview(ctx(t), newReview(site.ID, "w1", 5, now()), token) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrTokenUsed):
				t.Fatalf("CreateReview with a used token: %v, want ErrTokenUsed", err)
			}
		}
		list, err := st.ListReviews(ctx(t), site.ID, store.ReviewFilter{})
		must(t, "ListReviews", err)
		if ok != 1 || len(list) != 1 {
			t.Fatalf("%d creates succeeded, %d reviews stored; want exactly 1 of each", ok, len(list))
		}
		used, err := st.ReviewTokenUsed(ctx(t), site.ID, token)
		must(t, "ReviewTokenUsed", err)
		if !used {
			t.Fatal("the token is not marked used")
		}
		if used, _ := st.ReviewTokenUsed(ctx(t), site.ID, newID("tok")); used {
			t.Fatal("a fresh token reads as used")
		}
	}},
	{"import is all or nothing and counts at once", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		old := time.Date(2021, 3, 4, 10, 0, 0, 0, time.UTC)
		a, b := newReview(site.ID, "w1", 4, old), newReview(site.ID, "w1", 5, old.AddDate(0, 1, 0))
		a.Status, b.Status, a.Imported, b.Imported = store.ReviewPublished, store.ReviewPublished, true, true
		must(t, "ImportReviews", st.ImportReviews(ctx(t), site.ID, []store.Review{a, b}))
		wantAggregate(t, st, site.ID, "w1", "", true, 2, 9)
		c := newReview(site.ID, "w1", 1, old)
		c.Status = store.ReviewPublished
		wantErr(t, "ImportReviews with a taken id", st.ImportReviews(ctx(t), site.ID, []store.Review{c, a}), store.ErrConflict)
		wantAggregate(t, st, site.ID, "w1", "", true, 2, 9)
		if _, err := st.GetReview(ctx(t), site.ID, c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a review of a refused import was stored: %v", err)
		}
		got, err := st.GetReview(ctx(t), site.ID, b.ID)
		must(t, "GetReview", err)
		if !got.Imported || !got.CreatedAt.Equal(b.CreatedAt) {
			t.Fatalf("imported review = %+v: keeps its date and mark", got)
		}
	}},
	{"photos: stored, attached by their review, dropped with the site", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		p := store.ReviewPhoto{ID: newID("ph"), ContentType: "image/jpeg", Data: []byte{0xff, 0xd8, 0, 1, 2}, CreatedAt: now()}
		must(t, "PutReviewPhoto", st.PutReviewPhoto(ctx(t), site.ID, p))
		got, rid, err := st.GetReviewPhoto(ctx(t), site.ID, p.ID)
		must(t, "GetReviewPhoto", err)
		if rid != "" || got.ContentType != "image/jpeg" || string(got.Data) != string(p.Data) {
			t.Fatalf("photo = %+v %q", got, rid)
		}
		r := newReview(site.ID, "w1", 5, now())
		r.PhotoID = p.ID
		must(t, "CreateReview", st.CreateReview(ctx(t), r, ""))
		if _, rid, _ = st.GetReviewPhoto(ctx(t), site.ID, p.ID); rid != r.ID {
			t.Fatalf("photo's review = %q, want %q", rid, r.ID)
		}
		// An unattached photo is dropped once a day has passed (on the next upload).
		stale := store.ReviewPhoto{ID: newID("ph"), ContentType: "image/jpeg", Data: []byte{1}, CreatedAt: now().Add(-25 * time.Hour)}
		must(t, "PutReviewPhoto stale", st.PutReviewPhoto(ctx(t), site.ID, stale))
		must(t, "PutReviewPhoto", st.PutReviewPhoto(ctx(t), site.ID, store.ReviewPhoto{ID: newID("ph"), ContentType: "image/jpeg", Data: []byte{2}, CreatedAt: now()}))
		if _, _, err := st.GetReviewPhoto(ctx(t), site.ID, stale.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("stale unattached photo kept: %v", err)
		}
		if _, _, err := st.GetReviewPhoto(ctx(t), site.ID, p.ID); err != nil {
			t.Fatalf("attached photo dropped: %v", err)
		}
		wantErr(t, "PutReviewPhoto without site", st.PutReviewPhoto(ctx(t), newID("site"), p), store.ErrNotFound)
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))
		if _, _, err := st.GetReviewPhoto(ctx(t), site.ID, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("photo of a deleted site: %v", err)
		}
		if _, err := st.GetReview(ctx(t), site.ID, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("review of a deleted site: %v", err)
		}
		wantAggregate(t, st, site.ID, "w1", "", true, 0, 0)
	}},
}
