package quiz_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestBadContacts: each field the form checks is refused with its name,
// and nothing reaches the inbox.
func TestBadContacts(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		q.finish(sid, "v1")
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"phone": ""}, "phone"},
			{map[string]any{"phone": "12"}, "phone"},
			{map[string]any{"phone": "+7 916 123 45 67 89 00 11 22 33 44"}, "phone"},
			{map[string]any{"email": "olga@"}, "email"},
			{map[string]any{"email": "Olga <olga@example.com>"}, "email"},
			{map[string]any{"email": "olga@localhost"}, "email"},
			{map[string]any{"consent": false}, "consent"},
			{map[string]any{"name": strings.Repeat("Я", 101)}, "name"},
			{map[string]any{"lang": "fr"}, "lang"},
		} {
			expectInvalid(t, q.lead(sid, "v1", tc.body), tc.field)
		}
		if n := len(q.leads()); n != 0 {
			t.Fatalf("refused submissions stored %d leads", n)
		}
		if s := q.session(sid, "v1").JSON(t); s["lead_id"] != nil {
			t.Fatalf("refused submissions marked the session: %v", s)
		}
	})
}

// TestUnfinishedQuizKeepsNoLead: without partial_leads a lead comes only
// with the questions answered.
func TestUnfinishedQuizKeepsNoLead(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		q.mustAnswer(sid, "v1", "rooms", "r1")
		expectCode(t, q.lead(sid, "v1", nil), http.StatusConflict, "quiz_unfinished")
		if n := len(q.leads()); n != 0 {
			t.Fatalf("%d leads of an unfinished quiz", n)
		}
	})
}

// TestLeadRetry: a submission sent again (the visitor's connection dropped
// before the answer) is the same lead, answered the same way.
func TestLeadRetry(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		q.finish(sid, "v1")
		first := q.lead(sid, "v1", nil)
		servertest.ExpectStatus(t, first, http.StatusCreated)
		again := q.lead(sid, "v1", nil)
		servertest.ExpectStatus(t, again, http.StatusCreated)
		if a, b := first.JSON(t), again.JSON(t); a["lead_id"] != b["lead_id"] || b["partial"] != false || b["result"] == nil {
			t.Fatalf("first %v, retry %v", a, b)
		}
		if n := len(q.leads()); n != 1 {
			t.Fatalf("%d leads after a retry, want 1", n)
		}
	})
}

// TestTamperedBrowser: the browser cannot send a price, a result or a
// version: such fields are refused, and the stored result is the one the
// server works out from the answers.
func TestTamperedBrowser(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		r := q.public("PUT", "/sessions/"+sid+"/answers/rooms", map[string]any{"visitor_id": "v1", "value": "r3", "values": map[string]any{"price": 1}})
		if r.Status < 400 || r.Status >= 500 {
			t.Fatalf("an answer with values: %d %s", r.Status, r.Body)
		}
		q.finish(sid, "v1")
		for _, extra := range []map[string]any{
			{"result": map[string]any{"values": map[string]any{"price": 1}}},
			{"price": 1},
			{"version": 7},
		} {
			r := q.lead(sid, "v1", extra)
			if r.Status < 400 || r.Status >= 500 {
				t.Fatalf("a lead with %v: %d %s", extra, r.Status, r.Body)
			}
		}
		if n := len(q.leads()); n != 0 {
			t.Fatalf("tampered submissions stored %d leads", n)
		}
		servertest.ExpectStatus(t, q.lead(sid, "v1", nil), http.StatusCreated)
		l, _ := q.storedLead("ld_" + sid)
		if l.Result == nil || l.Result.Values["price"] != 262000 || l.Result.Screen != "small" {
			t.Fatalf("stored result %+v", l.Result)
		}
	})
}

// TestHoneypot: a bot that fills the hidden field is told what a person
// is told, and nothing is stored.
func TestHoneypot(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		// Before the last answer a bot is told what a person would be:
		// the quiz is not finished (nothing tells the honeypot apart).
		early := q.lead(sid, "v1", map[string]any{"website": "http://spam.example"})
		expectCode(t, early, http.StatusConflict, "quiz_unfinished")
		q.finish(sid, "v1")
		r := q.lead(sid, "v1", map[string]any{"website": "http://spam.example"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		if r.JSON(t)["lead_id"] == "" {
			t.Fatalf("honeypot answer %s", r.Body)
		}
		if n := len(q.leads()); n != 0 {
			t.Fatalf("the honeypot stored %d leads", n)
		}
		if s := q.session(sid, "v1").JSON(t); s["lead_id"] != nil || s["done"] != false {
			t.Fatalf("the honeypot marked the session: %v", s)
		}
	})
}

// TestLeadLimit: one address leaves four leads in 20 minutes; the fifth
// is refused with Retry-After and stores nothing.
func TestLeadLimit(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		var last string
		for i := range 5 {
			visitor := "v" + string(rune('1'+i))
			sid := q.startSession(visitor, nil)
			q.finish(sid, visitor)
			r := q.lead(sid, visitor, nil)
			if i < 4 {
				servertest.ExpectStatus(t, r, http.StatusCreated)
				continue
			}
			expectCode(t, r, http.StatusTooManyRequests, "rate_limited")
			if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
				t.Fatalf("Retry-After %q", ra)
			}
			last = sid
		}
		if n := len(q.leads()); n != 4 {
			t.Fatalf("%d leads stored, want 4", n)
		}
		if _, ok := q.storedLead("ld_" + last); ok {
			t.Fatal("the refused lead was stored")
		}
		if s := q.session(last, "v5").JSON(t); s["lead_id"] != nil {
			t.Fatalf("the refused lead marked the session: %v", s)
		}
	})
}

// webhooks is a receiver of the owner's webhooks: each event's type and
// data, in the order they came.
func webhooks(t *testing.T) (url string, got chan map[string]any) {
	got = make(chan map[string]any, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("webhook body %s: %v", body, err)
		}
		got <- m
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got
}

// nextWebhook waits for the next webhook of type typ.
func nextWebhook(t *testing.T, got chan map[string]any, typ string) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-got:
			if m["type"] == typ {
				return m
			}
		case <-deadline:
			t.Fatalf("no %s webhook", typ)
		}
	}
}

// allowLoopbackWebhooks lets the test's receiver on 127.0.0.1 get webhooks.
func allowLoopbackWebhooks(c *config.Config) { c.WebhookAllowPrivate = true }

// withSettings is renovation with fields replaced (a JSON object's members).
func withSettings(t testing.TB, members string) string {
	t.Helper()
	var base, extra map[string]json.RawMessage
	if err := json.Unmarshal([]byte(renovation), &base); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte("{"+members+"}"), &extra); err != nil {
		t.Fatal(err)
	}
	for k, v := range extra {
		base[k] = v
	}
	raw, _ := json.Marshal(base)
	return string(raw)
}

// TestLeadWebhook: a new lead reaches the owner's endpoint as
// lead.submitted with its answers and result.
func TestLeadWebhook(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		url, got := webhooks(t)
		q := start(t, newStore(t), withSettings(t, `"notify_url":"`+url+`/hook"`), allowLoopbackWebhooks)
		sid := q.startSession("v1", nil)
		q.finish(sid, "v1")
		servertest.ExpectStatus(t, q.lead(sid, "v1", nil), http.StatusCreated)
		m := nextWebhook(t, got, "lead.submitted")
		lead, _ := m["data"].(map[string]any)["lead"].(map[string]any)
		if lead == nil || lead["id"] != "ld_"+sid || lead["result"].(map[string]any)["values"].(map[string]any)["price"] != 262000.0 ||
			lead["contact"].(map[string]any)["phone"] != "+79161234567" {
			t.Fatalf("webhook %v", m)
		}
	})
}

// TestPartialLead: with partial_leads on, contacts left halfway are a
// partial lead (lead.started); finishing the questions completes the same
// lead (lead.submitted) with the answers and result.
func TestPartialLead(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		url, got := webhooks(t)
		q := start(t, newStore(t), withSettings(t, `"partial_leads":true,"notify_url":"`+url+`"`), allowLoopbackWebhooks)
		sid := q.startSession("v1", nil)
		q.mustAnswer(sid, "v1", "rooms", "r3")
		r := q.lead(sid, "v1", nil)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		if b := r.JSON(t); b["partial"] != true || b["lead_id"] != "ld_"+sid || b["result"] != nil {
			t.Fatalf("partial lead: %s", r.Body)
		}
		l, ok := q.storedLead("ld_" + sid)
		if !ok || !l.Partial || l.Result != nil || len(l.Answers) != 1 || l.Contact.Phone != "+79161234567" {
			t.Fatalf("partial lead %+v", l)
		}
		nextWebhook(t, got, "lead.started")

		q.mustAnswer(sid, "v1", "area", 60)
		q.mustAnswer(sid, "v1", "extras", []string{"balcony"})
		q.mustAnswer(sid, "v1", "wish", "Quiet neighbours")
		q.mustAnswer(sid, "v1", "when", "2026-12-24")
		l, _ = q.storedLead("ld_" + sid)
		if l.Partial || l.Result == nil || l.Result.Values["price"] != 262000 || len(l.Answers) != 5 || l.Contact.Phone != "+79161234567" {
			t.Fatalf("completed lead %+v", l)
		}
		m := nextWebhook(t, got, "lead.submitted")
		if m["data"].(map[string]any)["lead"].(map[string]any)["partial"] == true {
			t.Fatalf("lead.submitted of a partial lead: %v", m)
		}
		if n := len(q.leads()); n != 1 {
			t.Fatalf("%d leads, want the one", n)
		}
		servertest.ExpectStatus(t, q.lead(sid, "v1", nil), http.StatusCreated) // a late retry: the same lead
		if n := len(q.leads()); n != 1 {
			t.Fatalf("%d leads after a retry", n)
		}
	})
}

// TestRetryAfterTheLeadWasDeleted: the owner deleted a lead (erased on
// the visitor's request); a late retry of the form is answered as before
// and brings nothing back.
func TestRetryAfterTheLeadWasDeleted(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		q.finish(sid, "v1")
		servertest.ExpectStatus(t, q.lead(sid, "v1", nil), http.StatusCreated)
		servertest.ExpectStatus(t, q.Admin("DELETE", "/api/v1/sites/"+q.siteID+"/leads/ld_"+sid, nil), http.StatusNoContent)
		r := q.lead(sid, "v1", nil)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		if r.JSON(t)["lead_id"] != "ld_"+sid {
			t.Fatalf("retry: %s", r.Body)
		}
		if n := len(q.leads()); n != 0 {
			t.Fatalf("the deleted lead came back: %d leads", n)
		}
	})
}
