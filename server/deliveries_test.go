package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// ownerEndpoint is a site owner's webhook receiver: it checks each
// signature as the Standard Webhooks spec says, records the webhook-ids,
// and answers with the status set last.
type ownerEndpoint struct {
	*httptest.Server
	answer atomic.Int32
	secret atomic.Value // string, once the widget has one

	mu  sync.Mutex
	ids []string
}

func newOwnerEndpoint(t *testing.T, status int) *ownerEndpoint {
	t.Helper()
	e := &ownerEndpoint{}
	e.answer.Store(int32(status))
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		secret, _ := e.secret.Load().(string)
		if err := notify.Verify(secret, r.Header, body, time.Minute); err != nil {
			t.Errorf("webhook signature: %v", err)
		}
		e.mu.Lock()
		e.ids = append(e.ids, r.Header.Get(notify.HeaderID))
		e.mu.Unlock()
		w.WriteHeader(int(e.answer.Load()))
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *ownerEndpoint) received() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.ids...)
}

// deliveries reads the site's log through the API.
func deliveries(ts *servertest.Server, siteID string, n int) []map[string]any {
	ts.T.Helper()
	var list []map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/deliveries", nil)
		servertest.ExpectStatus(ts.T, r, http.StatusOK)
		var body struct {
			Deliveries []map[string]any `json:"deliveries"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			ts.T.Fatal(err)
		}
		list = body.Deliveries
		if len(list) >= n {
			break
		}
		if time.Now().After(deadline) {
			ts.T.Fatalf("the delivery log has %d entries after 10s, want %d: %s", len(list), n, r.Body)
		}
		time.Sleep(20 * time.Millisecond) // polling the API until a deadline
	}
	if len(list) != n {
		ts.T.Fatalf("the delivery log has %d entries, want %d: %+v", len(list), n, list)
	}
	return list
}

// TestDeliveryLogAndReplay: a missed request's webhook that the owner's
// endpoint refuses (410) is in the site's delivery log with its status;
// after the owner fixes the endpoint, a replay delivers the same message
// (same webhook-id) and the log shows both attempts, newest first. The
// log and the replay follow the API keys' scopes.
func TestDeliveryLogAndReplay(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		owner := newOwnerEndpoint(t, http.StatusGone)
		// The receiver is on loopback, which only an operator's opt-in allows.
		ts := servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) { c.WebhookAllowPrivate = true }})
		siteID, key, wid := ts.CallbackSite(`,"managers":[{"name":"Busy","phone":"+79000000002"}],"notify_url":"` + owner.URL + `/hooks/beckon"`)
		w := ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid, nil).JSON(t)
		owner.secret.Store(w["settings"].(map[string]any)["notify_secret"].(string))
		cb := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1"})
		servertest.ExpectStatus(t, cb, http.StatusAccepted)

		first := deliveries(ts, siteID, 1)[0]
		webhookID, _ := first["webhook_id"].(string)
		if !strings.HasPrefix(webhookID, "msg_") || first["event_type"] != "callback.missed" || first["attempt"] != 1.0 ||
			first["status_code"] != 410.0 || !strings.Contains(first["error"].(string), "410") ||
			first["url"] != owner.URL+"/hooks/beckon" || first["next_attempt_at"] != nil {
			t.Fatalf("log entry %+v", first)
		}
		if _, err := time.Parse(time.RFC3339Nano, first["at"].(string)); err != nil {
			t.Fatalf("at: %v", err)
		}
		if _, ok := first["duration_ms"].(float64); !ok {
			t.Fatalf("no duration_ms in %+v", first)
		}

		// Scopes: reading the log needs deliveries:read, replaying
		// deliveries:write; another site's key sees nothing.
		replay := "/api/v1/sites/" + siteID + "/deliveries/" + webhookID + "/replay"
		reader := ts.CreateKey(siteID, "deliveries:read")
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/deliveries", nil, "Authorization", "Bearer "+reader), http.StatusOK)
		servertest.ExpectStatus(t, ts.Request("POST", replay, nil, "Authorization", "Bearer "+reader), http.StatusForbidden)
		leads := ts.CreateKey(siteID, "leads:read")
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/deliveries", nil, "Authorization", "Bearer "+leads), http.StatusForbidden)
		other, _, _ := ts.CallbackSite("")
		stranger := ts.CreateKey(other, "deliveries:read", "deliveries:write")
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/deliveries", nil, "Authorization", "Bearer "+stranger), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Request("POST", "/api/v1/sites/"+other+"/deliveries/"+webhookID+"/replay", nil, "Authorization", "Bearer "+stranger), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Admin("POST", "/api/v1/sites/"+siteID+"/deliveries/msg_unknown/replay", nil), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+siteID+"/deliveries", nil), http.StatusUnauthorized)
		r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/deliveries?limit=0", nil)
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if r.ErrorField(t) != "limit" {
			t.Fatalf("422 names %q, want limit", r.ErrorField(t))
		}

		owner.answer.Store(http.StatusNoContent)
		writer := ts.CreateKey(siteID, "deliveries:write")
		r = ts.Request("POST", replay, nil, "Authorization", "Bearer "+writer)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		if v := r.JSON(t); v["webhook_id"] != webhookID || v["state"] != "pending" || v["attempts"] != 1.0 {
			t.Fatalf("replay answer %+v", v)
		}
		log := deliveries(ts, siteID, 2)
		if log[0]["webhook_id"] != webhookID || log[0]["attempt"] != 2.0 || log[0]["status_code"] != 204.0 ||
			log[0]["error"] != nil || log[0]["next_attempt_at"] != nil || log[1]["status_code"] != 410.0 {
			t.Fatalf("log after the replay %+v", log)
		}
		if got := owner.received(); len(got) != 2 || got[0] != webhookID || got[1] != webhookID {
			t.Fatalf("the endpoint got %v, want %s twice", got, webhookID)
		}
		r = ts.Admin("GET", "/api/v1/sites/"+siteID+"/deliveries?limit=1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if n := len(r.JSON(t)["deliveries"].([]any)); n != 1 {
			t.Fatalf("limit=1 gave %d entries", n)
		}
	})
}

// TestWebhookSettingsValidation: a notify_secret that is not a Standard
// Webhooks secret, and a notify_url the address guard would refuse at
// every attempt, are refused on save with a 422 naming the field, and
// nothing changes; an operator's BECKON_WEBHOOK_ALLOW_PRIVATE lets
// internal URLs through.
func TestWebhookSettingsValidation(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		siteID, _, wid := ts.CallbackSite(`,"notify_url":"https://hooks.example.com/beckon"`)
		widget := func() map[string]any {
			return ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+wid, nil).JSON(t)["settings"].(map[string]any)
		}
		saved := widget()
		if err := notify.CheckSecret(saved["notify_secret"].(string)); err != nil {
			t.Fatalf("generated secret %q: %v", saved["notify_secret"], err)
		}
		countWidgets := func() int {
			return len(ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets", nil).JSON(t)["widgets"].([]any))
		}
		before := countWidgets()
		for _, tc := range []struct {
			settings, field string
		}{
			{`"notify_url":"https://hooks.example.com/beckon","notify_secret":"nope"`, "settings.notify_secret"},
			{`"notify_url":"https://hooks.example.com/beckon","notify_secret":"whsec_c2hvcnQ="`, "settings.notify_secret"},
			{`"notify_secret":"nope"`, "settings.notify_secret"},
			{`"notify_url":"http://127.0.0.1:8080/hook"`, "settings.notify_url"},
			{`"notify_url":"http://localhost/hook"`, "settings.notify_url"},
			{`"notify_url":"http://169.254.169.254/latest/meta-data"`, "settings.notify_url"},
			{`"notify_url":"http://[::1]/hook"`, "settings.notify_url"},
			{`"notify_url":"http://10.0.0.7/hook"`, "settings.notify_url"},
			{`"notify_url":"ftp://hooks.example.com/beckon"`, "settings.notify_url"},
		} {
			settings := json.RawMessage(`{"managers":[{"name":"Anna","phone":"+79000000010"}],` + tc.settings + `}`)
			r := ts.Admin("POST", "/api/v1/sites/"+siteID+"/widgets", map[string]any{"type": "callback", "settings": settings})
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if r.ErrorField(t) != tc.field {
				t.Fatalf("%s: 422 names %q, want %q (%s)", tc.settings, r.ErrorField(t), tc.field, r.Body)
			}
			r = ts.Admin("PATCH", "/api/v1/sites/"+siteID+"/widgets/"+wid, map[string]any{"settings": settings})
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if r.ErrorField(t) != tc.field {
				t.Fatalf("PATCH %s: 422 names %q, want %q", tc.settings, r.ErrorField(t), tc.field)
			}
		}
		if got := widget(); got["notify_url"] != saved["notify_url"] || got["notify_secret"] != saved["notify_secret"] {
			t.Fatalf("a refused PATCH changed the widget: %v", got)
		}
		if countWidgets() != before {
			t.Fatal("a refused POST created a widget")
		}

		open := servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) { c.WebhookAllowPrivate = true }})
		site := open.CreateSite("Intranet", shopOrigin)
		open.CreateWidget(site["id"].(string), map[string]any{"type": "callback",
			"settings": json.RawMessage(`{"managers":[{"name":"Anna","phone":"+79000000010"}],"notify_url":"http://10.0.0.7/hook"}`)})
	})
}
