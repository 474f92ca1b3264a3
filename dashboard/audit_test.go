package dashboard_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestAuditPage, on both stores: the site's audit page shows, newest
// first with who, when and from where, a change made through the API
// from a dashboard session (as a readable sentence naming the widget), a
// change made with the site settings form, a revoked invite, and a
// member's sign-in; in Russian too. Older entries are on further pages.
func TestAuditPage(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newNTSite(t, newStore(t))
		w := s.d.CreateWidget(s.siteID, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "fixed", "deadline": "2030-01-01T00:00:00Z"}})
		wid := w["id"].(string)
		audit := s.path("/audit")

		// A change through the API with the owner's session.
		csrf := s.owner.pageCSRF(audit)
		wantStatus(t, "API change", s.owner.api("PATCH", "/api/v1/sites/"+s.siteID+"/widgets/"+wid, csrf, `{"enabled":false}`), http.StatusOK)
		s.d.clock.Add(time.Minute) // time passes between the steps, as it does for people
		// A change with the site settings form.
		form := siteForm("Цветы и травы", "https://flowers.example", "Europe/Moscow", "ru", "RU")
		wantRedirect(t, "settings form", s.owner.submit(s.path(""), s.path(""), form), s.path(""))
		s.d.clock.Add(time.Minute)
		// An invite made and revoked on the people page.
		s.owner.invite(s.siteID, "late@flowers.example", store.RoleManager)
		people := s.owner.get(s.path("/people"))
		m := regexp.MustCompile(`action="(/app/sites/[^"]+/invites/[^"]+/revoke)"`).FindStringSubmatch(people.Body)
		if m == nil {
			t.Fatalf("no revoke form on the people page: %.2000s", people.Body)
		}
		wantRedirect(t, "revoke invite", s.owner.submit(s.path("/people"), m[1], nil), s.path("/people"))
		s.d.clock.Add(time.Minute)
		// The manager signs in again.
		again := s.d.browser(t, "manager again")
		wantRedirect(t, "manager signs in", again.login("manager@flowers.example", "manager-pass-1"), "/app/")

		p := s.owner.get(audit + "?lang=en")
		wantStatus(t, "audit page", p, http.StatusOK)
		wantBody(t, "audit page", p,
			"Changed: widget countdown · "+strings.TrimPrefix(wid, "wdg_")[:6], "PATCH /api/v1/sites/"+s.siteID+"/widgets/"+wid,
			"Changed the site’s settings", "Revoked an invite", "Invited late@flowers.example as Manager",
			"Signed in (password)", "manager@flowers.example", "owner@flowers.example", "<code>127.0.0.1</code>")
		// Newest first: the sign-in, then the invite's end, …, the API change.
		order := []string{"Signed in (password)", "Revoked an invite", "Changed the site’s settings", "Changed: widget"}
		for i := 1; i < len(order); i++ {
			if strings.Index(p.Body, order[i-1]) > strings.Index(p.Body, order[i]) {
				t.Fatalf("%q is shown after %q", order[i-1], order[i])
			}
		}
		// Who and when on the sign-in's row.
		row := rowOf(t, p.Body, "Signed in (password)")
		if !strings.Contains(row, "manager@flowers.example") || !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d UTC`).MatchString(row) {
			t.Fatalf("the sign-in's row: %s", row)
		}
		wantBody(t, "in Russian", s.owner.get(audit+"?lang=ru"), "Изменение: виджет countdown", "Изменение настроек сайта", "Вход (пароль)")

		// More than a page: the oldest entries move to the next one.
		for i := range 60 {
			wantStatus(t, "API change", s.owner.api("PATCH", "/api/v1/sites/"+s.siteID+"/widgets/"+wid, csrf, fmt.Sprintf(`{"enabled":%t}`, i%2 == 0)), http.StatusOK)
		}
		first := s.owner.get(audit + "?lang=en")
		wantBody(t, "first page", first, `rel="next"`)
		wantNoBody(t, "first page", first, "Signed in (password)", `rel="prev"`)
		wantBody(t, "second page", s.owner.get(audit+"?page=2"), "Signed in (password)", `rel="prev"`)
		wantStatus(t, "operator", s.op.get(audit), http.StatusOK)
	})
}

// rowOf is the table row that holds text.
func rowOf(t *testing.T, body, text string) string {
	t.Helper()
	i := strings.Index(body, text)
	if i < 0 {
		t.Fatalf("no row has %q", text)
	}
	start := strings.LastIndex(body[:i], "<tr>")
	end := strings.Index(body[i:], "</tr>")
	return body[start : i+end]
}
