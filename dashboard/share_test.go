package dashboard_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

var newShareURL = regexp.MustCompile(`id="an-new-url" class="secret" value="([^"]+)"`)

// createShare makes a share link as the operator and returns its path.
func (s *analyticsSite) createShare(t *testing.T, form url.Values) string {
	t.Helper()
	p := s.op.submit("/app/sites/"+s.siteID+"/analytics/share", "/app/sites/"+s.siteID+"/analytics/share", form)
	wantStatus(t, "create share link", p, http.StatusOK)
	m := newShareURL.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no new link shown: %.2000s", p.Body)
	}
	u, err := url.Parse(m[1])
	if err != nil || !strings.HasPrefix(u.Path, "/app/share/") {
		t.Fatalf("new link %q", m[1])
	}
	return u.Path
}

func TestShareLinkShowsAnalyticsReadOnly(t *testing.T) {
	for _, kind := range []string{"embedded", "redis"} {
		t.Run(kind, func(t *testing.T) {
			s := newAnalyticsSite(t, servertest.NewStore(t, kind))
			path := s.createShare(t, url.Values{"label": {"Agency"}})

			// Only the token's hash is stored.
			links, err := s.d.Store.ListShareLinks(t.Context(), s.siteID)
			if err != nil || len(links) != 1 {
				t.Fatalf("links %v %v", links, err)
			}
			token := strings.TrimPrefix(path, "/app/share/")
			sum := sha256.Sum256([]byte(token))
			raw, _ := json.Marshal(links[0])
			if links[0].Hash != hex.EncodeToString(sum[:]) || strings.Contains(string(raw), token) {
				t.Fatalf("stored link %s, want only the token's SHA-256", raw)
			}

			// Anyone with the link, signed out, sees the numbers and nothing
			// personal: managers by number, no contacts, no way into the site.
			anon := s.d.browser(t, "anon")
			p := anon.get(path + "?lang=en&from=" + s.today.AddDate(0, 0, -6).Format(time.DateOnly))
			wantStatus(t, "shared page", p, http.StatusOK)
			wantRow(t, tableRows(t, p, "an-sources"), "google", "2", "1", "1", "100%")
			wantRow(t, tableRows(t, p, "an-managers"), "Manager 1", "2", "1", "50%", "10 s", "1")
			wantNoBody(t, "shared page", p, "Anna", "Boris", "Visitor 1", "Caller", "+7999", "/inbox", "/app/sites/", "Share links", "csrf-token")
			wantStatus(t, "shared, unknown token", anon.get("/app/share/"+strings.Repeat("x", 43)), http.StatusNotFound)

			// Revoked: gone, like a link that never was.
			list := s.op.get("/app/sites/" + s.siteID + "/analytics/share?lang=en")
			wantBody(t, "list", list, "Agency")
			p = s.op.submit("/app/sites/"+s.siteID+"/analytics/share", "/app/sites/"+s.siteID+"/analytics/share/"+links[0].ID+"/revoke", nil)
			wantRedirect(t, "revoke", p, "/app/sites/"+s.siteID+"/analytics/share")
			wantStatus(t, "revoked link", anon.get(path), http.StatusNotFound)
			audit, err := s.d.Store.ListAudit(t.Context(), "site:"+s.siteID, 10)
			if err != nil || len(audit) < 2 || audit[0].Action != "share_link_revoked" || audit[1].Action != "share_link_created" || audit[0].Detail != links[0].ID {
				t.Fatalf("site audit %+v %v, want the link's creation and revocation", audit, err)
			}
		})
	}
}

func TestShareLinkPassword(t *testing.T) {
	s := newAnalyticsSite(t, servertest.NewStore(t, "embedded"))
	path := s.createShare(t, url.Values{"password": {"agency-pass-1"}})
	anon := s.d.browser(t, "anon")
	p := anon.get(path + "?lang=en")
	wantStatus(t, "password asked", p, http.StatusOK)
	wantBody(t, "password asked", p, "Enter the password")
	wantNoBody(t, "password asked", p, `id="an-sources"`)

	p = anon.submit(path, path, url.Values{"password": {"wrong-pass-1"}})
	wantStatus(t, "wrong password", p, http.StatusUnauthorized)
	wantNoBody(t, "wrong password", p, `id="an-sources"`)
	p = anon.submit(path, path, url.Values{"password": {"agency-pass-1"}})
	wantRedirect(t, "right password", p, path)
	wantBody(t, "unlocked", anon.get(path+"?lang=en"), `id="an-sources"`)
	wantBody(t, "another browser still asked", s.d.browser(t, "other").get(path+"?lang=en"), "Enter the password")

	// Ten wrong passwords lock the link for the window, even the right one.
	thief := s.d.browser(t, "thief")
	for i := range 9 {
		wantStatus(t, "wrong "+string(rune('0'+i)), thief.submit(path, path, url.Values{"password": {"guess-pass-1"}}), http.StatusUnauthorized)
	}
	p = thief.submit(path, path, url.Values{"password": {"agency-pass-1"}})
	wantStatus(t, "locked", p, http.StatusTooManyRequests)
	if p.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	s.d.clock.Add(16 * time.Minute)
	wantRedirect(t, "after the window", thief.submit(path, path, url.Values{"password": {"agency-pass-1"}}), path)
}

func TestShareLinkExpiresAndBadInput(t *testing.T) {
	s := newAnalyticsSite(t, servertest.NewStore(t, "embedded"))
	share := "/app/sites/" + s.siteID + "/analytics/share"
	for field, form := range map[string]url.Values{
		"The password must be 8 to 256 characters": {"password": {"short"}},
		"The date has passed":                      {"expires": {s.today.AddDate(0, 0, -1).Format(time.DateOnly)}},
		"The date must be a date such as":          {"expires": {"31.12.2026"}},
		"The name can be at most 80 characters":    {"label": {strings.Repeat("a", 81)}},
	} {
		p := s.op.submit(share+"?lang=en", share+"?lang=en", form)
		wantStatus(t, field, p, http.StatusUnprocessableEntity)
		wantBody(t, field, p, field, `aria-invalid="true"`)
	}
	if links, _ := s.d.Store.ListShareLinks(t.Context(), s.siteID); len(links) != 0 {
		t.Fatalf("bad input stored %v", links)
	}

	path := s.createShare(t, url.Values{"expires": {s.today.Format(time.DateOnly)}})
	anon := s.d.browser(t, "anon")
	wantStatus(t, "valid today", anon.get(path), http.StatusOK)
	s.d.clock.Add(48 * time.Hour)
	wantStatus(t, "expired", anon.get(path), http.StatusNotFound)
	wantBody(t, "listed as expired", s.op.get(share+"?lang=en"), "expired")
}
