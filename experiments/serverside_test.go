package experiments_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// The tests below check that a variant changes what the server does, not
// only what the browser shows: the visitor of a variant gets the variant's
// code, form, prizes (docs/EXPERIMENTS.md, "What the server does").

// claim is POST …/widgets/{wid}/claim as visitor.
func (e *env) claim(visitor string) servertest.Response {
	e.t.Helper()
	return e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+e.wid+"/claim", map[string]any{"visitor_id": visitor}, "Origin", origin)
}

// TestVariantHandsOutItsOwnCode: a pop-up's control gives the shared code
// SALE10, its variant a code from a pool: each visitor claims their
// variant's, and the pool gives only to the variant's visitors.
func TestVariantHandsOutItsOwnCode(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/code-pools", map[string]any{"name": "−15%", "codes": []string{"B15-AAAA", "B15-BBBB"}})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		pool := r.JSON(t)["id"].(string)
		e.wid = e.CreateWidget(e.siteID, map[string]any{"type": "popup", "settings": map[string]any{"title": "−10%",
			"button": map[string]any{"label": "Скопировать", "action": "code", "code": "SALE10"}}})["id"].(string)
		exp := e.start(`{"variants":[{"id":"control","weight":50},{"id":"pool","weight":50,"settings":{"title":"−15%",
			"button":{"label":"Получить код","action":"code","pool":"` + pool + `"}}}]}`)
		controls, pooled := visitorsIn(t, exp, 0, 2), visitorsIn(t, exp, 1, 3)

		for _, v := range controls {
			r := e.claim(v)
			servertest.ExpectStatus(t, r, http.StatusOK)
			if got := r.JSON(t)["code"]; got != "SALE10" {
				t.Fatalf("visitor of the control claimed %v, want SALE10", got)
			}
		}
		got := map[any]bool{}
		for _, v := range pooled[:2] {
			r := e.claim(v)
			servertest.ExpectStatus(t, r, http.StatusOK)
			got[r.JSON(t)["code"]] = true
		}
		if !got["B15-AAAA"] || !got["B15-BBBB"] {
			t.Fatalf("visitors of the pool variant claimed %v, want the pool's two codes", got)
		}
		// The control's claims took nothing from the pool: it is empty now
		// because the variant's two visitors have its two codes.
		if r := e.claim(pooled[2]); r.Status != http.StatusGone {
			t.Fatalf("third visitor of the pool variant: %d %s, want 410 pool_empty", r.Status, r.Body)
		}
		if r := e.claim(controls[0]); r.Status != http.StatusOK || r.JSON(t)["code"] != "SALE10" {
			t.Fatalf("the control's visitor again: %d %s", r.Status, r.Body)
		}
	})
}

// TestVariantLeadFormIsChecked: the control's form asks for a phone, the
// variant's for an e-mail; each visitor's lead is checked against the form
// they were shown, and a lead missing what that form asks is a 422 naming
// the field.
func TestVariantLeadFormIsChecked(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		exp := e.start(`{"variants":[{"id":"control","weight":50},{"id":"mail","weight":50,
			"settings":{"form":{"fields":[{"name":"email","required":true}]}}}]}`)
		a, b := visitorIn(t, exp, 0), visitorIn(t, exp, 1)
		send := func(visitor, submission string, fields map[string]any) servertest.Response {
			body := map[string]any{"visitor_id": visitor, "submission_id": submission, "lang": "ru"}
			for k, v := range fields {
				body[k] = v
			}
			return e.Request("POST", "/w/v1/"+e.siteKey+"/popups/"+e.wid+"/leads", body, "Origin", origin)
		}
		email := map[string]any{"email": "anna@example.ru"}
		phone := map[string]any{"phone": "8 (912) 345-67-89"}

		if r := send(b, "s1", phone); r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != "email" {
			t.Fatalf("variant's visitor without the e-mail its form asks: %d %s, want 422 on email", r.Status, r.Body)
		}
		servertest.ExpectStatus(t, send(b, "s2", email), http.StatusCreated)
		if r := send(a, "s3", email); r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != "phone" {
			t.Fatalf("control's visitor without the phone its form asks: %d %s, want 422 on phone", r.Status, r.Body)
		}
		servertest.ExpectStatus(t, send(a, "s4", phone), http.StatusCreated)

		r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/leads?type=popup", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var inbox struct {
			Leads []struct {
				VisitorID string            `json:"visitor_id"`
				Contact   map[string]string `json:"contact"`
			} `json:"leads"`
		}
		if err := json.Unmarshal(r.Body, &inbox); err != nil {
			t.Fatal(err)
		}
		byVisitor := map[string]map[string]string{}
		for _, l := range inbox.Leads {
			byVisitor[l.VisitorID] = l.Contact
		}
		if len(inbox.Leads) != 2 || byVisitor[b]["email"] != "anna@example.ru" || byVisitor[a]["phone"] != "+79123456789" {
			t.Fatalf("inbox %s, want the variant's lead with its e-mail and the control's with its phone", r.Body)
		}
	})
}

// TestVariantDrawsItsOwnPrizes: a game whose variant offers another prize
// draws that prize for the variant's visitors and the control's prize for
// the control's.
func TestVariantDrawsItsOwnPrizes(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		e.wid = e.CreateWidget(e.siteID, map[string]any{"type": "game", "settings": json.RawMessage(
			`{"no_prize_weight":0,"prizes":[{"id":"ten","title":"Скидка 10%","weight":1,"stock":null}]}`)})["id"].(string)
		exp := e.start(`{"variants":[{"id":"control","weight":50},{"id":"twenty","weight":50,
			"settings":{"prizes":[{"id":"twenty","title":"Скидка 20%","weight":1,"stock":null}]}}]}`)
		draw := func(visitor, phone string) string {
			t.Helper()
			r := e.Request("POST", "/w/v1/"+e.siteKey+"/games/"+e.wid+"/draw", map[string]any{"visitor_id": visitor,
				"contact": map[string]any{"phone": phone}, "consent": true, "lang": "ru"}, "Origin", origin)
			servertest.ExpectStatus(t, r, http.StatusOK)
			var a struct {
				Prize *struct{ ID, Title string } `json:"prize"`
			}
			if err := json.Unmarshal(r.Body, &a); err != nil || a.Prize == nil {
				t.Fatalf("draw %s: %v", r.Body, err)
			}
			return a.Prize.ID + " " + a.Prize.Title
		}
		for i, v := range visitorsIn(t, exp, 1, 2) {
			if got := draw(v, "8 (912) 345-67-8"+string(rune('0'+i))); got != "twenty Скидка 20%" {
				t.Fatalf("visitor of the variant drew %q, want its prize twenty", got)
			}
		}
		if got := draw(visitorIn(t, exp, 0), "8 (912) 345-67-99"); got != "ten Скидка 10%" {
			t.Fatalf("visitor of the control drew %q, want ten", got)
		}
	})
}

// TestVariantQuizIsItsOwnVersion: the control's quiz offers flats, its
// variant houses; each visitor's session is on the quiz they were shown
// (a version of its own), so the variant's option is an answer there and
// a 422 in the control.
func TestVariantQuizIsItsOwnVersion(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		e.wid = e.CreateWidget(e.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage(`{"steps":[
			{"id":"kind","type":"single","title":"Что ремонтируем?","options":[{"id":"flat","label":"Квартиру"}]}]}`)})["id"].(string)
		exp := e.start(`{"variants":[{"id":"control","weight":50},{"id":"houses","weight":50,"settings":{"steps":[
			{"id":"kind","type":"single","title":"Что строим?","options":[{"id":"house","label":"Дом"}]}]}}]}`)
		start := func(visitor string) (string, int) {
			r := e.Request("POST", "/w/v1/"+e.siteKey+"/quizzes/"+e.wid+"/sessions", map[string]any{"visitor_id": visitor}, "Origin", origin)
			servertest.ExpectStatus(t, r, http.StatusCreated)
			j := r.JSON(t)
			return j["session_id"].(string), int(j["version"].(float64))
		}
		answer := func(visitor, sid, value string) servertest.Response {
			return e.Request("PUT", "/w/v1/"+e.siteKey+"/quizzes/"+e.wid+"/sessions/"+sid+"/answers/kind",
				map[string]any{"visitor_id": visitor, "value": value}, "Origin", origin)
		}
		a, b := visitorIn(t, exp, 0), visitorIn(t, exp, 1)
		sa, va := start(a)
		sb, vb := start(b)
		if va == vb {
			t.Fatalf("both visitors' sessions are on version %d, want the variant's own", va)
		}
		servertest.ExpectStatus(t, answer(b, sb, "house"), http.StatusOK)
		servertest.ExpectStatus(t, answer(a, sa, "flat"), http.StatusOK)
		if r := answer(a, sa, "house"); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("the control's visitor answered the variant's option: %d %s, want 422", r.Status, r.Body)
		}
		// Another visitor of the variant starts on the same version.
		if _, v := start(visitorsIn(t, exp, 1, 2)[1]); v != vb {
			t.Fatalf("a second visitor of the variant is on version %d, want %d", v, vb)
		}
	})
}

// TestVariantCallbackChecksItsOwnCodes: the control takes Russian numbers
// only, its variant Ukrainian ones too; each visitor's request is checked
// against the settings they were shown.
func TestVariantCallbackChecksItsOwnCodes(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		siteID, key, wid := e.CallbackSite(`,"allowed_calling_codes":[7]`)
		e.siteID, e.siteKey, e.wid = siteID, key, wid
		exp := e.start(`{"variants":[{"id":"control","weight":50},{"id":"ua","weight":50,"settings":{"allowed_calling_codes":[7,380]}}]}`)
		a, b := visitorIn(t, exp, 0), visitorIn(t, exp, 1)
		ask := func(visitor string) servertest.Response {
			return e.PostCallback(key, map[string]any{"phone": "+380 44 123 4567", "visitor_id": visitor})
		}
		servertest.ExpectStatus(t, ask(b), http.StatusAccepted)
		if r := ask(a); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("the control's visitor with a Ukrainian number: %d %s, want 422", r.Status, r.Body)
		}
	})
}
