package dashboard_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	quizw "github.com/beckonhq/beckon/widgets/quiz"
)

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// api calls the admin API from b's session, as the dashboard's scripts do:
// the session cookie plus the page's CSRF token in X-CSRF-Token.
func (b *browser) api(method, path, csrf, body string) page {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.d.Base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return b.do(req)
}

// pageCSRF is the csrf-token meta of a signed-in page.
func (b *browser) pageCSRF(path string) string {
	b.t.Helper()
	m := csrfMeta.FindStringSubmatch(b.get(path).Body)
	if m == nil {
		b.t.Fatalf("%s has no csrf-token meta", path)
	}
	return m[1]
}

// TestAPIFromDashboardSession: a signed-in person calls the admin API with
// the page's token and gets what their role allows on their sites only;
// without the token, from another origin or on another site it is refused
// and nothing changes; each change lands in the site's audit list.
func TestAPIFromDashboardSession(t *testing.T) {
	t.Parallel()
	s := newInboxSite(t, servertest.NewStore(t, "embedded"))
	other := s.d.CreateSite("Shop B", "https://b.example")["id"].(string)
	w := s.d.CreateWidget(s.siteID, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "fixed", "deadline": "2030-01-01T00:00:00Z"}})
	wid := w["id"].(string)
	mCSRF := s.manager.pageCSRF("/app/sites/" + s.siteID)
	widget := "/api/v1/sites/" + s.siteID + "/widgets/" + wid

	wantStatus(t, "manager reads widgets", s.manager.api("GET", "/api/v1/sites/"+s.siteID+"/widgets", mCSRF, ""), http.StatusOK)
	wantStatus(t, "manager changes a widget", s.manager.api("PATCH", widget, mCSRF, `{"enabled":false}`), http.StatusForbidden)
	wantStatus(t, "manager reads another site", s.manager.api("GET", "/api/v1/sites/"+other+"/widgets", mCSRF, ""), http.StatusNotFound)
	wantStatus(t, "manager lists all sites", s.manager.api("GET", "/api/v1/sites", mCSRF, ""), http.StatusForbidden)
	wantStatus(t, "no CSRF token", s.manager.api("GET", "/api/v1/sites/"+s.siteID+"/widgets", "", ""), http.StatusForbidden)

	opCSRF := s.op.pageCSRF("/app/")
	req, _ := http.NewRequest("PATCH", s.d.Base+widget, strings.NewReader(`{"enabled":false}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", opCSRF)
	req.Header.Set("Origin", "https://evil.example")
	wantStatus(t, "another origin", s.op.do(req), http.StatusForbidden)
	if got, _ := s.d.Store.GetWidget(t.Context(), s.siteID, wid); !got.Enabled {
		t.Fatal("a refused call changed the widget")
	}

	p := s.op.api("PATCH", widget, opCSRF, `{"settings":{"mode":"nonsense"}}`)
	wantStatus(t, "operator sends a bad mode", p, http.StatusUnprocessableEntity)
	var e struct{ Error struct{ Field string } }
	if json.Unmarshal([]byte(p.Body), &e); e.Error.Field != "settings.mode" {
		t.Fatalf("error names field %q, want settings.mode: %s", e.Error.Field, p.Body)
	}
	wantStatus(t, "operator turns the widget off", s.op.api("PATCH", widget, opCSRF, `{"enabled":false}`), http.StatusOK)
	audit, err := s.d.Store.ListAudit(t.Context(), "site:"+s.siteID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, a := range audit {
		found = found || (a.Action == "api_change" && strings.Contains(a.Detail, "PATCH "+widget) && strings.Contains(a.Detail, opEmail))
	}
	if !found {
		t.Fatalf("audit list has no entry of the change: %+v", audit)
	}
	quiz := s.d.CreateWidget(s.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage((&quizw.Module{}).DemoSettings())})
	settings, _ := json.Marshal(quiz["settings"])
	before, _ := s.d.Store.ListAudit(t.Context(), "site:"+s.siteID, 100)
	preview := "/api/v1/sites/" + s.siteID + "/widgets/" + quiz["id"].(string) + "/quiz/formula-preview"
	wantStatus(t, "a quiz's formula preview", s.op.api("POST", preview, opCSRF, `{"settings":`+string(settings)+`,"answers":{}}`), http.StatusOK)
	if after, _ := s.d.Store.ListAudit(t.Context(), "site:"+s.siteID, 100); len(after) != len(before) {
		t.Fatalf("a preview, which changes nothing, was audited: %+v", after[0])
	}
	for _, a := range audit {
		if strings.Contains(a.Detail, "nonsense") || (a.Action == "api_change" && a.UserID != "" && a.UserID != s.opUserID(t)) {
			t.Fatalf("unexpected audit entry %+v", a)
		}
	}
}

func (s *inboxSite) opUserID(t *testing.T) string {
	u, err := s.d.Store.UserByEmail(t.Context(), opEmail)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestAPIRefusesInTheReadersLanguage: a refusal the API sends a dashboard
// page is in the page's language, with its values in place (an English
// reader gets the plainer words of the commonest ones); a client of the
// API with a token reads the documented English.
func TestAPIRefusesInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	s := newInboxSite(t, servertest.NewStore(t, "embedded"))
	w := s.d.CreateWidget(s.siteID, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "fixed", "deadline": "2030-01-01T00:00:00Z"}})
	widget := "/api/v1/sites/" + s.siteID + "/widgets/" + w["id"].(string)
	bad := `{"settings":{"mode":"nonsense"}}`

	messageOf := func(p page) string {
		t.Helper()
		var e struct {
			Error struct{ Field, Message string }
		}
		if err := json.Unmarshal([]byte(p.Body), &e); err != nil || p.Status != http.StatusUnprocessableEntity || e.Error.Field != "settings.mode" {
			t.Fatalf("want a 422 at settings.mode, got %d %s", p.Status, p.Body)
		}
		return e.Error.Message
	}
	for lang, want := range map[string]string{"ru": "допустимые значения: ", "uk": "допустимі значення: ", "en": "Choose one of: "} {
		s.op.get("/app/?lang=" + lang)
		csrf := s.op.pageCSRF("/app/")
		got := messageOf(s.op.api("PATCH", widget, csrf, bad))
		if !strings.HasPrefix(got, want) || !strings.Contains(got, "fixed") {
			t.Errorf("%s reader got %q, want it to start %q and keep the modes", lang, got, want)
		}
	}
	// A formula preview's failures are texts for the reader too.
	quiz := s.d.CreateWidget(s.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage((&quizw.Module{}).DemoSettings())})
	draft := strings.Replace((&quizw.Module{}).DemoSettings(), `+ extras"}`, `+ extras"}, {"name": "per_room", "expr": "rooms > 0 ? price / (rooms - 2) : 0"}`, 1)
	s.op.get("/app/?lang=uk")
	p := s.op.api("POST", "/api/v1/sites/"+s.siteID+"/widgets/"+quiz["id"].(string)+"/quiz/formula-preview", s.op.pageCSRF("/app/"),
		`{"settings":`+draft+`,"answers":{"rooms":"r2","area":50,"level":"cosmetic"}}`)
	var preview struct {
		Failed []struct{ Name, Message string }
	}
	if json.Unmarshal([]byte(p.Body), &preview); p.Status != http.StatusOK || len(preview.Failed) != 1 ||
		preview.Failed[0].Message != "не дає числа за цих відповідей: +Inf (ділення на нуль?)" {
		t.Errorf("a Ukrainian reader's formula preview: %d %s", p.Status, p.Body)
	}

	r := s.d.Admin("PATCH", widget, bad, "Accept-Language", "ru")
	if m := r.JSON(t)["error"].(map[string]any)["message"].(string); !strings.HasPrefix(m, "must be one of ") {
		t.Errorf("a token's client got %q, want the API's English", m)
	}
}
