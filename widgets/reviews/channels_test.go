package reviews_test

import (
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestReviewReachesSiteChannels: a widget without a notify_url still tells
// the owner: a new review reaches the site's webhook channel (saved
// without events, so with the defaults) as review.created with the
// review, without the visitor's address.
func TestReviewReachesSiteChannels(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) { c.WebhookAllowPrivate = true }}))
		site := newHooks(t)
		servertest.ExpectStatus(t, e.Admin("PUT", "/api/v1/sites/"+e.siteID+"/channels",
			map[string]any{"webhook": map[string]any{"url": site.URL + "/site"}}), http.StatusOK)
		wid := e.widget(`{}`)
		r := e.review(wid, map[string]any{"rating": 5, "text": "Быстро и аккуратно."})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		hook := site.next(t)
		data, _ := hook["data"].(map[string]any)
		rv, _ := data["review"].(map[string]any)
		if hook["type"] != "review.created" || rv["id"] != r.JSON(t)["review_id"] || rv["text"] != "Быстро и аккуратно." ||
			data["site_id"] != e.siteID || data["widget_id"] != wid {
			t.Fatalf("site webhook %v, want review.created of the review", hook)
		}
		if _, has := rv["ip"]; has {
			t.Fatalf("the webhook carries the visitor's address: %v", rv)
		}
	})
}
