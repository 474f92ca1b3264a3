package callback_test

// The owner's side of the callback widget (http_admin.go): the request
// log and its analytics.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestCallbackAdminListAndAnalytics: the owner pages through requests with
// their timelines and reads the analytics; keys are held to their site and
// scope.
func TestCallbackAdminListAndAnalytics(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		siteID, key, _ := ts.CallbackSite("")
		var ids []string
		for i := range 3 {
			r := ts.PostCallback(key, map[string]any{"phone": "+7916123450" + strconv.Itoa(5+i), "visitor_id": "v" + strconv.Itoa(i),
				"utm": map[string]string{"utm_source": []string{"yandex", "google", "yandex"}[i]}})
			servertest.ExpectStatus(t, r, http.StatusAccepted)
			ids = append(ids, r.JSON(t)["id"].(string))
		}
		for i, id := range ids {
			ts.waitStatus(key, id, "v"+strconv.Itoa(i))
		}
		r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks?limit=2", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var page struct {
			Callbacks  []store.Callback
			NextBefore string `json:"next_before"`
		}
		json.Unmarshal(r.Body, &page)
		if len(page.Callbacks) != 2 || page.NextBefore == "" || page.Callbacks[0].ID != ids[2] || len(page.Callbacks[0].Timeline) < 6 {
			t.Fatalf("first page: %s", r.Body)
		}
		r = ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks?limit=2&before="+page.NextBefore, nil)
		json.Unmarshal(r.Body, &page)
		if len(page.Callbacks) != 1 || page.Callbacks[0].ID != ids[0] {
			t.Fatalf("second page: %s", r.Body)
		}
		servertest.ExpectStatus(t, ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks?limit=0", nil), http.StatusUnprocessableEntity)
		servertest.ExpectStatus(t, ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks?before=yesterday", nil), http.StatusUnprocessableEntity)

		r = ts.Admin("GET", "/api/v1/sites/"+siteID+"/analytics/callbacks", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
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
		other := ts.CreateSite("Other")["id"].(string)
		otherKey := ts.CreateKey(other, "leads:read")
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/callbacks", nil, "Authorization", "Bearer "+otherKey), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/callbacks/"+ids[0], nil, "Authorization", "Bearer "+otherKey), http.StatusNotFound)
		weak := ts.CreateKey(siteID, "widgets:read")
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/callbacks", nil, "Authorization", "Bearer "+weak), http.StatusForbidden)
		own := ts.CreateKey(siteID, "leads:read")
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/analytics/callbacks", nil, "Authorization", "Bearer "+own), http.StatusOK)
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/callbacks", nil), http.StatusUnauthorized)
		servertest.ExpectStatus(t, ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks/nope", nil), http.StatusNotFound)
	})
}

// TestCallbackAnalyticsCountFromAcceptance: the visitor missed the first
// call and took the retry. The request's waits count from its acceptance,
// not from the retry: the wait to connect includes the retry delay, the
// wait for the first ring is the first attempt's.
func TestCallbackAnalyticsCountFromAcceptance(t *testing.T) {
	const visitor, retryDelay = "+79161234567", 10 * time.Second
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		t.Parallel() // most of it is the retry delay
		ts, fake := twilioServer(t, newStore(t))
		fake.Script(visitor, twiliofake.Behavior{NoAnswer: true})
		siteID, key, _ := ts.CallbackSite(`,"visitor_retries":1,"retry_delay_seconds":10,"visitor_ring_seconds":5`)
		r := ts.PostCallback(key, map[string]any{"phone": visitor, "visitor_id": "v1"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		id := r.JSON(t)["id"].(string)

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

		a := ts.Admin("GET", "/api/v1/sites/"+siteID+"/analytics/callbacks", nil)
		servertest.ExpectStatus(t, a, http.StatusOK)
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
