package callback_test

// The owner's webhooks of the callback widget (owner_webhooks.go): a
// missed request, a day's budget spent.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/server/servertest"
)

// TestMissedCallbackWebhook: when no manager takes a request, the site's
// endpoint gets a signed callback.missed webhook.
func TestMissedCallbackWebhook(t *testing.T) {
	got := make(chan map[string]any, 1)
	var secret string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, r.Header, body, time.Minute); err != nil {
			t.Errorf("webhook signature: %v", err)
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		got <- m
	}))
	defer receiver.Close()
	// The receiver is on loopback, which only an operator's opt-in allows.
	ts := startServer(t, servertest.NewStore(t, "embedded"), func(c *config.Config) { c.WebhookAllowPrivate = true })
	siteID, key, wid := ts.CallbackSite(`,"managers":[{"name":"Busy","phone":"+79000000002"}],"notify_url":"` + receiver.URL + `/hook"`)
	w := ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid, nil).JSON(t)
	secret = w["settings"].(map[string]any)["notify_secret"].(string)
	id := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"}).JSON(t)["id"].(string)
	select {
	case m := <-got:
		data := m["data"].(map[string]any)
		if m["type"] != "callback.missed" || data["callback_id"] != id || data["reason"] != "manager_no_answer" || data["phone"] != "+79161234567" {
			t.Fatalf("webhook %v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no missed-callback webhook")
	}
}

// TestBudgetAlertAndConsentRecord: a site whose day's budget runs out
// pauses intake and its endpoint is told once; an accepted request keeps
// the consent's version, time and address.
func TestBudgetAlertAndConsentRecord(t *testing.T) {
	got := make(chan map[string]any, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m map[string]any
		json.Unmarshal(body, &m)
		got <- m
	}))
	defer receiver.Close()
	ts := startServer(t, servertest.NewStore(t, "embedded"), func(c *config.Config) { c.WebhookAllowPrivate = true })
	siteID, key, _ := ts.CallbackSite(`,"limits":{"daily_budget":1},"notify_url":"` + receiver.URL + `",
		"consent":{"required":true,"version":"2026-11","text":{"ru":"Согласен","uk":"Згоден","en":"I agree"}}`)
	before := time.Now().UTC()
	first := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "consent": true})
	servertest.ExpectStatus(t, first, http.StatusAccepted)
	cb := ts.adminCallback(siteID, first.JSON(t)["id"].(string))
	if cb.Consent == nil || cb.Consent.Version != "2026-11" || cb.Consent.IP == "" || cb.Consent.At.Before(before.Add(-time.Second)) {
		t.Fatalf("consent record %+v", cb.Consent)
	}
	for range 2 {
		r := ts.PostCallback(key, map[string]any{"phone": "+79161234568", "visitor_id": "v2", "consent": true})
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if r.ErrorCode(t) != "budget_spent" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s", r.Body)
		}
	}
	deadline := time.After(10 * time.Second)
	for alerts := 0; ; {
		select {
		case m := <-got:
			switch m["type"] {
			case "callback.budget_spent":
				alerts++
			case "callback.missed":
			default:
				t.Fatalf("webhook %v", m)
			}
		case <-time.After(time.Second):
			if alerts != 1 {
				t.Fatalf("%d budget alerts, want exactly 1", alerts)
			}
			return
		case <-deadline:
			t.Fatal("no budget alert")
		}
	}
}

// TestCallbackEventsOnSiteChannels: the site's own webhook channel hears
// of a connected call (callback.completed) and of a missed one
// (callback.missed), signed with the channel's secret, each with the
// request's inbox lead; the widget's notify_url keeps its two events.
func TestCallbackEventsOnSiteChannels(t *testing.T) {
	got := make(chan map[string]any, 8)
	var secret atomic.Value
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret.Load().(string), r.Header, body, time.Minute); err != nil {
			t.Errorf("channel webhook signature: %v", err)
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		got <- m
	}))
	defer receiver.Close()
	ts := startServer(t, servertest.NewStore(t, "embedded"), func(c *config.Config) { c.WebhookAllowPrivate = true })
	siteID, key, _ := ts.CallbackSite("")
	r := ts.Admin("PUT", "/api/v1/sites/"+siteID+"/channels", map[string]any{
		"webhook": map[string]any{"url": receiver.URL + "/site", "events": []string{"callback.completed", "callback.missed"}},
	})
	servertest.ExpectStatus(t, r, http.StatusOK)
	secret.Store(r.JSON(t)["webhook"].(map[string]any)["secret"].(string))

	id := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "name": "Ольга"}).JSON(t)["id"].(string)
	select {
	case m := <-got:
		data := m["data"].(map[string]any)
		lead, _ := data["lead"].(map[string]any)
		if m["type"] != "callback.completed" || data["callback_id"] != id || data["connected_at"] == nil || lead == nil ||
			lead["id"] != "cb_"+id || lead["type"] != "callback" || lead["contact"].(map[string]any)["phone"] != "+79161234567" {
			t.Fatalf("channel got %v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no callback.completed on the site's channel")
	}

	busyID, busyKey, _ := ts.CallbackSite(`,"managers":[{"name":"Busy","phone":"+79000000002"}]`)
	r = ts.Admin("PUT", "/api/v1/sites/"+busyID+"/channels", map[string]any{
		"webhook": map[string]any{"url": receiver.URL + "/site", "secret": secret.Load(), "events": []string{"callback.missed"}},
	})
	servertest.ExpectStatus(t, r, http.StatusOK)
	missed := ts.PostCallback(busyKey, map[string]any{"phone": "+79161234568", "visitor_id": "v2"}).JSON(t)["id"].(string)
	select {
	case m := <-got:
		data := m["data"].(map[string]any)
		lead, _ := data["lead"].(map[string]any)
		if m["type"] != "callback.missed" || data["callback_id"] != missed || data["reason"] != "manager_no_answer" || lead == nil || lead["id"] != "cb_"+missed {
			t.Fatalf("channel got %v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no callback.missed on the site's channel")
	}
}
