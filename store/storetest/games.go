package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// games is the store as store.Games: the conformance cases are written
// against the interface, so they run before and after store.Store embeds it.
func games(t *testing.T, st store.Store) store.Games {
	t.Helper()
	g, ok := any(st).(store.Games)
	if !ok {
		t.Fatalf("%s store does not implement store.Games", st.Kind())
	}
	return g
}

func stock(n int) *int { return &n }

// newDraw is a draw of widget "w1", campaign "spring", by visitor.
func newDraw(siteID, visitor string, rnd uint64, prizes ...store.GamePrize) store.GameDraw {
	return store.GameDraw{SiteID: siteID, WidgetID: "w1", Campaign: "spring", Keys: []string{"v:" + visitor},
		ID: newID("draw"), Prizes: prizes, NoPrize: 2, Rand: rnd, At: now()}
}

// sameResult compares draws, their times with Equal.
func sameResult(a, b store.GameResult) bool {
	return a.ID == b.ID && a.PrizeID == b.PrizeID && a.At.Equal(b.At)
}

// draw runs d, which must succeed, and checks drawn.
func draw(t *testing.T, g store.Games, d store.GameDraw, wantDrawn bool) store.GameResult {
	t.Helper()
	r, drawn, err := g.GameDraw(ctx(t), d)
	must(t, "GameDraw", err)
	if drawn != wantDrawn {
		t.Fatalf("GameDraw by %v: drawn = %v, want %v", d.Keys, drawn, wantDrawn)
	}
	return r
}

var gameTests = []test{
	{"the roll picks by weight", func(t *testing.T, st store.Store) {
		g, site := games(t, st), createSite(t, st)
		prizes := []store.GamePrize{{ID: "ten", Weight: 1}, {ID: "free-ship", Weight: 3}}
		// Total weight 1+3+2 (no prize) = 6: 0 → ten, 1–3 → free-ship, 4–5 → none.
		for rnd, want := range map[uint64]string{0: "ten", 1: "free-ship", 3: "free-ship", 4: "", 5: "", 6: "ten", 10: ""} {
			r := draw(t, g, newDraw(site.ID, fmt.Sprint("v", rnd), rnd, prizes...), true)
			if r.PrizeID != want {
				t.Errorf("Rand %d won %q, want %q", rnd, r.PrizeID, want)
			}
		}
	}},
	{"a player draws once, under every key", func(t *testing.T, st store.Store) {
		g, site := games(t, st), createSite(t, st)
		prize := store.GamePrize{ID: "ten", Weight: 1}
		first := newDraw(site.ID, "anna", 0, prize)
		first.At = first.At.Truncate(1000) // a round trip keeps microseconds
		r := draw(t, g, first, true)
		if r.PrizeID != "ten" || r.ID != first.ID || !r.At.Equal(first.At) {
			t.Fatalf("first draw %+v, want prize ten, id %s, at %v", r, first.ID, first.At)
		}
		// The same visitor again, with a roll that would lose: the same draw.
		again := newDraw(site.ID, "anna", 4, prize)
		if got := draw(t, g, again, false); !sameResult(got, r) {
			t.Fatalf("the visitor's second draw got %+v, want the first %+v", got, r)
		}
		// The visitor brings a contact: it joins the draw…
		withContact := newDraw(site.ID, "anna", 4, prize)
		withContact.Keys = append(withContact.Keys, "c:+79123456789")
		if got := draw(t, g, withContact, false); !sameResult(got, r) {
			t.Fatalf("visitor with contact got %+v, want %+v", got, r)
		}
		// …so another visitor id with that contact gets it too.
		otherDevice := newDraw(site.ID, "anna-phone", 4, prize)
		otherDevice.Keys = append(otherDevice.Keys, "c:+79123456789")
		if got := draw(t, g, otherDevice, false); !sameResult(got, r) {
			t.Fatalf("another visitor id with the same contact got %+v, want %+v", got, r)
		}
		got, err := g.GameResultOf(ctx(t), site.ID, "w1", "spring", []string{"v:nobody", "c:+79123456789"})
		must(t, "GameResultOf", err)
		if !sameResult(got, r) {
			t.Fatalf("GameResultOf = %+v, want %+v", got, r)
		}
		_, err = g.GameResultOf(ctx(t), site.ID, "w1", "spring", []string{"v:nobody"})
		wantErr(t, "GameResultOf a key that never drew", err, store.ErrNotFound)
		stats, err := g.GameStats(ctx(t), site.ID, "w1", "spring")
		must(t, "GameStats", err)
		if stats.Draws != 1 || stats.Given["ten"] != 1 {
			t.Fatalf("stats %+v after one draw and three repeats, want 1 draw, 1 ten", stats)
		}
	}},
	{"a prize out of stock gives nothing and the odds of the others stay", func(t *testing.T, st store.Store) {
		g, site := games(t, st), createSite(t, st)
		prizes := []store.GamePrize{{ID: "ten", Weight: 1, Stock: stock(1)}, {ID: "five", Weight: 1}}
		if r := draw(t, g, newDraw(site.ID, "a", 0, prizes...), true); r.PrizeID != "ten" {
			t.Fatalf("first roll in ten's range won %q", r.PrizeID)
		}
		// ten's range now gives nothing, not five.
		if r := draw(t, g, newDraw(site.ID, "b", 0, prizes...), true); r.PrizeID != "" {
			t.Fatalf("a roll in the range of a prize out of stock won %q, want nothing", r.PrizeID)
		}
		if r := draw(t, g, newDraw(site.ID, "c", 1, prizes...), true); r.PrizeID != "five" {
			t.Fatalf("a roll in five's range won %q", r.PrizeID)
		}
		// The owner raises the stock to 2: one more ten, counted from what was given.
		prizes[0].Stock = stock(2)
		if r := draw(t, g, newDraw(site.ID, "d", 0, prizes...), true); r.PrizeID != "ten" {
			t.Fatalf("after the stock was raised won %q, want ten", r.PrizeID)
		}
		if r := draw(t, g, newDraw(site.ID, "e", 0, prizes...), true); r.PrizeID != "" {
			t.Fatalf("beyond the raised stock won %q", r.PrizeID)
		}
		stats, err := g.GameStats(ctx(t), site.ID, "w1", "spring")
		must(t, "GameStats", err)
		if stats.Draws != 5 || stats.Given["ten"] != 2 || stats.Given["five"] != 1 {
			t.Fatalf("stats %+v, want 5 draws, ten 2, five 1", stats)
		}
	}},
	{"a new campaign or another widget draws afresh", func(t *testing.T, st store.Store) {
		g, site := games(t, st), createSite(t, st)
		prizes := []store.GamePrize{{ID: "ten", Weight: 1, Stock: stock(1)}}
		draw(t, g, newDraw(site.ID, "anna", 0, prizes...), true)
		autumn := newDraw(site.ID, "anna", 0, prizes...)
		autumn.Campaign = "autumn"
		if r := draw(t, g, autumn, true); r.PrizeID != "ten" {
			t.Fatalf("a new campaign's draw won %q, want ten from its own stock", r.PrizeID)
		}
		other := newDraw(site.ID, "anna", 0, prizes...)
		other.WidgetID = "w2"
		if r := draw(t, g, other, true); r.PrizeID != "ten" {
			t.Fatalf("another widget's draw won %q, want ten", r.PrizeID)
		}
		for _, c := range []string{"spring", "autumn"} {
			stats, err := g.GameStats(ctx(t), site.ID, "w1", c)
			must(t, "GameStats", err)
			if stats.Draws != 1 || stats.Given["ten"] != 1 || len(stats.Given) != 1 {
				t.Fatalf("campaign %s stats %+v, want its own one draw", c, stats)
			}
		}
		empty, err := g.GameStats(ctx(t), site.ID, "w1", "winter")
		must(t, "GameStats", err)
		if empty.Draws != 0 || len(empty.Given) != 0 {
			t.Fatalf("a campaign nobody drew in: %+v", empty)
		}
	}},
	{"deleting the site deletes its draws", func(t *testing.T, st store.Store) {
		g, site := games(t, st), createSite(t, st)
		prize := store.GamePrize{ID: "ten", Weight: 1, Stock: stock(1)}
		draw(t, g, newDraw(site.ID, "anna", 0, prize), true)
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))
		must(t, "CreateSite again", st.CreateSite(ctx(t), site))
		_, err := g.GameResultOf(ctx(t), site.ID, "w1", "spring", []string{"v:anna"})
		wantErr(t, "GameResultOf after the site was deleted", err, store.ErrNotFound)
		stats, err := g.GameStats(ctx(t), site.ID, "w1", "spring")
		must(t, "GameStats", err)
		if stats.Draws != 0 || len(stats.Given) != 0 {
			t.Fatalf("a deleted site's counts survived: %+v", stats)
		}
		if r := draw(t, g, newDraw(site.ID, "anna", 0, prize), true); r.PrizeID != "ten" {
			t.Fatalf("the new site's draw won %q, want ten from a full stock", r.PrizeID)
		}
	}},
	{"no site, no draw", func(t *testing.T, st store.Store) {
		_, _, err := games(t, st).GameDraw(ctx(t), newDraw("no-such-site", "v", 0, store.GamePrize{ID: "p", Weight: 1}))
		wantErr(t, "GameDraw on a missing site", err, store.ErrNotFound)
	}},
	{"1000 concurrent draws against a stock of 10 give exactly 10", func(t *testing.T, st store.Store) {
		g, site := games(t, st), createSite(t, st)
		// Every roll lands on the prize while it lasts; 500 visitors draw
		// twice each, at once.
		prizes := []store.GamePrize{{ID: "ten", Weight: 1, Stock: stock(10)}}
		const visitors = 500
		results := make([][2]store.GameResult, visitors)
		errs := make(chan error, 2*visitors)
		var wg sync.WaitGroup
		for i := range visitors {
			for j := range 2 {
				wg.Go(func() {
					d := newDraw(site.ID, fmt.Sprint("v", i), 0, prizes...)
					d.NoPrize = 0
					r, _, err := g.GameDraw(ctx(t), d)
					results[i][j] = r
					errs <- err
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, "concurrent GameDraw", err)
		}
		won := 0
		for i, r := range results {
			if !sameResult(r[0], r[1]) {
				t.Fatalf("visitor %d drew twice: %+v and %+v", i, r[0], r[1])
			}
			if r[0].PrizeID == "ten" {
				won++
			}
		}
		if won != 10 {
			t.Fatalf("%d visitors won, want exactly the stock of 10", won)
		}
		stats, err := g.GameStats(ctx(t), site.ID, "w1", "spring")
		must(t, "GameStats", err)
		if stats.Draws != visitors || stats.Given["ten"] != 10 {
			t.Fatalf("stats %+v, want %d draws and 10 given", stats, visitors)
		}
	}},
}
