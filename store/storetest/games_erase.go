package storetest

import (
	"testing"

	"github.com/beckonhq/beckon/store"
)

func init() { gameTests = append(gameTests, gameEraseTests...) }

// gameErasure is the store as store.GameErasure.
func gameErasure(t *testing.T, st store.Store) store.GameErasure {
	t.Helper()
	g, ok := any(st).(store.GameErasure)
	if !ok {
		t.Fatalf("%s store does not implement store.GameErasure", st.Kind())
	}
	return g
}

var gameEraseTests = []test{
	{"erasing a player forgets the draw under every key, the stock stays given", func(t *testing.T, st store.Store) {
		g, e, site := games(t, st), gameErasure(t, st), createSite(t, st)
		prize := store.GamePrize{ID: "ten", Weight: 1, Stock: stock(1)}
		withContact := newDraw(site.ID, "anna", 0, prize)
		withContact.Keys = append(withContact.Keys, "c:anna-hash")
		draw(t, g, withContact, true)
		// The same visitor in another campaign, and another player.
		other := newDraw(site.ID, "anna", 0, prize)
		other.Campaign = "autumn"
		draw(t, g, other, true)
		boris := newDraw(site.ID, "boris", 0, prize)
		boris.Keys = append(boris.Keys, "c:boris-hash")
		kept := draw(t, g, boris, true)

		n, err := e.EraseGamePlayer(ctx(t), site.ID, "v:anna")
		must(t, "EraseGamePlayer", err)
		if n != 2 {
			t.Fatalf("erased %d draws, want 2 (two campaigns)", n)
		}
		for _, c := range []string{"spring", "autumn"} {
			_, err = g.GameResultOf(ctx(t), site.ID, "w1", c, []string{"v:anna", "c:anna-hash"})
			wantErr(t, "the erased player's draw in "+c, err, store.ErrNotFound)
		}
		got, err := g.GameResultOf(ctx(t), site.ID, "w1", "spring", []string{"c:boris-hash"})
		must(t, "GameResultOf another player", err)
		if !sameResult(got, kept) {
			t.Fatalf("another player's draw is %+v, want %+v", got, kept)
		}
		stats, err := g.GameStats(ctx(t), site.ID, "w1", "spring")
		must(t, "GameStats", err)
		if stats.Draws != 2 || stats.Given["ten"] != 1 {
			t.Fatalf("stats after the erasure %+v, want the 2 draws and the 1 ten given kept", stats)
		}
		// The stock stays consumed: the erased player draws anew and the
		// prize given before is not given again.
		again := newDraw(site.ID, "anna", 0, prize)
		if r := draw(t, g, again, true); r.PrizeID != "" {
			t.Fatalf("after the erasure a new draw won %q beyond the stock", r.PrizeID)
		}
		n, err = e.EraseGamePlayer(ctx(t), site.ID, "v:nobody")
		must(t, "EraseGamePlayer of a key that never drew", err)
		if n != 0 {
			t.Fatalf("erasing a key that never drew erased %d", n)
		}
		n, err = e.EraseGamePlayer(ctx(t), "no-such-site", "v:anna")
		must(t, "EraseGamePlayer of a site without draws", err)
		if n != 0 {
			t.Fatalf("erasing in a site without draws erased %d", n)
		}
	}},
}
