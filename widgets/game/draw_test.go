package game_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// sure is a game that always gives "ten" (the only weight), with the
// consent box.
const sure = `{"prizes":[
	{"id":"ten","title":{"ru":"Скидка 10%","en":"10% off"},"weight":1,"stock":null,"code":{"shared":"SPIN10"}},
	{"id":"gift","title":"Подарок","weight":0,"stock":5}],
	"no_prize_weight":0,"consent":{"required":true}}`

// TestSameAnswerAgain: a draw is stored with its lead; the same visitor,
// or the same phone from another visitor id (in another spelling), gets
// the same draw marked already, and nothing is drawn again.
func TestSameAnswerAgain(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.game(sure)

		first := drawn(t, e.play(wid, "v1", "8 (912) 345-67-89"))
		if first.prizeID() != "ten" || first.Prize.Title != "Скидка 10%" || first.code() != "SPIN10" || first.Already {
			t.Fatalf("first draw %+v, want ten with SPIN10", first)
		}
		for _, again := range []servertest.Response{
			e.play(wid, "v1", "+7 912 345 67 89"),
			e.play(wid, "v1-other-device", "+79123456789"),
		} {
			a := drawn(t, again)
			if a.DrawID != first.DrawID || a.prizeID() != "ten" || a.code() != "SPIN10" || !a.Already {
				t.Fatalf("repeat got %+v, want draw %s again, already", a, first.DrawID)
			}
		}
		if s := e.stats(wid); s.Draws != 1 || s.Wins != 1 || s.Prizes[0].Given != 1 || s.Prizes[1].Left == nil || *s.Prizes[1].Left != 5 {
			t.Fatalf("stats %+v after one draw and two repeats", s)
		}
		leads := e.inbox()
		if len(leads) != 1 {
			t.Fatalf("inbox holds %d game leads, want 1", len(leads))
		}
		l := leads[0]
		contact, _ := l["contact"].(map[string]any)
		if l["widget_id"] != wid || contact["phone"] != "+79123456789" || !strings.Contains(fmt.Sprint(l["summary"]), "Скидка 10%") ||
			!strings.Contains(fmt.Sprint(l["summary"]), "SPIN10") || l["consent"] == nil {
			t.Fatalf("lead %v, want the phone, the prize and the code in its summary, the consent", l)
		}
	})
}

// TestNewCampaignDrawsAgain: changing the campaign lets everyone play again.
func TestNewCampaignDrawsAgain(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.game(sure)
		first := drawn(t, e.play(wid, "v1", "+79123456789"))
		r := e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"settings": map[string]any{
			"campaign": "autumn", "prizes": []map[string]any{{"id": "ten", "title": "Скидка", "weight": 1, "stock": nil}}}})
		servertest.ExpectStatus(t, r, http.StatusOK)
		next := drawn(t, e.play(wid, "v1", "+79123456789"))
		if next.Already || next.DrawID == first.DrawID {
			t.Fatalf("in a new campaign the player got %+v, want a new draw", next)
		}
		if s := e.stats(wid); s.Campaign != "autumn" || s.Draws != 1 {
			t.Fatalf("stats %+v, want the new campaign's one draw", s)
		}
	})
}

// TestBadDrawChangesNothing: each bad input is refused with its field,
// and no draw or lead is kept.
func TestBadDrawChangesNothing(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.game(sure)
		sub := e.game(`{"contact":"subscribe","prizes":[{"id":"p","title":"Приз","weight":1,"stock":null}]}`)
		either := e.game(`{"contact":"phone_or_email","prizes":[{"id":"p","title":"Приз","weight":1,"stock":null}]}`)
		for _, tc := range []struct {
			wid   string
			body  map[string]any
			field string
		}{
			{wid, map[string]any{"contact": map[string]any{"phone": "+79123456789"}, "consent": true}, "visitor_id"},
			{wid, map[string]any{"visitor_id": "v", "contact": map[string]any{"phone": "12"}, "consent": true}, "contact.phone"},
			{wid, map[string]any{"visitor_id": "v", "contact": map[string]any{}, "consent": true}, "contact.phone"},
			{wid, map[string]any{"visitor_id": "v", "contact": map[string]any{"phone": "+79123456789"}}, "consent"},
			{wid, map[string]any{"visitor_id": "v", "contact": map[string]any{"phone": "+79123456789"}, "consent": true, "lang": "de"}, "lang"},
			{sub, map[string]any{"visitor_id": "v", "contact": map[string]any{"email": "a@shop.example"}}, "subscribe"},
			{sub, map[string]any{"visitor_id": "v", "contact": map[string]any{"email": "not-mail"}, "subscribe": true}, "contact.email"},
			{either, map[string]any{"visitor_id": "v", "contact": map[string]any{}}, "contact.phone"},
		} {
			r := e.visit("POST", "/games/"+tc.wid+"/draw", tc.body)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != tc.field {
				t.Errorf("%v: field %q, want %q", tc.body, f, tc.field)
			}
		}
		for _, w := range []string{wid, sub, either} {
			if s := e.stats(w); s.Draws != 0 {
				t.Fatalf("refused draws were counted: %+v", s)
			}
		}
		if n := len(e.inbox()); n != 0 {
			t.Fatalf("refused draws left %d leads", n)
		}
		// The same player with valid input draws, and an e-mail in
		// another case is the same player.
		a := drawn(t, e.visit("POST", "/games/"+sub+"/draw", map[string]any{"visitor_id": "s1",
			"contact": map[string]any{"email": "Anna@Shop.Example"}, "subscribe": true}))
		b := drawn(t, e.visit("POST", "/games/"+sub+"/draw", map[string]any{"visitor_id": "s2",
			"contact": map[string]any{"email": "anna@shop.example"}, "subscribe": true}))
		if a.DrawID != b.DrawID || !b.Already {
			t.Fatalf("the same e-mail in another case drew again: %+v then %+v", a, b)
		}
	})
}

// TestIPLimit: an address gets ip_limit new draws a day, then 429 with
// Retry-After; a player who drew still gets their draw from it.
func TestIPLimit(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}}))
		wid := e.game(`{"ip_limit":2,"prizes":[{"id":"p","title":"Приз","weight":1,"stock":null}]}`)
		office := []string{"X-Forwarded-For", "203.0.113.7"}
		first := drawn(t, e.play(wid, "v1", "+79123456781", office...))
		drawn(t, e.play(wid, "v2", "+79123456782", office...))
		r := e.play(wid, "v3", "+79123456783", office...)
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		if a := drawn(t, e.play(wid, "v1", "+79123456781", office...)); a.DrawID != first.DrawID || !a.Already {
			t.Fatalf("a player over the address's limit got %+v, want their draw", a)
		}
		drawn(t, e.play(wid, "v3", "+79123456783", "X-Forwarded-For", "198.51.100.1"))
		if s := e.stats(wid); s.Draws != 3 {
			t.Fatalf("stats %+v, want 3 draws", s)
		}
	})
}

// TestPoolCodes: winners get unique codes from the prize's pool, the same
// code again on a repeat; once the pool is empty the prize stands with
// its code pending, the lead tells the owner, and refilling the pool gives
// the waiting winner a code on their next visit.
func TestPoolCodes(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/code-pools", map[string]any{"name": "spring", "codes": []string{"A-1", "A-2"}})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		pool := r.JSON(t)["id"].(string)
		wid := e.game(`{"prizes":[{"id":"ten","title":"Скидка 10%","weight":1,"stock":null,"code":{"pool_id":"` + pool + `"}}]}`)

		seen := map[string]bool{}
		for i := range 2 {
			a := drawn(t, e.play(wid, fmt.Sprint("v", i), fmt.Sprint("+7912345678", i)))
			if a.code() == "" || seen[a.code()] || a.CodePending {
				t.Fatalf("winner %d got %+v, want a code of its own (had %v)", i, a, seen)
			}
			seen[a.code()] = true
			if again := drawn(t, e.play(wid, fmt.Sprint("v", i), fmt.Sprint("+7912345678", i))); again.code() != a.code() {
				t.Fatalf("winner %d's repeat got code %q, want %q", i, again.code(), a.code())
			}
		}
		late := drawn(t, e.play(wid, "v9", "+79123456789"))
		if late.prizeID() != "ten" || late.Code != nil || !late.CodePending {
			t.Fatalf("a winner after the pool ran out got %+v, want the prize with its code pending", late)
		}
		if l := e.inbox()[0]; !strings.Contains(fmt.Sprint(l["summary"]), "code pool empty") {
			t.Fatalf("the late winner's lead %v does not tell the owner to send the code", l["summary"])
		}
		r = e.Admin("POST", "/api/v1/sites/"+e.siteID+"/code-pools/"+pool+"/codes", map[string]any{"codes": []string{"A-3"}})
		servertest.ExpectStatus(t, r, http.StatusOK)
		if a := drawn(t, e.play(wid, "v9", "+79123456789")); a.code() != "A-3" || a.CodePending || a.DrawID != late.DrawID {
			t.Fatalf("after the refill the waiting winner got %+v, want code A-3 for the same draw", a)
		}
	})
}

// TestChancesFollowStock: the odds add up to 100 %, and a prize out of
// stock shows 0 % with its weight moved to "no prize", never to the other
// prizes.
func TestChancesFollowStock(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.game(`{"show_stock_left":true,"no_prize_weight":0,"prizes":[
			{"id":"tv","title":{"ru":"Телевизор","en":"A TV"},"weight":1,"stock":1},
			{"id":"five","title":"Скидка 5%","weight":0,"stock":null}]}`)
		chances := func() map[string]any {
			r := e.visit("GET", "/games/"+wid+"/chances?lang=en", nil)
			servertest.ExpectStatus(t, r, http.StatusOK)
			return r.JSON(t)
		}
		c := chances()
		tv := c["prizes"].([]any)[0].(map[string]any)
		if tv["title"] != "A TV" || tv["percent"] != 100.0 || tv["stock"] != "limited" || tv["left"] != 1.0 || c["no_prize_percent"] != 0.0 {
			t.Fatalf("chances before any draw: %v", c)
		}
		if a := drawn(t, e.play(wid, "v1", "+79123456789")); a.prizeID() != "tv" {
			t.Fatalf("the only weight gave %+v", a)
		}
		if a := drawn(t, e.play(wid, "v2", "+79123456780")); a.Prize != nil {
			t.Fatalf("a draw after the TV ran out won %+v, want nothing", a)
		}
		c = chances()
		tv, five := c["prizes"].([]any)[0].(map[string]any), c["prizes"].([]any)[1].(map[string]any)
		if tv["percent"] != 0.0 || tv["stock"] != "out" || tv["left"] != 0.0 || five["percent"] != 0.0 || c["no_prize_percent"] != 100.0 {
			t.Fatalf("chances after the TV ran out: %v", c)
		}
	})
}
