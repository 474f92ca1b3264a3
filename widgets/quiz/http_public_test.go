package quiz_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestQuizToLead: a visitor goes through the quiz, sees the price the
// server worked out, leaves a phone, and the inbox has it all: answers,
// result, version, where they came from, and the consent they gave.
func TestQuizToLead(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		r := q.public("POST", "/sessions", map[string]any{"visitor_id": "v1", "lang": "en",
			"page_url": "https://shop.example/renovation", "referrer": "https://www.google.com/search?q=repair",
			"utm": map[string]string{"utm_campaign": "winter", "utm_bogus": "dropped"}, "hidden": map[string]string{"manager": "ivan"}})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		started := r.JSON(t)
		sid := started["session_id"].(string)
		if started["version"] != 1.0 || started["step"] != "rooms" ||
			started["resume_url"] != "https://shop.example/renovation#beckon-quiz="+q.wid+"."+sid {
			t.Fatalf("start: %s", r.Body)
		}

		a := q.mustAnswer(sid, "v1", "rooms", "r3")
		if a["next"] != "area" || a["result"] != nil {
			t.Fatalf("after rooms: %v", a)
		}
		a = q.mustAnswer(sid, "v1", "area", 60)
		if a["next"] != "extras" || a["values"].(map[string]any)["price"] != 252000.0 {
			t.Fatalf("after area: %v", a)
		}
		if p := a["progress"].(float64); p <= 0 || p >= 1 {
			t.Fatalf("progress after two of five answers = %v", p)
		}
		q.mustAnswer(sid, "v1", "extras", []string{"balcony"})
		q.mustAnswer(sid, "v1", "wish", nil)
		a = q.mustAnswer(sid, "v1", "when", "2026-12-24")
		res, _ := a["result"].(map[string]any)
		if a["next"] != "" || a["progress"] != 1.0 || res == nil || res["screen"] != "small" ||
			res["values"].(map[string]any)["price"] != 262000.0 || !strings.Contains(res["text"].(string), "262") {
			t.Fatalf("last answer: %v", a)
		}

		before := time.Now().UTC().Add(-time.Second)
		r = q.lead(sid, "v1", map[string]any{"email": "Olga@Example.COM", "consent_text_id": consentID(t, q)})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		got := r.JSON(t)
		if got["lead_id"] != "ld_"+sid || got["partial"] != false || got["result"].(map[string]any)["screen"] != "small" {
			t.Fatalf("lead: %s", r.Body)
		}
		l, ok := q.storedLead("ld_" + sid)
		if !ok {
			t.Fatal("the lead is not in the inbox")
		}
		if l.Type != "quiz" || l.Status != store.LeadNew || l.Partial || l.VisitorID != "v1" || l.SessionID != sid ||
			l.Contact != (store.LeadContact{Name: "Olga", Phone: "+79161234567", Email: "Olga@example.com"}) {
			t.Fatalf("lead %+v", l)
		}
		if l.Result == nil || l.Result.Values["price"] != 262000 || l.QuizVersion != 1 || !strings.Contains(l.Summary, "262") {
			t.Fatalf("result %+v, version %d, summary %q", l.Result, l.QuizVersion, l.Summary)
		}
		// The wish was skipped: four answers, in the order given.
		if len(l.Answers) != 4 || l.Answers[0].Step != "rooms" || l.Answers[0].Text != "Three" || l.Answers[3].Step != "when" {
			t.Fatalf("answers %+v", l.Answers)
		}
		if l.PageURL != "https://shop.example/renovation" || l.Source != "google.com" || l.UTM["utm_campaign"] != "winter" ||
			len(l.UTM) != 1 || l.Hidden["manager"] != "ivan" || l.Lang != "en" || l.IP == "" {
			t.Fatalf("where the visitor came from: %+v", l)
		}
		if c := l.Consent; c == nil || c.Version != "2026-11" || c.IP == "" || c.At.Before(before) || c.Text != "I agree to the processing of my data" {
			t.Fatalf("consent record %+v", l.Consent)
		}

		s := q.session(sid, "v1").JSON(t)
		if res, _ := s["result"].(map[string]any); s["done"] != true || s["lead_id"] != "ld_"+sid || s["step"] != "" || res["screen"] != "small" {
			t.Fatalf("session after the lead: %v", s)
		}
		expectCode(t, q.answer(sid, "v1", "rooms", "r1"), http.StatusConflict, "quiz_finished")
	})
}

// consentID is the id of the English consent text the site's visitors see.
func consentID(t testing.TB, q *quizServer) string {
	t.Helper()
	r := q.Request("GET", "/w/v1/"+q.key+"/config", nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusOK)
	for _, w := range r.JSON(t)["widgets"].([]any) {
		w := w.(map[string]any)
		if w["id"] != q.wid {
			continue
		}
		form := w["settings"].(map[string]any)["form"].(map[string]any)
		return form["consent"].(map[string]any)["text_ids"].(map[string]any)["en"].(string)
	}
	t.Fatal("the quiz is not in the public config")
	return ""
}

// TestResumeAfterReload: a visitor who reloads the page (or comes back by
// the resume link) gets their answers, their step and the values so far.
func TestResumeAfterReload(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		q.mustAnswer(sid, "v1", "rooms", "r2")
		q.mustAnswer(sid, "v1", "area", 40)

		r := q.session(sid, "v1")
		servertest.ExpectStatus(t, r, http.StatusOK)
		s := r.JSON(t)
		path, _ := s["path"].([]any)
		if s["step"] != "extras" || len(path) != 2 || path[1] != "area" || s["answers"].(map[string]any)["rooms"] != "r2" ||
			s["values"].(map[string]any)["price"] != 140000.0 || s["done"] != false || s["result"] != nil {
			t.Fatalf("session after reload: %s", r.Body)
		}
		quiz, _ := s["quiz"].(map[string]any)
		if quiz == nil || len(quiz["steps"].([]any)) != 5 || strings.Contains(string(r.Body), "3500") {
			t.Fatalf("the session's quiz must be the public settings, without formulas: %s", r.Body)
		}
		// The visitor carries on where they were.
		if a := q.mustAnswer(sid, "v1", "extras", []string{}); a["next"] != "wish" {
			t.Fatalf("after resuming: %v", a)
		}
	})
}

// TestGoingBack: answering an earlier step again takes the visitor back
// there; the steps after it are off the path until answered again, and
// only the answers on the path count.
func TestGoingBack(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		q.mustAnswer(sid, "v1", "rooms", "r3")
		q.mustAnswer(sid, "v1", "area", 100)
		q.mustAnswer(sid, "v1", "extras", []string{"floor"})

		a := q.mustAnswer(sid, "v1", "area", 250) // back two steps: over 200 m² skips to "when"
		if a["next"] != "when" || a["values"].(map[string]any)["price"] != 250*3500*1.2 {
			t.Fatalf("after going back: %v", a)
		}
		expectCode(t, q.answer(sid, "v1", "wish", "x"), http.StatusConflict, "not_on_path")
		s := q.session(sid, "v1").JSON(t)
		if path := s["path"].([]any); len(path) != 2 || path[1] != "area" || s["step"] != "when" {
			t.Fatalf("path after going back: %v", s)
		}
		a = q.mustAnswer(sid, "v1", "when", "2027-03-01")
		if a["next"] != "" || a["result"].(map[string]any)["screen"] != "big" {
			t.Fatalf("the extras answered before going back must not count: %v", a)
		}
	})
}

// TestBadAnswers: an answer the step cannot take is 422 naming the value,
// and the session is as it was.
func TestBadAnswers(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		expectInvalid(t, q.answer(sid, "v1", "rooms", "r9"), "value")           // no such option
		expectInvalid(t, q.answer(sid, "v1", "rooms", nil), "value")            // required
		expectInvalid(t, q.answer(sid, "v1", "rooms", []string{"r1"}), "value") // one option, not a list
		r := q.public("PUT", "/sessions/"+sid+"/answers/rooms", map[string]any{"visitor_id": "v1"})
		expectInvalid(t, r, "value") // no value at all
		q.mustAnswer(sid, "v1", "rooms", "r1")
		expectInvalid(t, q.answer(sid, "v1", "area", 301), "value") // the slider ends at 300
		expectInvalid(t, q.answer(sid, "v1", "area", 9.5), "value")
		expectInvalid(t, q.answer(sid, "v1", "area", "sixty"), "value")
		q.mustAnswer(sid, "v1", "area", 30)
		r = q.answer(sid, "v1", "extras", []string{"balcony", "pool"})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); !strings.HasPrefix(f, "value") {
			t.Fatalf("a multi answer with an unknown option names %q", f)
		}
		q.mustAnswer(sid, "v1", "extras", nil)
		q.mustAnswer(sid, "v1", "wish", strings.Repeat("a", 200))
		expectInvalid(t, q.answer(sid, "v1", "when", "2025-12-31"), "value") // before min
		expectInvalid(t, q.answer(sid, "v1", "when", "24.12.2026"), "value")

		s := q.session(sid, "v1").JSON(t)
		if s["step"] != "when" || len(s["path"].([]any)) != 4 || s["answers"].(map[string]any)["area"] != 30.0 {
			t.Fatalf("refused answers changed the session: %v", s)
		}
	})
}

// TestSessionsAreTheVisitors: another visitor, an unknown session or step,
// a step off the path, a switched-off widget: nothing leaks, nothing
// changes.
func TestSessionsAreTheVisitors(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		sid := q.startSession("v1", nil)
		expectCode(t, q.session(sid, "v2"), http.StatusNotFound, "not_found")
		expectCode(t, q.session(sid, ""), http.StatusNotFound, "not_found")
		expectCode(t, q.session("nosuchsession", "v1"), http.StatusNotFound, "not_found")
		expectCode(t, q.answer(sid, "v2", "rooms", "r1"), http.StatusNotFound, "not_found")
		expectCode(t, q.lead(sid, "v2", nil), http.StatusNotFound, "not_found")
		expectCode(t, q.answer(sid, "v1", "sauna", "yes"), http.StatusNotFound, "not_found")
		expectCode(t, q.answer(sid, "v1", "area", 50), http.StatusConflict, "not_on_path")
		if s := q.session(sid, "v1").JSON(t); len(s["path"].([]any)) != 0 || s["step"] != "rooms" {
			t.Fatalf("refused requests changed the session: %v", s)
		}
		expectInvalid(t, q.public("POST", "/sessions", map[string]any{"page_url": "https://shop.example/"}), "visitor_id")
		expectInvalid(t, q.public("POST", "/sessions", map[string]any{"visitor_id": "v1", "page_url": "javascript:alert(1)"}), "page_url")
		expectInvalid(t, q.public("POST", "/sessions", map[string]any{"visitor_id": "v1", "hidden": map[string]string{"Bad Key": "x"}}), "hidden")
		expectInvalid(t, q.public("POST", "/sessions", map[string]any{"visitor_id": "v1", "lang": "de"}), "lang")

		servertest.ExpectStatus(t, q.Admin("PATCH", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid, map[string]any{"enabled": false}), http.StatusOK)
		expectCode(t, q.public("POST", "/sessions", map[string]any{"visitor_id": "v1"}), http.StatusNotFound, "not_found")
	})
}

// TestTwoReplicas: a visitor whose requests land on two replicas in turn
// (behind a load balancer) answers on whichever one; neither replica's
// memory of the session can refuse or undo an answer the other took.
func TestTwoReplicas(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		a := start(t, st, renovation, nil)
		b := *a
		b.Server = servertest.Start(t, st, servertest.Options{})
		sid := a.startSession("v1", nil)
		a.mustAnswer(sid, "v1", "rooms", "r3")
		b.mustAnswer(sid, "v1", "area", 60)
		if next := a.mustAnswer(sid, "v1", "extras", []string{"balcony"})["next"]; next != "wish" {
			t.Fatalf("replica a after b moved the session: next %v", next)
		}
		b.mustAnswer(sid, "v1", "rooms", "r1") // back to the start on b
		expectCode(t, a.answer(sid, "v1", "wish", nil), http.StatusConflict, "not_on_path")
		if s := a.session(sid, "v1").JSON(t); s["step"] != "area" || len(s["path"].([]any)) != 1 {
			t.Fatalf("after going back on the other replica: %v", s)
		}
	})
}
