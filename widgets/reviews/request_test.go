package reviews_test

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestRequestLinks: an owner's link for an order lets its buyer write one
// review, marked verified; the same link again is refused (also when
// two tabs send at once); a widget that takes reviews only through links
// refuses a review without one, and a link of another widget.
func TestRequestLinks(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{"only_with_request":true,"request_page":"https://shop.example/reviews?tab=1"}`)
		other := e.widget(`{}`)

		r := e.review(wid, nil)
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); f != "request_token" {
			t.Fatalf("a review without a link: field %q, want request_token", f)
		}
		reqPath := "/api/v1/sites/" + e.siteID + "/widgets/" + wid + "/review-requests"
		bad := e.Admin("POST", reqPath, map[string]any{"order_id": ""})
		servertest.ExpectStatus(t, bad, http.StatusUnprocessableEntity)
		if f := bad.ErrorField(t); f != "order_id" {
			t.Fatalf("field %q, want order_id", f)
		}
		servertest.ExpectStatus(t, e.Admin("POST", reqPath, map[string]any{"order_id": "A-1", "ttl_days": 400}), http.StatusUnprocessableEntity)
		link := e.Admin("POST", reqPath, map[string]any{"order_id": "A-1042", "name": "Олег", "about": "sku-7"})
		servertest.ExpectStatus(t, link, http.StatusCreated)
		out := link.JSON(t)
		token := out["token"].(string)
		u, err := url.Parse(out["url"].(string))
		if err != nil || u.Host != "shop.example" || u.Query().Get("beckon_review") != token || u.Query().Get("tab") != "1" {
			t.Fatalf("link url %v: the request page with beckon_review=<token>", out["url"])
		}
		if out["expires_at"] == nil {
			t.Fatal("no expires_at")
		}
		// The token of another widget does not open this one.
		otherLink := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets/"+other+"/review-requests", map[string]any{"order_id": "B-1"})
		servertest.ExpectStatus(t, otherLink, http.StatusCreated)
		servertest.ExpectStatus(t, e.review(wid, map[string]any{"request_token": otherLink.JSON(t)["token"]}), http.StatusUnprocessableEntity)
		// One character of the signature changed: it no longer matches.
		flip := map[bool]string{true: "B", false: "A"}[token[len(token)-5] == 'A']
		tampered := token[:len(token)-5] + flip + token[len(token)-4:]
		servertest.ExpectStatus(t, e.review(wid, map[string]any{"request_token": tampered}), http.StatusUnprocessableEntity)

		check := func(tok string) map[string]any {
			r := e.visit("POST", "/widgets/"+wid+"/review-requests/check", map[string]any{"request_token": tok})
			servertest.ExpectStatus(t, r, http.StatusOK)
			return r.JSON(t)
		}
		if c := check(token); c["valid"] != true || c["used"] != false {
			t.Fatalf("check of a fresh link: %v", c)
		}
		if c := check(tampered); c["valid"] != false || c["used"] != false {
			t.Fatalf("check of a tampered link: %v", c)
		}
		// Two tabs send the same link at once: one review.
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() {
				statuses[i] = e.review(wid, map[string]any{"request_token": token, "visitor_id": "tab" + string(rune('a'+i))}).Status
			})
		}
		wg.Wait()
		slices.Sort(statuses)
		if !slices.Equal(statuses, []int{http.StatusCreated, http.StatusConflict}) {
			t.Fatalf("two sends of one link: %v, want one 201 and one 409", statuses)
		}
		if c := check(token); c["valid"] != false || c["used"] != true {
			t.Fatalf("check of a used link: %v", c)
		}
		again := e.review(wid, map[string]any{"request_token": token, "visitor_id": "later"})
		servertest.ExpectStatus(t, again, http.StatusConflict)
		if again.ErrorCode(t) != "token_used" {
			t.Fatalf("code %q, want token_used", again.ErrorCode(t))
		}
		inbox := e.inbox("?widget=" + wid)
		if len(inbox) != 1 || inbox[0]["verified"] != true || inbox[0]["order_id"] != "A-1042" || inbox[0]["about"] != "sku-7" {
			t.Fatalf("inbox %v: one verified review of order A-1042 about sku-7", inbox)
		}
		servertest.ExpectStatus(t, e.act("POST", inbox[0]["id"].(string), "publish", nil), http.StatusOK)
		if got := e.shown(wid, ""); len(got.Reviews) != 1 || !got.Reviews[0].Verified {
			t.Fatalf("shown %+v: marked verified", got)
		}
	})
}

// TestRequestSecretIsKept: an owner's settings update that leaves the
// request secret out keeps it, so links already sent still work; a new
// secret voids them.
func TestRequestSecretIsKept(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{}`)
		link := func() string {
			r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/review-requests", map[string]any{"order_id": "A-1"})
			servertest.ExpectStatus(t, r, http.StatusCreated)
			return r.JSON(t)["token"].(string)
		}
		check := func(tok string) any {
			r := e.visit("POST", "/widgets/"+wid+"/review-requests/check", map[string]any{"request_token": tok})
			servertest.ExpectStatus(t, r, http.StatusOK)
			return r.JSON(t)["valid"]
		}
		sent := link()
		patch := func(settings map[string]any) {
			r := e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"settings": settings})
			servertest.ExpectStatus(t, r, http.StatusOK)
		}
		patch(map[string]any{"color": "#16a34a"})
		if check(sent) != true {
			t.Fatal("a settings update voided the links already sent")
		}
		patch(map[string]any{"color": "#16a34a", "request_secret": "a-new-secret-the-owner-chose-0123456789"})
		if check(sent) != false {
			t.Fatal("a new request secret left the old links working")
		}
		if check(link()) != true {
			t.Fatal("a link signed with the new secret does not work")
		}
		weak := e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"settings": map[string]any{"request_secret": "short"}})
		servertest.ExpectStatus(t, weak, http.StatusUnprocessableEntity)
		if f := weak.ErrorField(t); f != "settings.request_secret" {
			t.Fatalf("error field %q", f)
		}
	})
}
