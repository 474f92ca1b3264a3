package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestWidgetsLifecycle(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop")["id"].(string)
		w := ts.CreateWidget(site, map[string]any{"type": "callback", "settings": map[string]any{
			"color": "#112233", "managers": []any{map[string]any{"name": "Anna", "phone": "8 (912) 345-67-89"}},
		}})
		wid := w["id"].(string)
		settings := w["settings"].(map[string]any)
		if settings["position"] != "bottom-right" {
			t.Fatalf("default position not filled: %v", settings)
		}
		if m := settings["managers"].([]any)[0].(map[string]any); m["phone"] != "+79123456789" {
			t.Fatalf("manager phone not normalised to E.164 with the site's region: %v", m)
		}
		if w["enabled"] != true {
			t.Fatalf("widgets are enabled unless said otherwise: %v", w)
		}

		r := ts.Admin("PATCH", "/api/v1/sites/"+site+"/widgets/"+wid, map[string]any{"enabled": false})
		servertest.ExpectStatus(t, r, http.StatusOK)
		if got := r.JSON(t); got["enabled"] != false || got["settings"].(map[string]any)["color"] != "#112233" {
			t.Fatalf("patch of enabled touched settings: %s", r.Body)
		}

		ts.CreateWidget(site, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "evergreen", "duration_seconds": 600}})
		r = ts.Admin("GET", "/api/v1/sites/"+site+"/widgets", nil)
		list := r.JSON(t)["widgets"].([]any)
		if len(list) != 2 || list[0].(map[string]any)["type"] != "callback" {
			t.Fatalf("list: %s", r.Body)
		}

		servertest.ExpectStatus(t, ts.Admin("DELETE", "/api/v1/sites/"+site+"/widgets/"+wid, nil), http.StatusNoContent)
		servertest.ExpectStatus(t, ts.Admin("GET", "/api/v1/sites/"+site+"/widgets/"+wid, nil), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Admin("GET", "/api/v1/sites/site_nope/widgets", nil), http.StatusNotFound)
	})
}

func TestWidgetBadInput(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"unknown type", `{"type":"chat"}`, 422, "type"},
		{"missing type", `{"settings":{}}`, 422, "type"},
		{"type not a string", `{"type":7}`, 400, "type"},
		{"settings not an object", `{"type":"callback","settings":"red"}`, 422, "settings"},
		{"bad colour", `{"type":"callback","settings":{"color":"red"}}`, 422, "settings.color"},
		{"bad position", `{"type":"callback","settings":{"position":"top"}}`, 422, "settings.position"},
		{"unknown setting", `{"type":"callback","settings":{"colour":"#ffffff"}}`, 422, "settings.colour"},
		{"bad manager phone", `{"type":"callback","settings":{"managers":[{"name":"Anna","phone":"12"}]}}`, 422, "settings.managers[0].phone"},
		{"bad manager e-mail", `{"type":"callback","settings":{"managers":[{"name":"Anna","phone":"+79123456789","email":"anna@"}]}}`, 422, "settings.managers[0].email"},
		{"manager without name", `{"type":"callback","settings":{"managers":[{"phone":"+79123456789"}]}}`, 422, "settings.managers[0].name"},
		{"button text in German", `{"type":"callback","settings":{"button_text":{"de":"Ruf mich an"}}}`, 422, "settings.button_text.de"},
		{"countdown without mode", `{"type":"countdown","settings":{}}`, 422, "settings.mode"},
		{"fixed without deadline", `{"type":"countdown","settings":{"mode":"fixed"}}`, 422, "settings.deadline"},
		{"deadline not a time", `{"type":"countdown","settings":{"mode":"fixed","deadline":"tomorrow"}}`, 422, "settings.deadline"},
		{"negative duration", `{"type":"countdown","settings":{"mode":"evergreen","duration_seconds":-5}}`, 422, "settings.duration_seconds"},
		{"bad recurring time", `{"type":"countdown","settings":{"mode":"recurring","time":"25:00"}}`, 422, "settings.time"},
		{"inline without selector", `{"type":"countdown","settings":{"mode":"evergreen","duration_seconds":60,"placement":"inline"}}`, 422, "settings.selector"},
		{"redirect without URL", `{"type":"countdown","settings":{"mode":"evergreen","duration_seconds":60,"on_expire":"redirect"}}`, 422, "settings.redirect_url"},
		{"malformed", `{"type":"callback",`, 400, ""},
		{"oversized body", `{"type":"countdown","settings":{"title":{"en":"` + strings.Repeat("a", 2<<20) + `"}}}`, 413, ""},
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop")["id"].(string)
		existing := ts.CreateWidget(site, map[string]any{"type": "callback"})["id"].(string)
		before := ts.Admin("GET", "/api/v1/sites/"+site+"/widgets", nil).Body
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := ts.Admin("POST", "/api/v1/sites/"+site+"/widgets", tc.body)
				servertest.ExpectStatus(t, r, tc.status)
				if f := r.ErrorField(t); f != tc.field {
					t.Fatalf("field %q, want %q: %s", f, tc.field, r.Body)
				}
				if after := ts.Admin("GET", "/api/v1/sites/"+site+"/widgets", nil).Body; string(after) != string(before) {
					t.Fatalf("widgets changed after a refused request: %s", after)
				}
			})
		}
		t.Run("patch with bad settings changes nothing", func(t *testing.T) {
			r := ts.Admin("PATCH", "/api/v1/sites/"+site+"/widgets/"+existing, `{"enabled":false,"settings":{"color":"blue"}}`)
			servertest.ExpectStatus(t, r, 422)
			if r.ErrorField(t) != "settings.color" {
				t.Fatalf("field: %s", r.Body)
			}
			r = ts.Admin("PATCH", "/api/v1/sites/"+site+"/widgets/"+existing, `{"type":"countdown"}`)
			servertest.ExpectStatus(t, r, 422)
			if after := ts.Admin("GET", "/api/v1/sites/"+site+"/widgets", nil).Body; string(after) != string(before) {
				t.Fatalf("widget changed after a refused patch: %s", after)
			}
		})
	})
}

func TestWidgetsAreScopedBySite(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	a := ts.CreateSite("A")["id"].(string)
	b := ts.CreateSite("B")["id"].(string)
	wid := ts.CreateWidget(a, map[string]any{"type": "callback"})["id"].(string)
	for _, method := range []string{"GET", "PATCH", "DELETE"} {
		var body any
		if method == "PATCH" {
			body = map[string]any{"enabled": false}
		}
		r := ts.Admin(method, "/api/v1/sites/"+b+"/widgets/"+wid, body)
		servertest.ExpectStatus(t, r, http.StatusNotFound)
	}
	r := ts.Admin("GET", "/api/v1/sites/"+a+"/widgets/"+wid, nil)
	if r.JSON(t)["enabled"] != true {
		t.Fatalf("widget of A changed through B: %s", r.Body)
	}
}

// TestWidgetIfMatch, on both stores: a widget's answers carry its
// version as an ETag; a PATCH with If-Match applies only to that version,
// so of two editors that read the same version the second to save is
// refused (412) and the first's change stays; without If-Match a PATCH
// applies as before.
func TestWidgetIfMatch(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop")["id"].(string)
		path := "/api/v1/sites/" + site + "/widgets/" + ts.CreateWidget(site, map[string]any{"type": "callback"})["id"].(string)
		read := ts.Admin("GET", path, nil)
		v1 := read.Header.Get("ETag")
		if v1 == "" {
			t.Fatalf("GET of a widget has no ETag: %v", read.Header)
		}

		first := ts.Admin("PATCH", path, map[string]any{"settings": map[string]any{"color": "#111111"}}, "If-Match", v1)
		servertest.ExpectStatus(t, first, http.StatusOK)
		v2 := first.Header.Get("ETag")
		if v2 == "" || v2 == v1 {
			t.Fatalf("a saved change's ETag %q, want a new one (was %q)", v2, v1)
		}
		second := ts.Admin("PATCH", path, map[string]any{"settings": map[string]any{"color": "#222222"}}, "If-Match", v1)
		servertest.ExpectStatus(t, second, http.StatusPreconditionFailed)
		if code := second.ErrorCode(t); code != "changed" {
			t.Fatalf("a stale save's error code %q, want changed", code)
		}
		if got := ts.Admin("GET", path, nil).JSON(t)["settings"].(map[string]any)["color"]; got != "#111111" {
			t.Fatalf("a refused save changed the colour to %v", got)
		}
		servertest.ExpectStatus(t, ts.Admin("PATCH", path, map[string]any{"enabled": false}, "If-Match", v2), http.StatusOK)
		servertest.ExpectStatus(t, ts.Admin("PATCH", path, map[string]any{"enabled": true}), http.StatusOK)
	})
}
