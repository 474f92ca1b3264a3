package reviews_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestModerationLifecycle: a sent review waits in the inbox as pending and
// is not shown; published, it is shown with its real date and counted;
// the owner's answer appears under it; hidden, it disappears from the
// list and the average. The customer's words never change.
func TestModerationLifecycle(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) { c.WebhookAllowPrivate = true }}))
		owner := newHooks(t)
		wid := e.widget(`{"notify_url":"` + owner.URL + `/hook"}`)

		r := e.review(wid, map[string]any{"rating": 2, "text": "Курьер опоздал на день. <script>x</script>"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		rid := r.JSON(t)["review_id"].(string)
		if r.JSON(t)["status"] != "pending" {
			t.Fatalf("a new review is %v, want pending", r.JSON(t)["status"])
		}
		hook := owner.next(t)
		data, _ := hook["data"].(map[string]any)
		rv, _ := data["review"].(map[string]any)
		if hook["type"] != "review.created" || rv["id"] != rid || rv["rating"] != 2.0 {
			t.Fatalf("webhook %v, want review.created of %s", hook, rid)
		}
		if got := e.shown(wid, ""); len(got.Reviews) != 0 || got.Count != 0 {
			t.Fatalf("a pending review is shown: %+v", got)
		}
		inbox := e.inbox("?status=pending")
		if len(inbox) != 1 || inbox[0]["id"] != rid || inbox[0]["status"] != "pending" {
			t.Fatalf("pending inbox %v", inbox)
		}
		written := inbox[0]["created_at"].(string)

		servertest.ExpectStatus(t, e.act("POST", rid, "publish", nil), http.StatusOK)
		servertest.ExpectStatus(t, e.act("PUT", rid, "answer", map[string]any{"text": "Простите за задержку, вернули стоимость доставки."}), http.StatusOK)
		got := e.shown(wid, "")
		if len(got.Reviews) != 1 || got.Count != 1 || got.Average != 2 {
			t.Fatalf("after publishing: %+v", got)
		}
		shown := got.Reviews[0]
		if shown.Text != "Курьер опоздал на день. <script>x</script>" || shown.Name != "Ирина" || shown.Date != written {
			t.Fatalf("shown %+v: the customer's words and the date they wrote it (%s) must be as sent", shown, written)
		}
		if shown.Answer == nil || !strings.HasPrefix(shown.Answer.Text, "Простите") {
			t.Fatalf("the answer is not under the review: %+v", shown.Answer)
		}
		// A second review, 5 stars: the average is of both.
		r = e.review(wid, map[string]any{"rating": 5, "visitor_id": "v2"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		servertest.ExpectStatus(t, e.act("POST", r.JSON(t)["review_id"].(string), "publish", nil), http.StatusOK)
		if got := e.shown(wid, ""); got.Count != 2 || got.Average != 3.5 {
			t.Fatalf("two published (2 and 5 stars): count %d average %v, want 2 and 3.5", got.Count, got.Average)
		}
		servertest.ExpectStatus(t, e.act("POST", rid, "hide", nil), http.StatusOK)
		if got := e.shown(wid, ""); got.Count != 1 || got.Average != 5 || len(got.Reviews) != 1 || got.Reviews[0].ID == rid {
			t.Fatalf("after hiding the 2-star review: %+v", got)
		}
		servertest.ExpectStatus(t, e.act("DELETE", rid, "answer", nil), http.StatusOK)
		if h := e.inbox("?status=hidden"); len(h) != 1 || h[0]["answer"] != nil || h[0]["text"] != "Курьер опоздал на день. <script>x</script>" {
			t.Fatalf("hidden review after removing the answer: %v", h)
		}
		servertest.ExpectStatus(t, e.act("POST", "rv_nothing", "publish", nil), http.StatusNotFound)
		// The customer withdraws the consent: the review goes, with its place in the average.
		servertest.ExpectStatus(t, e.Admin("DELETE", "/api/v1/sites/"+e.siteID+"/reviews/"+rid, nil), http.StatusNoContent)
		servertest.ExpectStatus(t, e.Admin("DELETE", "/api/v1/sites/"+e.siteID+"/reviews/"+rid, nil), http.StatusNotFound)
		if n := len(e.inbox("?status=hidden")); n != 0 {
			t.Fatalf("%d hidden reviews after deleting the only one", n)
		}
		if got := e.shown(wid, ""); got.Count != 1 || got.Average != 5 {
			t.Fatalf("after deleting the hidden review: %+v", got)
		}
	})
}

// TestBadReviewsAreRefused: each bad field is a 422 naming it, and nothing
// is stored; a filled honeypot is answered like a person and stores nothing.
func TestBadReviewsAreRefused(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{}`)
		for _, c := range []struct {
			field string
			body  map[string]any
		}{
			{"rating", map[string]any{"rating": 0}},
			{"rating", map[string]any{"rating": 6}},
			{"text", map[string]any{"text": "  "}},
			{"text", map[string]any{"text": strings.Repeat("я", 2001)}},
			{"name", map[string]any{"name": nil}},
			{"consent", map[string]any{"consent": false}},
			{"visitor_id", map[string]any{"visitor_id": nil}},
			{"lang", map[string]any{"lang": "de"}},
			{"photo_id", map[string]any{"photo_id": "ph_nothing"}},
			{"request_token", map[string]any{"request_token": "eyJ3IjoieCJ9.forged"}},
		} {
			r := e.review(wid, c.body)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != c.field {
				t.Errorf("%v: error field %q, want %q", c.body, f, c.field)
			}
		}
		servertest.ExpectStatus(t, e.review(wid, map[string]any{"stars": 5}), http.StatusBadRequest)
		r := e.review(wid, map[string]any{"website": "http://spam.example"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		if n := len(e.inbox("")); n != 0 {
			t.Fatalf("%d reviews stored after refused and honeypot submissions, want 0", n)
		}
		servertest.ExpectStatus(t, e.review("w_nothing", nil), http.StatusNotFound)
		show := e.widget(`{"mode":"show"}`)
		servertest.ExpectStatus(t, e.review(show, nil), http.StatusNotFound)
	})
}

// TestReviewLimits: a visitor writes 3 reviews an hour, the fourth is a 429
// with Retry-After and is not stored.
func TestReviewLimits(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{}`)
		for i := range 3 {
			servertest.ExpectStatus(t, e.review(wid, map[string]any{"text": fmt.Sprintf("отзыв %d", i)}), http.StatusCreated)
		}
		r := e.review(wid, nil)
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		if n := len(e.inbox("")); n != 3 {
			t.Fatalf("%d reviews stored, want 3", n)
		}
	})
}

// TestFilterIsHonest: min_rating_shown hides low ratings from the list but
// the count and average still include them.
func TestFilterIsHonest(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{"min_rating_shown":4}`)
		for i, rating := range []int{1, 5} {
			r := e.review(wid, map[string]any{"rating": rating, "visitor_id": fmt.Sprint("v", i)})
			servertest.ExpectStatus(t, r, http.StatusCreated)
			servertest.ExpectStatus(t, e.act("POST", r.JSON(t)["review_id"].(string), "publish", nil), http.StatusOK)
		}
		got := e.shown(wid, "")
		if len(got.Reviews) != 1 || got.Reviews[0].Rating != 5 || got.Count != 2 || got.Average != 3 {
			t.Fatalf("filtered list %+v: the 1-star review is left out of the list only", got)
		}
		bad := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets", map[string]any{"type": "reviews", "settings": map[string]any{"min_rating_shown": 0}})
		servertest.ExpectStatus(t, bad, http.StatusUnprocessableEntity)
		if f := bad.ErrorField(t); f != "settings.min_rating_shown" {
			t.Fatalf("error field %q", f)
		}
	})
}

// TestModerationNeedsTheScope: a key without leads:write cannot publish;
// another site's key does not even find the review.
func TestModerationNeedsTheScope(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{}`)
		r := e.review(wid, nil)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		rid := r.JSON(t)["review_id"].(string)
		reader := e.CreateKey(e.siteID, "leads:read")
		path := "/api/v1/sites/" + e.siteID + "/reviews/" + rid + "/publish"
		servertest.ExpectStatus(t, e.Request("POST", path, nil, "Authorization", "Bearer "+reader), http.StatusForbidden)
		other := e.CreateSite("Чужой")
		stranger := e.CreateKey(other["id"].(string), "leads:write")
		servertest.ExpectStatus(t, e.Request("POST", path, nil, "Authorization", "Bearer "+stranger), http.StatusNotFound)
		servertest.ExpectStatus(t, e.Request("GET", "/api/v1/sites/"+e.siteID+"/reviews", nil, "Authorization", "Bearer "+reader), http.StatusOK)
		if st := e.inbox("")[0]["status"]; st != "pending" {
			t.Fatalf("status after refused publishes: %v", st)
		}
	})
}

// TestAboutAProduct: a page sends the product its review is about; the
// list and the average of ?about= are that product's alone, and a widget
// set to one product takes and shows only that product's reviews.
func TestAboutAProduct(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{}`)
		for i, c := range []struct {
			about  string
			rating int
		}{{"sku-1", 5}, {"sku-1", 3}, {"sku-2", 1}} {
			r := e.review(wid, map[string]any{"about": c.about, "rating": c.rating, "visitor_id": fmt.Sprint("v", i)})
			servertest.ExpectStatus(t, r, http.StatusCreated)
			servertest.ExpectStatus(t, e.act("POST", r.JSON(t)["review_id"].(string), "publish", nil), http.StatusOK)
		}
		if got := e.shown(wid, "?about=sku-1"); got.Count != 2 || got.Average != 4 || len(got.Reviews) != 2 {
			t.Fatalf("sku-1: %+v, want its 2 reviews averaging 4", got)
		}
		if got := e.shown(wid, ""); got.Count != 3 || got.Average != 3 {
			t.Fatalf("all: %+v, want 3 reviews averaging 3", got)
		}
		one := e.widget(`{"about":"sku-9"}`)
		r := e.review(one, map[string]any{"about": "sku-1"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		servertest.ExpectStatus(t, e.act("POST", r.JSON(t)["review_id"].(string), "publish", nil), http.StatusOK)
		if got := e.inbox("?about=sku-9"); len(got) != 1 || got[0]["widget_id"] != one {
			t.Fatalf("a widget set to sku-9 stored %v", got)
		}
		if got := e.shown(one, "?about=sku-1"); got.Count != 1 || len(got.Reviews) != 1 {
			t.Fatalf("a widget set to sku-9 shows %+v, want its own review whatever ?about= says", got)
		}
	})
}
