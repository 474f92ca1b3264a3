package proactive_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// least are the least settings of a proactive message, with more spliced in.
func least(more string) string {
	s := `{"name":"Анна","text":"Ищете котёл? Подберу за 2 минуты","triggers":` + manual
	if more != "" {
		s += "," + more
	}
	return s + "}"
}

// TestSettingsRefusedWithTheirPath: a wrong setting is 422 naming its
// field, and no widget is made; above all, the automated label cannot be
// emptied in any form.
func TestSettingsRefusedWithTheirPath(t *testing.T) {
	cases := []struct{ name, settings, field string }{
		{"no triggers", `{"name":"Анна","text":"Привет"}`, "settings.triggers"},
		{"no text", `{"name":"Анна","triggers":` + manual + `}`, "settings.text"},
		{"no name", `{"text":"Привет","triggers":` + manual + `}`, "settings.name"},
		{"text too long", `{"name":"Анна","text":"` + longText(301) + `","triggers":` + manual + `}`, "settings.text"},
		{"empty label", least(`"label":""`), "settings.label"},
		{"blank label", least(`"label":"   "`), "settings.label"},
		{"label empty in every language", least(`"label":{"ru":"","uk":"","en":""}`), "settings.label"},
		{"label on two lines", least(`"label":"Авто\nсообщение"`), "settings.label"},
		{"label in an unknown language", least(`"label":{"de":"Automatisch"}`), "settings.label.de"},
		{"photo over http", least(`"photo":"http://cdn.example/a.jpg"`), "settings.photo"},
		{"unknown action", least(`"action":{"type":"chat"}`), "settings.action.type"},
		{"callback without widget", least(`"action":{"type":"callback"}`), "settings.action.widget_id"},
		{"quiz with a url", least(`"action":{"type":"quiz","widget_id":"wg_1","url":"/x"}`), "settings.action.url"},
		{"javascript link", least(`"action":{"type":"link","url":"javascript:alert(1)"}`), "settings.action.url"},
		{"link with a widget", least(`"action":{"type":"link","url":"/boilers","widget_id":"wg_1"}`), "settings.action.widget_id"},
		{"reply action without reply field", least(`"reply":false`), "settings.reply"},
		{"unknown ask_contact", least(`"ask_contact":"telegram"`), "settings.ask_contact"},
		{"consent with no contact asked", least(`"ask_contact":"none","consent":{"required":true}`), "settings.consent.required"},
		{"bad position", least(`"position":"top-left"`), "settings.position"},
		{"bad colour", least(`"color":"blue"`), "settings.color"},
		{"bad trigger", `{"name":"Анна","text":"Привет","triggers":{"on":[{"type":"time_on_page","seconds":-1}]}}`, "settings.triggers.on[0].seconds"},
		{"unknown field", least(`"typing":true`), "settings.typing"},
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		for _, c := range cases {
			r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets", map[string]any{"type": "proactive", "settings": json.RawMessage(c.settings)})
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.ErrorField(t); got != c.field {
				t.Errorf("%s: field %q, want %q (%s)", c.name, got, c.field, r.Body)
			}
		}
		r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var list struct {
			Widgets []any `json:"widgets"`
		}
		if err := json.Unmarshal(r.Body, &list); err != nil || len(list.Widgets) != 0 {
			t.Fatalf("refused settings left widgets behind: %s", r.Body)
		}

		// A PATCH cannot empty the label of a stored widget either.
		wid := e.proactive(least(""))
		r = e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"settings": json.RawMessage(least(`"label":{"ru":" "}`))})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.ErrorField(t); got != "settings.label" {
			t.Errorf("PATCH with an empty label: field %q", got)
		}
	})
}

func longText(n int) string {
	b := make([]rune, n)
	for i := range b {
		b[i] = 'я'
	}
	return string(b)
}

// TestLabelInEveryLanguage: the page's config carries the automated label
// in ru, uk and en whatever the owner wrote: Beckon's text by default, the
// owner's where given, Beckon's for the languages the owner left out;
// typing dots are off and replies on unless chosen.
func TestLabelInEveryLanguage(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		plain := e.proactive(least(""))
		own := e.proactive(least(`"label":"Бот-помощник"`))
		r := e.Request("GET", "/w/v1/"+e.siteKey+"/config", nil, "Origin", origin)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var cfg struct {
			Widgets []struct {
				ID       string         `json:"id"`
				Settings map[string]any `json:"settings"`
			} `json:"widgets"`
		}
		if err := json.Unmarshal(r.Body, &cfg); err != nil {
			t.Fatal(err)
		}
		labels := map[string]map[string]any{}
		for _, w := range cfg.Widgets {
			labels[w.ID], _ = w.Settings["label"].(map[string]any)
			if w.Settings["typing_indicator"] != false || w.Settings["reply"] != true || w.Settings["ask_contact"] != "phone_or_email" {
				t.Errorf("defaults not filled: %v", w.Settings)
			}
		}
		want := map[string]any{"ru": "Автоматическое сообщение", "uk": "Автоматичне повідомлення", "en": "Automated message"}
		for lang, text := range want {
			if labels[plain][lang] != text {
				t.Errorf("default label in %s: %v, want %v", lang, labels[plain][lang], text)
			}
		}
		if labels[own]["ru"] != "Бот-помощник" || labels[own]["uk"] != want["uk"] || labels[own]["en"] != want["en"] {
			t.Errorf("owner's ru label with the other languages left out: %v", labels[own])
		}
	})
}
