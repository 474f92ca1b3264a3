package dashboard_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// widgetTypes are the types the binary serves (widgets/standard).
var widgetTypes = []string{"countdown", "callback", "social_proof", "quiz", "popup", "game", "multibutton", "proactive", "reviews"}

// editorData is the JSON the editor page hands its island.
func editorData(t testing.TB, p page) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/json" id="widget-editor-data">(.*?)</script>`).FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("editor page has no island data: %.500s", p.Body)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("island data: %v", err)
	}
	return d
}

// TestWidgetPagesEveryType: the list offers every type with its words, and
// the editor of each type (new, and of a stored widget) renders in each
// language with every field labelled.
func TestWidgetPagesEveryType(t *testing.T) {
	t.Parallel()
	s := newInboxSite(t, servertest.NewStore(t, "embedded"))
	ids := map[string]string{}
	for _, typ := range widgetTypes {
		ids[typ] = s.d.CreateWidget(s.siteID, map[string]any{"type": typ, "settings": validSettings(t, s.op, s.siteID, typ)})["id"].(string)
	}
	for _, lang := range []string{"en", "ru", "uk"} {
		p := s.op.get("/app/sites/" + s.siteID + "/widgets?lang=" + lang)
		wantStatus(t, "list "+lang, p, http.StatusOK)
		for _, typ := range widgetTypes {
			wantBody(t, "list "+lang, p, `data-new-widget="`+typ+`"`)
		}
		for _, typ := range widgetTypes {
			p := s.op.get("/app/sites/" + s.siteID + "/widgets/new?type=" + typ + "&lang=" + lang)
			wantStatus(t, "new "+typ+" "+lang, p, http.StatusOK)
			wantBody(t, "new "+typ, p, `<form id="widget-form"`, `iframe id="preview"`, `data-save`)
			d := editorData(t, p)
			if d["type"] != typ || d["can_edit"] != true {
				t.Fatalf("new %s: island %v %v", typ, d["type"], d["can_edit"])
			}
			if body := html.UnescapeString(p.Body); strings.Contains(body, `"label": "[`) {
				t.Fatalf("new %s in %s has an untranslated label", typ, lang)
			}
		}
	}
	for typ, id := range ids {
		p := s.op.get("/app/sites/" + s.siteID + "/widgets/" + id + "?lang=uk")
		wantStatus(t, "edit "+typ, p, http.StatusOK)
		if d := editorData(t, p); d["widget_id"] != id || d["type"] != typ {
			t.Fatalf("edit %s: island names %v %v", typ, d["widget_id"], d["type"])
		}
		list := s.op.get("/app/sites/" + s.siteID + "/widgets")
		wantBody(t, "list", list, `data-widget-id="`+id+`"`)
	}
	wantStatus(t, "unknown type", s.op.get("/app/sites/"+s.siteID+"/widgets/new?type=chat"), http.StatusNotFound)
}

// fixtures are valid settings of the types whose new-widget form starts
// incomplete (a callback needs a manager, a pop-up something to show).
var fixtures = map[string]string{
	"callback":    `{"managers":[{"name":"Olga","phone":"+74951234567"}]}`,
	"popup":       `{"title":{"en":"10% off today","ru":"Скидка 10% сегодня"}}`,
	"multibutton": `{"channels":[{"type":"telegram","value":"shop_support"}]}`,
	"proactive":   `{"name":{"en":"Anna"},"text":{"en":"Can I help you choose?"},"triggers":{"on":[{"type":"time_on_page","seconds":20}]}}`,
}

// validSettings are settings of typ the API takes: the new-widget form's
// own start, or a fixture where the owner has to complete it.
func validSettings(t testing.TB, b *browser, siteID, typ string) any {
	t.Helper()
	if f, ok := fixtures[typ]; ok {
		return json.RawMessage(f)
	}
	return editorData(t, b.get("/app/sites/"+siteID+"/widgets/new?type="+typ))["settings"]
}

// TestWidgetEditorRoles: a manager sees the editor read-only, without the
// webhook's secret, and the API refuses their change; an owner of site A
// cannot tell site B's widgets exist.
func TestWidgetEditorRoles(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		w := s.d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{
			"managers": []map[string]any{{"name": "Olga", "phone": "+74951234567"}}, "notify_url": "https://shop.example/hook"}})
		wid := w["id"].(string)
		editor := "/app/sites/" + s.siteID + "/widgets/" + wid

		op := s.op.get(editor)
		wantBody(t, "owner's editor", op, "data-save", "whsec_")
		if editorData(t, op)["can_edit"] != true {
			t.Fatal("the operator's editor is read-only")
		}

		p := s.manager.get(editor)
		wantStatus(t, "manager's editor", p, http.StatusOK)
		wantNoBody(t, "manager's editor", p, "data-save", "whsec_", "ab-section")
		if d := editorData(t, p); d["can_edit"] != false {
			t.Fatal("the manager's editor is editable")
		}
		list := s.manager.get("/app/sites/" + s.siteID + "/widgets")
		wantStatus(t, "manager's list", list, http.StatusOK)
		wantBody(t, "manager's list", list, `data-widget-id="`+wid+`"`)
		wantNoBody(t, "manager's list", list, "data-new-widget", "data-delete-confirm", "data-toggle")
		wantStatus(t, "manager's new widget", s.manager.get("/app/sites/"+s.siteID+"/widgets/new?type=callback"), http.StatusNotFound)

		csrf := s.manager.pageCSRF(editor)
		r := s.manager.api(http.MethodPatch, "/api/v1/sites/"+s.siteID+"/widgets/"+wid, csrf, `{"settings":{"color":"#dc2626","managers":[{"name":"Olga","phone":"+74951234567"}]}}`)
		if r.Status < 400 {
			t.Fatalf("the manager's PATCH: %d %s", r.Status, r.Body)
		}
		got := s.d.Admin(http.MethodGet, "/api/v1/sites/"+s.siteID+"/widgets/"+wid, nil)
		if strings.Contains(string(got.Body), "#dc2626") {
			t.Fatal("the manager's PATCH changed the widget")
		}

		// Site B and its widget, and an owner of site A only.
		siteB := s.d.CreateSite("Shop B", "https://b.example")["id"].(string)
		widB := s.d.CreateWidget(siteB, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "evergreen", "duration_seconds": 600}})["id"].(string)
		link := s.op.invite(s.siteID, "owner@example.com", store.RoleOwner)
		owner := s.d.browser(t, "owner")
		wantRedirect(t, "owner accepts", owner.submit(link, link, url.Values{"password": {"owner-pass-12"}}), "/app/sites/"+s.siteID)
		wantStatus(t, "owner's editor", owner.get(editor), http.StatusOK)
		for _, path := range []string{"/app/sites/" + siteB + "/widgets", "/app/sites/" + siteB + "/widgets/" + widB,
			"/app/sites/" + siteB + "/widgets/new?type=popup", "/app/sites/" + s.siteID + "/widgets/" + widB} {
			wantStatus(t, "site A's owner at "+path, owner.get(path), http.StatusNotFound)
		}
		csrf = owner.pageCSRF(editor)
		wantStatus(t, "preview of site B", owner.post("/app/sites/"+siteB+"/widgets/preview",
			url.Values{"csrf": {csrf}, "type": {"countdown"}, "settings": {`{"mode":"evergreen"}`}}), http.StatusNotFound)
	})
}

// TestWidgetPreview: a valid draft answers the island's check with 204
// and the iframe's post with a page that runs the real loader on the
// draft, framed by the dashboard only; a bad draft names its field and
// nothing is stored.
func TestWidgetPreview(t *testing.T) {
	t.Parallel()
	s := newInboxSite(t, servertest.NewStore(t, "embedded"))
	editor := "/app/sites/" + s.siteID + "/widgets/new?type=callback"
	csrf := s.op.pageCSRF(editor)
	preview := "/app/sites/" + s.siteID + "/widgets/preview"
	good := url.Values{"csrf": {csrf}, "type": {"callback"}, "settings": {`{"color":"#dc2626","managers":[{"name":"Olga","phone":"+7 495 123-45-67"}]}`}}

	wantStatus(t, "check a good draft", s.op.post(preview, good, "Accept", "application/json"), http.StatusNoContent)
	p := s.op.post(preview, good)
	wantStatus(t, "preview page", p, http.StatusOK)
	wantBody(t, "preview page", p, `id="beckon-preview"`, `src="/embed.js"`, "data-preview", `"#dc2626"`, `"type": "callback"`)
	wantNoBody(t, "preview page", p, "+74951234567") // managers are private, as in /config
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'self'") || !strings.Contains(csp, "style-src 'self' 'unsafe-inline'") {
		t.Fatalf("preview CSP: %s", csp)
	}
	if xfo := p.Header.Get("X-Frame-Options"); xfo == "DENY" {
		t.Fatal("the preview cannot be framed: X-Frame-Options DENY")
	}
	// A widget not saved yet is a draft the public API does not know (its
	// bundle shows a sample); a saved one's preview is the widget itself.
	wantBody(t, "preview of a new widget", p, `"draft": true`)
	saved := s.d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{
		"managers": []any{map[string]any{"name": "Olga", "phone": "+74951234567"}}}})["id"].(string)
	again := url.Values{"csrf": {csrf}, "type": {"callback"}, "wid": {saved}, "settings": good["settings"]}
	wantNoBody(t, "preview of a saved widget", s.op.post(preview, again), `"draft"`)
	s.d.Admin(http.MethodDelete, "/api/v1/sites/"+s.siteID+"/widgets/"+saved, nil)

	bad := url.Values{"csrf": {csrf}, "type": {"callback"}, "settings": {`{"managers":[{"name":"Olga","phone":"12"}]}`}}
	p = s.op.post(preview, bad, "Accept", "application/json")
	wantStatus(t, "check a bad draft", p, http.StatusUnprocessableEntity)
	var e struct{ Error struct{ Field string } }
	if err := json.Unmarshal([]byte(p.Body), &e); err != nil || e.Error.Field != "settings.managers[0].phone" {
		t.Fatalf("bad draft: %s", p.Body)
	}
	wantStatus(t, "preview without the token", s.op.post(preview, url.Values{"type": {"callback"}}), http.StatusForbidden)
	list := s.d.Admin(http.MethodGet, "/api/v1/sites/"+s.siteID+"/widgets", nil)
	if strings.Contains(string(list.Body), `"type":"callback"`) {
		t.Fatal("a preview stored a widget")
	}
}
