package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// TestCallbackAdminListAndAnalytics: the owner pages through requests with
// their timelines and reads the analytics; keys are held to their site and
// scope.
func TestCallbackAdminListAndAnalytics(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		siteID, key, _ := ts.callbackSite("")
		var ids []string
		for i := range 3 {
			r := ts.postCallback(key, map[string]any{"phone": "+7916123450" + strconv.Itoa(5+i), "visitor_id": "v" + strconv.Itoa(i),
				"utm": map[string]string{"utm_source": []string{"yandex", "google", "yandex"}[i]}})
			expectStatus(t, r, http.StatusAccepted)
			ids = append(ids, r.json(t)["id"].(string))
		}
		for i, id := range ids {
			ts.waitStatus(key, id, "v"+strconv.Itoa(i))
		}
		r := ts.admin("GET", "/api/v1/sites/"+siteID+"/callbacks?limit=2", nil)
		expectStatus(t, r, http.StatusOK)
		var page struct {
			Callbacks  []store.Callback
			NextBefore string `json:"next_before"`
		}
		json.Unmarshal(r.Body, &page)
		if len(page.Callbacks) != 2 || page.NextBefore == "" || page.Callbacks[0].ID != ids[2] || len(page.Callbacks[0].Timeline) < 6 {
			t.Fatalf("first page: %s", r.Body)
		}
		r = ts.admin("GET", "/api/v1/sites/"+siteID+"/callbacks?limit=2&before="+page.NextBefore, nil)
		json.Unmarshal(r.Body, &page)
		if len(page.Callbacks) != 1 || page.Callbacks[0].ID != ids[0] {
			t.Fatalf("second page: %s", r.Body)
		}
		expectStatus(t, ts.admin("GET", "/api/v1/sites/"+siteID+"/callbacks?limit=0", nil), http.StatusUnprocessableEntity)
		expectStatus(t, ts.admin("GET", "/api/v1/sites/"+siteID+"/callbacks?before=yesterday", nil), http.StatusUnprocessableEntity)

		r = ts.admin("GET", "/api/v1/sites/"+siteID+"/analytics/callbacks", nil)
		expectStatus(t, r, http.StatusOK)
		var an struct {
			Analytics struct {
				Total struct {
					Requests, Connected int
					ConnectedRate       float64  `json:"connected_rate"`
					ToConnect           *float64 `json:"median_seconds_to_connect"`
				}
				BySource []struct {
					Name     string
					Requests int
				} `json:"by_source"`
				ByManager []struct{ Name string } `json:"by_manager"`
			}
		}
		json.Unmarshal(r.Body, &an)
		a := an.Analytics
		if a.Total.Requests != 3 || a.Total.Connected != 3 || a.Total.ConnectedRate != 1 || a.Total.ToConnect == nil ||
			len(a.BySource) != 2 || a.BySource[0].Name != "yandex" || a.BySource[0].Requests != 2 || len(a.ByManager) != 1 || a.ByManager[0].Name != "Anna" {
			t.Fatalf("analytics: %s", r.Body)
		}

		// Keys: another site's key sees nothing; a key without leads:read is refused.
		other := ts.createSite("Other")["id"].(string)
		otherKey := ts.createKey(other, "leads:read")
		expectStatus(t, ts.request("GET", "/api/v1/sites/"+siteID+"/callbacks", nil, "Authorization", "Bearer "+otherKey), http.StatusNotFound)
		expectStatus(t, ts.request("GET", "/api/v1/sites/"+siteID+"/callbacks/"+ids[0], nil, "Authorization", "Bearer "+otherKey), http.StatusNotFound)
		weak := ts.createKey(siteID, "widgets:read")
		expectStatus(t, ts.request("GET", "/api/v1/sites/"+siteID+"/callbacks", nil, "Authorization", "Bearer "+weak), http.StatusForbidden)
		own := ts.createKey(siteID, "leads:read")
		expectStatus(t, ts.request("GET", "/api/v1/sites/"+siteID+"/analytics/callbacks", nil, "Authorization", "Bearer "+own), http.StatusOK)
		expectStatus(t, ts.request("GET", "/api/v1/sites/"+siteID+"/callbacks", nil), http.StatusUnauthorized)
		expectStatus(t, ts.admin("GET", "/api/v1/sites/"+siteID+"/callbacks/nope", nil), http.StatusNotFound)
	})
}

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
	ts := newTestServer(t, storeFactories["embedded"](t), func(c *config.Config) { c.WebhookAllowPrivate = true })
	siteID, key, wid := ts.callbackSite(`,"managers":[{"name":"Busy","phone":"+79000000002"}],"notify_url":"` + receiver.URL + `/hook"`)
	w := ts.admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid, nil).json(t)
	secret = w["settings"].(map[string]any)["notify_secret"].(string)
	id := ts.postCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"}).json(t)["id"].(string)
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
	ts := newTestServer(t, storeFactories["embedded"](t), func(c *config.Config) { c.WebhookAllowPrivate = true })
	siteID, key, _ := ts.callbackSite(`,"limits":{"daily_budget":1},"notify_url":"` + receiver.URL + `",
		"consent":{"required":true,"version":"2026-11","text":{"ru":"Согласен","uk":"Згоден","en":"I agree"}}`)
	before := time.Now().UTC()
	first := ts.postCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "consent": true})
	expectStatus(t, first, http.StatusAccepted)
	cb := ts.adminCallback(siteID, first.json(t)["id"].(string))
	if cb.Consent == nil || cb.Consent.Version != "2026-11" || cb.Consent.IP == "" || cb.Consent.At.Before(before.Add(-time.Second)) {
		t.Fatalf("consent record %+v", cb.Consent)
	}
	for range 2 {
		r := ts.postCallback(key, map[string]any{"phone": "+79161234568", "visitor_id": "v2", "consent": true})
		expectStatus(t, r, http.StatusTooManyRequests)
		if r.errorCode(t) != "budget_spent" || r.Header.Get("Retry-After") == "" {
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

// TestCallbackAnalyticsCountFromAcceptance: the visitor missed the first
// call and took the retry. The request's waits count from its acceptance,
// not from the retry: the wait to connect includes the retry delay, the
// wait for the first ring is the first attempt's.
func TestCallbackAnalyticsCountFromAcceptance(t *testing.T) {
	const visitor, retryDelay = "+79161234567", 10 * time.Second
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		t.Parallel() // most of it is the retry delay
		ts, fake := twilioServer(t, newStore(t))
		fake.Script(visitor, twiliofake.Behavior{NoAnswer: true})
		siteID, key, _ := ts.callbackSite(`,"visitor_retries":1,"retry_delay_seconds":10,"visitor_ring_seconds":5`)
		r := ts.postCallback(key, map[string]any{"phone": visitor, "visitor_id": "v1"})
		expectStatus(t, r, http.StatusAccepted)
		id := r.json(t)["id"].(string)

		// The first attempt ends unanswered; the retry is scheduled.
		deadline := time.Now().Add(10 * time.Second)
		for cb := ts.adminCallback(siteID, id); cb.Attempt != 1 || cb.Status != "queued"; cb = ts.adminCallback(siteID, id) {
			if time.Now().After(deadline) {
				t.Fatalf("no retry scheduled: %s, attempt %d", cb.Status, cb.Attempt)
			}
			time.Sleep(20 * time.Millisecond)
		}
		fake.Script(visitor, twiliofake.DefaultBehavior) // picks up this time
		cb := ts.settled(siteID, id, fake)
		if cb.Status != "completed" || cb.Attempt != 2 {
			t.Fatalf("%s after %d attempts, want completed after 2", cb.Status, cb.Attempt)
		}
		if !cb.FirstDueAt.Equal(cb.CreatedAt) || cb.DueAt.Sub(cb.FirstDueAt) < retryDelay {
			t.Fatalf("first_due_at %v, due_at %v, created %v: want the first at acceptance, the second moved by the retry",
				cb.FirstDueAt, cb.DueAt, cb.CreatedAt)
		}

		a := ts.admin("GET", "/api/v1/sites/"+siteID+"/analytics/callbacks", nil)
		expectStatus(t, a, http.StatusOK)
		var an struct {
			Analytics struct {
				Total struct {
					Connected int
					ToRing    *float64 `json:"median_seconds_to_manager_ring"`
					ToConnect *float64 `json:"median_seconds_to_connect"`
				}
			}
		}
		json.Unmarshal(a.Body, &an)
		tot := an.Analytics.Total
		if tot.Connected != 1 || tot.ToRing == nil || tot.ToConnect == nil ||
			*tot.ToConnect < retryDelay.Seconds() || *tot.ToRing > 5 {
			t.Fatalf("analytics %s: want the first ring within seconds of acceptance and the connection after the %v retry delay", a.Body, retryDelay)
		}
	})
}
