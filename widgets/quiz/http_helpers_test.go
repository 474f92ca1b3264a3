package quiz_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

const shopOrigin = "https://shop.example"

// renovation is the quiz of most tests: five questions, a price worked out
// from them, two result screens, a form asking for a phone with consent.
//
//	rooms (single) → area (number; over 200 m² skips to when) → extras (multi, optional)
//	→ wish (text, optional) → when (date) → end
const renovation = `{
  "start": {"title": {"en": "Renovation cost"}, "bonus": {"en": "A 10% discount"}},
  "steps": [
    {"id": "rooms", "type": "single", "title": {"en": "Rooms?"},
     "options": [{"id": "r1", "label": {"en": "One"}, "value": 1}, {"id": "r2", "label": {"en": "Two"}, "value": 2},
                 {"id": "r3", "label": {"en": "Three"}, "value": 3}]},
    {"id": "area", "type": "number", "title": {"en": "Area?"}, "min": 10, "max": 300, "step": 1,
     "rules": [{"if": "area > 200", "next": "when"}]},
    {"id": "extras", "type": "multi", "title": {"en": "Extras?"}, "required": false,
     "options": [{"id": "balcony", "label": {"en": "Balcony"}, "value": 10000}, {"id": "floor", "label": {"en": "Heated floor"}, "value": 5000}]},
    {"id": "wish", "type": "text", "title": {"en": "Anything else?"}, "required": false, "max_length": 200},
    {"id": "when", "type": "date", "title": {"en": "When?"}, "min": "2026-01-01", "max": "2027-12-31"}
  ],
  "formulas": [{"name": "price", "expr": "area * 3500 * (rooms == 3 ? 1.2 : 1) + extras"}],
  "results": [
    {"id": "small", "title": {"en": "A small job"}, "text": {"en": "About {price}"}, "when": {"value": "price", "max": 500000},
     "summary": {"en": "{rooms} rooms, {area} m², estimate {price}"}},
    {"id": "big", "title": {"en": "A big job"}, "text": {"en": "About {price}"}, "summary": {"en": "big: {price}"}}
  ],
  "form": {"fields": [{"name": "name"}, {"name": "phone", "required": true}, {"name": "email"}],
           "consent": {"required": true, "version": "2026-11", "text": {"en": "I agree to the processing of my data"}}}
}`

// quizServer is a running server with a site and its quiz, in the words
// of the tests.
type quizServer struct {
	*servertest.Server
	t                testing.TB
	siteID, key, wid string
}

// start runs a server on st with a site (origin shopOrigin, region RU) and a
// quiz widget with settings; configure may adjust the configuration.
func start(t testing.TB, st store.Store, settings string, configure func(*config.Config)) *quizServer {
	t.Helper()
	ts := servertest.Start(t, st, servertest.Options{Config: configure})
	site := ts.CreateSite("Shop", shopOrigin)
	q := &quizServer{Server: ts, t: t, siteID: site["id"].(string), key: site["key"].(string)}
	w := ts.CreateWidget(q.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage(settings)})
	q.wid = w["id"].(string)
	return q
}

// public sends a visitor's request from the shop's page.
func (q *quizServer) public(method, path string, body any) servertest.Response {
	q.t.Helper()
	return q.Request(method, "/w/v1/"+q.key+"/quizzes/"+q.wid+path, body, "Origin", shopOrigin)
}

// startSession begins a session of visitor and returns its id.
func (q *quizServer) startSession(visitor string, extra map[string]any) string {
	q.t.Helper()
	body := map[string]any{"visitor_id": visitor, "page_url": "https://shop.example/renovation?x=1", "lang": "en"}
	maps.Copy(body, extra)
	r := q.public("POST", "/sessions", body)
	servertest.ExpectStatus(q.t, r, http.StatusCreated)
	return r.JSON(q.t)["session_id"].(string)
}

// answer puts visitor's answer to step and returns the response.
func (q *quizServer) answer(sid, visitor, step string, value any) servertest.Response {
	q.t.Helper()
	return q.public("PUT", "/sessions/"+sid+"/answers/"+step, map[string]any{"visitor_id": visitor, "value": value})
}

// mustAnswer puts an answer that must be accepted and returns the body.
func (q *quizServer) mustAnswer(sid, visitor, step string, value any) map[string]any {
	q.t.Helper()
	r := q.answer(sid, visitor, step, value)
	servertest.ExpectStatus(q.t, r, http.StatusOK)
	return r.JSON(q.t)
}

// finish answers the five questions: three rooms, 60 m², a balcony, no
// wish, Christmas. The server's price: 60·3500·1.2 + 10000 = 262000.
func (q *quizServer) finish(sid, visitor string) map[string]any {
	q.t.Helper()
	q.mustAnswer(sid, visitor, "rooms", "r3")
	q.mustAnswer(sid, visitor, "area", 60)
	q.mustAnswer(sid, visitor, "extras", []string{"balcony"})
	q.mustAnswer(sid, visitor, "wish", nil)
	return q.mustAnswer(sid, visitor, "when", "2026-12-24")
}

// lead posts the contact form of visitor's session.
func (q *quizServer) lead(sid, visitor string, extra map[string]any) servertest.Response {
	q.t.Helper()
	body := map[string]any{"visitor_id": visitor, "name": "Olga", "phone": "8 916 123-45-67", "consent": true}
	maps.Copy(body, extra)
	return q.public("POST", "/sessions/"+sid+"/lead", body)
}

// storedLead reads a lead from the store; ok is false when there is none.
func (q *quizServer) storedLead(id string) (store.Lead, bool) {
	q.t.Helper()
	l, err := q.Store.GetLead(context.Background(), q.siteID, id)
	if err != nil {
		return store.Lead{}, false
	}
	return l, true
}

// leads lists the site's leads in the store.
func (q *quizServer) leads() []store.Lead {
	q.t.Helper()
	list, err := q.Store.ListLeads(context.Background(), q.siteID, store.LeadFilter{})
	if err != nil {
		q.t.Fatal(err)
	}
	return list
}

// session is GET session as its visitor.
func (q *quizServer) session(sid, visitor string) servertest.Response {
	q.t.Helper()
	return q.public("GET", "/sessions/"+sid+"?visitor_id="+visitor, nil)
}

// expectInvalid fails unless r is 422 naming field.
func expectInvalid(t testing.TB, r servertest.Response, field string) {
	t.Helper()
	servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.ErrorField(t); got != field {
		t.Fatalf("422 names field %q, want %q: %s", got, field, r.Body)
	}
}

// expectCode fails unless r has status and error code.
func expectCode(t testing.TB, r servertest.Response, status int, code string) {
	t.Helper()
	servertest.ExpectStatus(t, r, status)
	if got := r.ErrorCode(t); got != code {
		t.Fatalf("error code %q, want %q: %s", got, code, r.Body)
	}
}
