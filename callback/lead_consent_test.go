package callback_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// quizConsentText is what a quiz's contact form showed; no callback
// widget text matches it.
const quizConsentText = "Даю согласие ООО «Ремонт» на обработку имени и номера телефона для расчёта сметы."

// consentedQuizLead stores visitor's quiz lead whose form recorded the
// quiz's consent.
func consentedQuizLead(t *testing.T, st store.Store, siteID, id, visitor string) {
	t.Helper()
	now := time.Now().UTC()
	_, _, err := st.CreateLead(context.Background(), store.Lead{ID: id, SiteID: siteID, Type: "quiz", Status: store.LeadNew,
		VisitorID: visitor, Contact: store.LeadContact{Phone: "+79161234567"}, CreatedAt: now, UpdatedAt: now,
		Consent: &store.Consent{Version: "quiz-3", TextID: consent.TextID(quizConsentText), Lang: "ru", Text: quizConsentText, At: now, IP: "203.0.113.9"}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCallbackFromQuizKeepsTheQuizConsent: a callback asked for from a
// quiz's result screen sends the id of the quiz's consent text; the
// request (and its inbox lead) then records that text, its language and
// the quiz's version, with the callback's own time and IP. The same id
// with another visitor's lead, or an id the lead did not record, keeps
// only the id: a text is never claimed that the visitor was not shown.
func TestCallbackFromQuizKeepsTheQuizConsent(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts := startServer(t, st, nil)
		siteID, key, _ := ts.CallbackSite(`,"consent":{"required":true,"version":"cb-1"}`)
		consentedQuizLead(t, st, siteID, "ld_mine", "v1")
		consentedQuizLead(t, st, siteID, "ld_theirs", "v2")
		quizID := consent.TextID(quizConsentText)

		r := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "consent": true,
			"consent_text_id": quizID, "lead_id": "ld_mine"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		id := r.JSON(t)["id"].(string)
		cb := ts.adminCallback(siteID, id)
		if c := cb.Consent; c == nil || c.Text != quizConsentText || c.Lang != "ru" || c.Version != "quiz-3" || c.TextID != quizID ||
			c.IP == "" || c.IP == "203.0.113.9" || c.At.IsZero() {
			t.Fatalf("the request's consent record %+v", cb.Consent)
		}
		l, err := st.GetLead(context.Background(), siteID, callback.LeadID(id))
		if err != nil || l.Consent == nil || l.Consent.Text != quizConsentText || l.Consent.Version != "quiz-3" {
			t.Fatalf("the callback's inbox lead: %+v, %v", l.Consent, err)
		}

		for name, body := range map[string]map[string]any{
			"another visitor's lead": {"phone": "+79161234501", "visitor_id": "v1", "consent": true, "consent_text_id": quizID, "lead_id": "ld_theirs"},
			"an id the lead lacks":   {"phone": "+79161234502", "visitor_id": "v1", "consent": true, "consent_text_id": "0123456789abcdef", "lead_id": "ld_mine"},
		} {
			r := ts.PostCallback(key, body)
			servertest.ExpectStatus(t, r, http.StatusAccepted)
			cb := ts.adminCallback(siteID, r.JSON(t)["id"].(string))
			if c := cb.Consent; c == nil || c.Text != "" || c.Lang != "" || c.Version != "cb-1" || c.TextID != body["consent_text_id"] {
				t.Fatalf("%s: consent record %+v, want the id alone with the widget's version", name, cb.Consent)
			}
		}

		// The callback widget's own text, sent with a lead_id, stays its own.
		shown := ts.publicConsent(key)
		r = ts.PostCallback(key, map[string]any{"phone": "+79161234503", "visitor_id": "v1", "consent": true,
			"consent_text_id": shown.TextIDs["en"], "lead_id": "ld_mine"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		cb = ts.adminCallback(siteID, r.JSON(t)["id"].(string))
		if c := cb.Consent; c == nil || c.Text != shown.Text["en"] || c.Lang != "en" || c.Version != "cb-1" {
			t.Fatalf("the widget's own consent with a lead_id: %+v", cb.Consent)
		}
	})
}
