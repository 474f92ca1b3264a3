package callback_test

// The consent of the callback widget (consent.go, settings.go): its
// default texts, what a request records, the policy link's check.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// publicConsent reads the consent of the site's callback widget from the
// public config, as the widget does.
func (ts *testServer) publicConsent(key string) consent.Public {
	ts.T.Helper()
	r := ts.Request("GET", "/w/v1/"+key+"/config", nil, "Origin", shopOrigin)
	servertest.ExpectStatus(ts.T, r, http.StatusOK)
	var cfg struct {
		Widgets []struct {
			Type     string
			Settings struct{ Consent consent.Public }
		}
	}
	if err := json.Unmarshal(r.Body, &cfg); err != nil {
		ts.T.Fatal(err)
	}
	for _, w := range cfg.Widgets {
		if w.Type == "callback" {
			return w.Settings.Consent
		}
	}
	ts.T.Fatalf("no callback widget in %s", r.Body)
	return consent.Public{}
}

// TestConsentDefaults: a widget that requires consent without writing a
// text shows, in ru, uk and en, a gender-neutral consent that names the
// operator, the data and the purpose, about the data only.
func TestConsentDefaults(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		_, key, _ := ts.CallbackSite(`,"consent":{"required":true,"operator":"ООО «Ромашка»","url":"https://shop.example/privacy"}`)
		c := ts.publicConsent(key)
		want := map[string][]string{
			"ru": {"Даю согласие ООО «Ромашка»", "персональных данных", "номер телефона и имя", "для обратного звонка", "[политикой обработки персональных данных]"},
			"uk": {"Даю згоду ООО «Ромашка»", "персональних даних", "номер телефону та ім’я", "для зворотного дзвінка", "[повідомлення про обробку персональних даних]"},
			"en": {"I consent to ООО «Ромашка»", "personal data", "phone number and name", "to call me back", "[privacy policy]"},
		}
		for lang, parts := range want {
			text := c.Text[lang]
			for _, p := range parts {
				if !strings.Contains(text, p) {
					t.Errorf("%s consent %q lacks %q", lang, text, p)
				}
			}
			for _, bad := range []string{"Согласен", "Погоджуюся", " и обратный звонок", " і зворотний дзвінок"} {
				if strings.Contains(text, bad) {
					t.Errorf("%s consent %q says %q", lang, text, bad)
				}
			}
			if c.TextIDs[lang] != consent.TextID(text) || len(c.TextIDs[lang]) != 16 {
				t.Errorf("%s text id %q", lang, c.TextIDs[lang])
			}
		}
		if c.URL != "https://shop.example/privacy" || c.Version != "1" {
			t.Errorf("url %q version %q", c.URL, c.Version)
		}

		// Without an operator, the site's name is the operator.
		_, key2, _ := ts.CallbackSite(`,"consent":{"required":true}`)
		if got := ts.publicConsent(key2).Text["ru"]; !strings.HasPrefix(got, "Даю согласие Shop на обработку") {
			t.Errorf("default operator: %q", got)
		}
		// An operator name that cannot be shown is refused, naming the field.
		site := ts.CreateSite("Shop2", shopOrigin)
		r := ts.Admin("POST", "/api/v1/sites/"+site["id"].(string)+"/widgets", map[string]any{"type": "callback",
			"settings": json.RawMessage(`{"consent":{"required":true,"operator":"ООО\nPress 1"}}`)})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); f != "settings.consent.operator" {
			t.Errorf("field %q", f)
		}
	})
}

// TestConsentRecordKeepsTheTextShown: the request keeps the exact text
// its visitor saw (by the id the widget sends), in that text's language,
// and only the id once the owner has changed the text since.
func TestConsentRecordKeepsTheTextShown(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		siteID, key, wid := ts.CallbackSite(`,"consent":{"required":true,"version":"2026-11","text":{"uk":"Даю згоду ТОВ «Ромашка» на обробку номера телефону для дзвінка."}}`)
		shown := ts.publicConsent(key)
		ukText := "Даю згоду ТОВ «Ромашка» на обробку номера телефону для дзвінка."
		if shown.Text["uk"] != ukText || !strings.HasPrefix(shown.Text["ru"], "Даю согласие Shop") {
			t.Fatalf("texts %v", shown.Text)
		}
		r := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "consent": true,
			"consent_text_id": shown.TextIDs["uk"]})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		cb := ts.adminCallback(siteID, r.JSON(t)["id"].(string))
		if cb.Consent == nil || cb.Consent.Text != ukText || cb.Consent.Lang != "uk" || cb.Consent.TextID != shown.TextIDs["uk"] ||
			cb.Consent.Version != "2026-11" || cb.Consent.IP == "" || cb.Consent.At.IsZero() {
			t.Fatalf("consent record %+v", cb.Consent)
		}

		// The owner rewrites the text; a page loaded before still sends
		// the old id: the record keeps that id, and claims no other text.
		ts.Admin("PATCH", "/api/v1/sites/"+siteID+"/widgets/"+wid, map[string]any{"settings": json.RawMessage(
			`{"managers":[{"name":"Anna","phone":"+79000000010"}],"consent":{"required":true,"version":"2026-12","text":{"uk":"Нова згода."}}}`)})
		r = ts.PostCallback(key, map[string]any{"phone": "+79161234568", "visitor_id": "v2", "consent": true,
			"consent_text_id": shown.TextIDs["uk"]})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		cb = ts.adminCallback(siteID, r.JSON(t)["id"].(string))
		if cb.Consent == nil || cb.Consent.TextID != shown.TextIDs["uk"] || cb.Consent.Text != "" || cb.Consent.Version != "2026-12" {
			t.Fatalf("consent record after an edit %+v", cb.Consent)
		}
	})
}

// TestConsentURLValidated: consent.url, the owner's privacy policy the form
// links to, must be an https URL; anything else is refused naming the field
// and leaves the widget as it was.
func TestConsentURLValidated(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		site := ts.CreateSite("Shop")["id"].(string)
		const good = "https://shop.example/privacy?lang=ru#data"
		w := ts.CreateWidget(site, map[string]any{"type": "callback", "settings": map[string]any{"consent": map[string]any{"url": good}}})
		path := "/api/v1/sites/" + site + "/widgets/" + w["id"].(string)
		for _, bad := range []string{"http://shop.example/privacy", "javascript:alert(1)", "/privacy", "https://", "https://user:pw@shop.example/", "https://shop.example/" + strings.Repeat("p", 2048)} {
			r := ts.Admin("PATCH", path, map[string]any{"settings": map[string]any{"consent": map[string]any{"url": bad}}})
			if r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != "settings.consent.url" {
				t.Errorf("consent.url %.40q: %d %s; want 422 naming settings.consent.url", bad, r.Status, r.Body)
			}
		}
		got := ts.Admin("GET", path, nil).JSON(t)["settings"].(map[string]any)["consent"].(map[string]any)["url"]
		if got != good {
			t.Errorf("after refused changes consent.url is %v, want %q", got, good)
		}
	})
}
