package dashboard_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// callbackWidget adds a callback widget with two managers (Anna at her own
// hours) to the site and returns its id.
func (s *inboxSite) callbackWidget(t *testing.T) string {
	t.Helper()
	w := s.d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": json.RawMessage(`{
		"managers":[{"name":"Anna","phone":"+79000000010","hours":[{"days":[1,2,3,4,5],"from":"09:00","to":"18:00"}]},{"name":"Boris","phone":"8 900 000-00-20"}],
		"strategy":"all_at_once","caller_id":"+74950000000"}`)})
	return w["id"].(string)
}

func (s *inboxSite) widgetSettings(t *testing.T, wid string) map[string]any {
	t.Helper()
	w, err := s.d.Store.GetWidget(t.Context(), s.siteID, wid)
	if err != nil {
		t.Fatal(err)
	}
	var set map[string]any
	if err := json.Unmarshal(w.Settings, &set); err != nil {
		t.Fatal(err)
	}
	return set
}

// TestTelephonyPage: the page shows the widget's managers with their
// numbers as stored, Anna's own hours, the strategy in words, the caller
// id and the simulated provider; the operator may save and test, a manager
// of the site reads it with nothing to press, and is refused by the API
// if they try anyway; another site's page is 404.
func TestTelephonyPage(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		path := "/app/sites/" + s.siteID + "/telephony"
		p := s.op.get(path + "?lang=en")
		wantStatus(t, "empty page", p, http.StatusOK)
		wantBody(t, "empty page", p, "No callback widget yet", "/app/sites/"+s.siteID+"/widgets")

		wid := s.callbackWidget(t)
		p = s.op.get(path)
		wantStatus(t, "page", p, http.StatusOK)
		wantBody(t, "page", p, `value="Anna"`, `value="&#43;79000000010"`, `value="Boris"`, `value="&#43;79000000020"`,
			`value="09:00"`, `value="18:00"`, `value="all_at_once" checked`, "Everyone at once", `value="&#43;74950000000"`,
			"Simulated calls", "Europe/Moscow", `id="tel-form"`, `id="tel-test-form"`, `id="tel-save"`,
			`"test_call":"/api/v1/sites/`+s.siteID+`/widgets/`+wid+`/test-call"`)
		wantNoBody(t, "page", p, "<fieldset class=\"plain\" disabled")

		p = s.manager.get(path + "?lang=ru")
		wantStatus(t, "manager's page", p, http.StatusOK)
		wantBody(t, "manager's page", p, `value="Anna"`, "<fieldset class=\"plain\" disabled", "Вы видите эти настройки")
		wantNoBody(t, "manager's page", p, `id="tel-test-form"`, `id="tel-save"`, "data-remove-manager")

		csrf := s.manager.pageCSRF(path)
		before := s.widgetSettings(t, wid)
		wantStatus(t, "manager saves", s.manager.api("PATCH", "/api/v1/sites/"+s.siteID+"/widgets/"+wid, csrf,
			`{"settings":{"managers":[{"name":"Me","phone":"+79161234567"}]}}`), http.StatusForbidden)
		wantStatus(t, "manager tests", s.manager.api("POST", "/api/v1/sites/"+s.siteID+"/widgets/"+wid+"/test-call", csrf,
			`{"phone":"+79161234567"}`), http.StatusForbidden)
		if after := s.widgetSettings(t, wid); !jsonEqual(before, after) {
			t.Fatalf("a refused save changed the settings:\n%v\n%v", before, after)
		}
		if cbs := s.d.ListCallbacks(s.siteID); len(cbs) != 0 {
			t.Fatalf("a refused test stored %d requests", len(cbs))
		}

		other := s.d.CreateSite("Shop B", "https://b.example")["id"].(string)
		otherWidget := s.d.CreateWidget(other, map[string]any{"type": "callback", "settings": map[string]any{}})["id"].(string)
		wantStatus(t, "another site's page", s.manager.get("/app/sites/"+other+"/telephony"), http.StatusNotFound)
		wantStatus(t, "another site's test", s.manager.api("POST", "/api/v1/sites/"+other+"/widgets/"+otherWidget+"/test-call", csrf,
			`{"phone":"+79161234567"}`), http.StatusNotFound)
		wantStatus(t, "another site's widget on this page", s.op.get(path+"?widget="+otherWidget), http.StatusOK)
		wantNoBody(t, "another site's widget on this page", s.op.get(path+"?widget="+otherWidget), otherWidget)
	})
}

// TestTelephonySaveErrors: the page's save (the admin API's PATCH of the
// whole settings, as the island sends it) answers a bad manager's phone at
// its field and keeps the stored settings as they were.
func TestTelephonySaveErrors(t *testing.T) {
	t.Parallel()
	s := newInboxSite(t, servertest.NewStore(t, "embedded"))
	wid := s.callbackWidget(t)
	path := "/app/sites/" + s.siteID + "/telephony"
	csrf := s.op.pageCSRF(path)
	widget := "/api/v1/sites/" + s.siteID + "/widgets/" + wid
	before := s.widgetSettings(t, wid)
	set := s.widgetSettings(t, wid)
	set["managers"] = []map[string]any{{"name": "Anna", "phone": "+79000000010", "priority": 0}, {"name": "Boris", "phone": "12345", "priority": 1}}
	set["strategy"] = "in_order"
	body, _ := json.Marshal(map[string]any{"settings": set})
	p := s.op.api("PATCH", widget, csrf, string(body))
	wantStatus(t, "bad phone", p, http.StatusUnprocessableEntity)
	var e struct{ Error struct{ Field string } }
	if json.Unmarshal([]byte(p.Body), &e); e.Error.Field != "settings.managers[1].phone" {
		t.Fatalf("error at %q, want settings.managers[1].phone: %s", e.Error.Field, p.Body)
	}
	if after := s.widgetSettings(t, wid); !jsonEqual(before, after) {
		t.Fatalf("a refused save changed the settings")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
