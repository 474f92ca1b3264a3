package popup_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestSettingsRefusedWithTheirPath: a wrong setting is 422 naming its
// field, and no widget is made.
func TestSettingsRefusedWithTheirPath(t *testing.T) {
	cases := []struct{ name, settings, field string }{
		{"empty pop-up", `{}`, "settings.title"},
		{"unknown layout", `{"title":"Hi","layout":"fullscreen"}`, "settings.layout"},
		{"bad colour", `{"title":"Hi","color":"blue"}`, "settings.color"},
		{"image over http", `{"title":"Hi","image":"http://cdn.example/a.jpg"}`, "settings.image"},
		{"bad ratio", `{"title":"Hi","image_ratio":"wide"}`, "settings.image_ratio"},
		{"title not text", `{"title":5}`, "settings.title"},
		{"title in an unknown language", `{"title":{"de":"Hallo"}}`, "settings.title.de"},
		{"button and form", `{"title":"Hi","button":{"label":"Go","action":"link","url":"/sale"},"form":{}}`, "settings.form"},
		{"button without label", `{"button":{"action":"link","url":"/sale"}}`, "settings.button.label"},
		{"unknown action", `{"button":{"label":"Go","action":"call"}}`, "settings.button.action"},
		{"javascript link", `{"button":{"label":"Go","action":"link","url":"javascript:alert(1)"}}`, "settings.button.url"},
		{"protocol-relative link", `{"button":{"label":"Go","action":"link","url":"//evil.example"}}`, "settings.button.url"},
		{"widget action without id", `{"button":{"label":"Go","action":"widget"}}`, "settings.button.widget"},
		{"url on a widget action", `{"button":{"label":"Go","action":"widget","widget":"wg_1","url":"/x"}}`, "settings.button.url"},
		{"code action without code or pool", `{"button":{"label":"Copy","action":"code"}}`, "settings.button.code"},
		{"code and pool", `{"button":{"label":"Copy","action":"code","code":"A","pool":"cp_1"}}`, "settings.button.pool"},
		{"pool empty text missing", `{"button":{"label":"Copy","action":"code","pool":"cp_1","pool_empty":"text"}}`, "settings.button.empty_text"},
		{"pool empty unknown", `{"button":{"label":"Copy","action":"code","pool":"cp_1","pool_empty":"wait"}}`, "settings.button.pool_empty"},
		{"form field unknown", `{"form":{"fields":[{"name":"phone"},{"name":"city"}]}}`, "settings.form.fields[1].name"},
		{"form field twice", `{"form":{"fields":[{"name":"phone"},{"name":"phone"}]}}`, "settings.form.fields[1].name"},
		{"form without contact", `{"form":{"fields":[{"name":"name"}]}}`, "settings.form.fields"},
		{"consent policy over http", `{"form":{"consent":{"required":true,"url":"http://shop.example/p"}}}`, "settings.form.consent.url"},
		{"bad trigger", `{"title":"Hi","triggers":{"on":[{"type":"time_on_page","seconds":-1}]}}`, "settings.triggers.on[0].seconds"},
		{"unknown field", `{"title":"Hi","colour":"#000000"}`, "settings.colour"},
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		for _, c := range cases {
			r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets", map[string]any{"type": "popup", "settings": json.RawMessage(c.settings)})
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
	})
}

// TestPublicSettingsKeepTheCodeOnTheServer: the page's config carries the
// pop-up (texts in the site's language, defaults filled) but neither the
// shared code nor the pool: a visitor gets a code only by claiming it.
func TestPublicSettingsKeepTheCodeOnTheServer(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.popup(`{"title":"Скидка 10%","button":{"label":"Скопировать","action":"code","code":"SECRET10"}}`)
		r := e.visit("GET", "/config", nil)
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
		if len(cfg.Widgets) != 1 || cfg.Widgets[0].ID != wid {
			t.Fatalf("config lists %s, want the pop-up", r.Body)
		}
		s := cfg.Widgets[0].Settings
		raw, _ := json.Marshal(s)
		if strings.Contains(string(raw), "SECRET10") {
			t.Fatalf("the public config gives the code away: %s", raw)
		}
		if s["layout"] != "modal" || s["image_ratio"] != "16:9" || s["color"] != "#2563eb" {
			t.Errorf("defaults not filled: %s", raw)
		}
		if title, _ := s["title"].(map[string]any); title["ru"] != "Скидка 10%" {
			t.Errorf("a plain title is not the site's language (ru): %s", raw)
		}
		if b, _ := s["button"].(map[string]any); b["action"] != "code" || b["pool_empty"] != "hide" {
			t.Errorf("button: %s", raw)
		}
	})
}
