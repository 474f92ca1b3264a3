package multibutton_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestSettingsRefusedWithTheirPath: a wrong setting is 422 naming its
// field, and no multi-button is made.
func TestSettingsRefusedWithTheirPath(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		popupID := e.widget("popup", `{"title":"Скидка 10%"}`)
		thirteen := strings.TrimSuffix(strings.Repeat(`{"type":"phone","value":"+74951234567"},`, 13), ",")
		cases := []struct{ name, settings, field string }{
			{"no channels", `{}`, "settings.channels"},
			{"empty channels", `{"channels":[]}`, "settings.channels"},
			{"thirteen channels", `{"channels":[` + thirteen + `]}`, "settings.channels"},
			{"unknown type", `{"channels":[{"type":"skype","value":"shop"}]}`, "settings.channels[0].type"},
			{"bad phone", `{"channels":[{"type":"phone","value":"+7 495"}]}`, "settings.channels[0].value"},
			{"phone missing", `{"channels":[{"type":"whatsapp"}]}`, "settings.channels[0].value"},
			{"bad e-mail", `{"channels":[{"type":"email","value":"shop@"}]}`, "settings.channels[0].value"},
			{"bad telegram", `{"channels":[{"type":"email","value":"a@shop.example"},{"type":"telegram","value":"t.me/ab"}]}`, "settings.channels[1].value"},
			{"link over http", `{"channels":[{"type":"link","value":"http://shop.example/map","label":"Схема проезда"}]}`, "settings.channels[0].value"},
			{"javascript link", `{"channels":[{"type":"link","value":"javascript:alert(1)","label":"Схема"}]}`, "settings.channels[0].value"},
			{"link without label", `{"channels":[{"type":"link","value":"https://shop.example/map"}]}`, "settings.channels[0].label"},
			{"unknown icon", `{"channels":[{"type":"link","value":"https://shop.example/map","label":"Схема","icon":"rocket"}]}`, "settings.channels[0].icon"},
			{"label in an unknown language", `{"channels":[{"type":"phone","value":"+74951234567","label":{"de":"Anrufen"}}]}`, "settings.channels[0].label.de"},
			{"widget channel without id", `{"channels":[{"type":"callback"}]}`, "settings.channels[0].widget_id"},
			{"widget that does not exist", `{"channels":[{"type":"phone","value":"+74951234567"},{"type":"quiz","widget_id":"wdg_nothere"}]}`, "settings.channels[1].widget_id"},
			{"widget of another type", `{"channels":[{"type":"callback","widget_id":"` + popupID + `"}]}`, "settings.channels[0].widget_id"},
			{"value on a widget channel", `{"channels":[{"type":"popup","widget_id":"` + popupID + `","value":"x"}]}`, "settings.channels[0].value"},
			{"widget_id on a link channel", `{"channels":[{"type":"phone","value":"+74951234567","widget_id":"` + popupID + `"}]}`, "settings.channels[0].widget_id"},
			{"same channel twice", `{"channels":[{"type":"telegram","value":"@kotly_shop"},{"type":"telegram","value":"https://t.me/kotly_shop"}]}`, "settings.channels[1]"},
			{"bad colour", `{"channels":[{"type":"phone","value":"+74951234567"}],"color":"blue"}`, "settings.color"},
			{"bad position", `{"channels":[{"type":"phone","value":"+74951234567"}],"position":"top-left"}`, "settings.position"},
			{"bad icon", `{"channels":[{"type":"phone","value":"+74951234567"}],"icon":"rocket"}`, "settings.icon"},
			{"unknown field", `{"channels":[{"type":"phone","number":"+74951234567"}]}`, "settings.channels[0].number"},
		}
		for _, c := range cases {
			r := e.create(c.settings)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.ErrorField(t); got != c.field {
				t.Errorf("%s: field %q, want %q (%s)", c.name, got, c.field, r.Body)
			}
		}
		r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets", nil)
		var list struct {
			Widgets []struct{ Type string } `json:"widgets"`
		}
		if err := json.Unmarshal(r.Body, &list); err != nil || len(list.Widgets) != 1 {
			t.Fatalf("refused settings left widgets behind: %s", r.Body)
		}

		// A widget of another site is no widget of this one.
		other := e.CreateSite("Другой магазин")
		foreign := e.CreateWidget(other["id"].(string), map[string]any{"type": "callback", "settings": json.RawMessage(callbackSettings("[]"))})["id"].(string)
		r = e.create(`{"channels":[{"type":"callback","widget_id":"` + foreign + `"}]}`)
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.ErrorField(t); got != "settings.channels[0].widget_id" {
			t.Fatalf("another site's widget: field %q (%s)", got, r.Body)
		}
	})
}

// TestSettingsNormalized: numbers are read in the site's region and kept
// as E.164, messenger names are kept bare, and each link channel reaches
// browsers as the link it is (tel:, mailto:, wa.me, viber://, t.me, vk.me,
// max.ru); defaults are filled in. A PATCH that changes a channel is
// checked the same way and leaves the stored settings alone when refused.
func TestSettingsNormalized(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		cb := e.widget("callback", callbackSettings("[]"))
		r := e.create(`{"channels":[
		  {"type":"callback","widget_id":"` + cb + `"},
		  {"type":"phone","value":"8 (495) 123-45-67"},
		  {"type":"email","value":"sales@Kotly.example"},
		  {"type":"telegram","value":"https://t.me/kotly_shop/"},
		  {"type":"whatsapp","value":"+7 916 123-45-67"},
		  {"type":"viber","value":"89161234567"},
		  {"type":"vk","value":"vk.com/kotly"},
		  {"type":"max","value":"https://max.ru/u/f9LHodD0cOK"},
		  {"type":"link","value":"https://kotly.example/map","label":{"ru":"Схема проезда","en":"Directions"},"icon":"map"}]}`)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		w := r.JSON(t)
		wid := w["id"].(string)
		set := w["settings"].(map[string]any)
		for k, want := range map[string]string{"color": "#2563eb", "position": "bottom-right", "icon": "chat"} {
			if set[k] != want {
				t.Errorf("settings.%s = %v, want %q", k, set[k], want)
			}
		}
		stored := set["channels"].([]any)
		wantValues := []string{"", "+74951234567", "sales@kotly.example", "kotly_shop", "+79161234567", "+79161234567", "kotly", "u/f9LHodD0cOK", "https://kotly.example/map"}
		for i, want := range wantValues {
			if got, _ := stored[i].(map[string]any)["value"].(string); got != want {
				t.Errorf("channels[%d].value = %q, want %q", i, got, want)
			}
		}

		var pub map[string]any
		for _, cw := range e.config() {
			if cw["id"] == wid {
				pub = cw["settings"].(map[string]any)
			}
		}
		if pub == nil {
			t.Fatal("the multi-button is not in /config")
		}
		wantHrefs := []string{"", "tel:+74951234567", "mailto:sales@kotly.example", "https://t.me/kotly_shop", "https://wa.me/79161234567",
			"viber://chat?number=%2B79161234567", "https://vk.me/kotly", "https://max.ru/u/f9LHodD0cOK", "https://kotly.example/map"}
		for i, ch := range pub["channels"].([]any) {
			c := ch.(map[string]any)
			if got, _ := c["href"].(string); got != wantHrefs[i] {
				t.Errorf("public channels[%d].href = %q, want %q", i, got, wantHrefs[i])
			}
			if _, leaked := c["value"]; leaked {
				t.Errorf("public channels[%d] carries its raw value: %v", i, c)
			}
		}
		if icon := pub["channels"].([]any)[8].(map[string]any)["icon"]; icon != "map" {
			t.Errorf("the link's icon = %v, want map", icon)
		}

		// A refused update changes nothing.
		r = e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"settings": map[string]any{
			"channels": []any{map[string]any{"type": "phone", "value": "+74951234567"}, map[string]any{"type": "quiz", "widget_id": "wdg_gone"}}}})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.ErrorField(t); got != "settings.channels[1].widget_id" {
			t.Errorf("PATCH field %q, want settings.channels[1].widget_id (%s)", got, r.Body)
		}
		r = e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, nil)
		if n := len(r.JSON(t)["settings"].(map[string]any)["channels"].([]any)); n != 9 {
			t.Fatalf("after a refused PATCH the widget has %d channels, want 9", n)
		}
	})
}
