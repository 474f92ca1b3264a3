package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// sessionCookie is the Set-Cookie line of the session after a setup.
func sessionCookie(t *testing.T, publicURL string) string {
	t.Helper()
	d := startDash(t, servertest.NewStore(t, "embedded"), func(c *config.Config) {
		if publicURL != "" {
			c.PublicURL = publicURL
		}
	})
	b := d.browser(t, "ua")
	p := b.submit("/app/setup", "/app/setup", url.Values{"token": {servertest.AdminToken}, "email": {opEmail}, "password": {opPassword}})
	wantStatus(t, "setup", p, http.StatusSeeOther)
	for _, line := range p.Header.Values("Set-Cookie") {
		if strings.Contains(line, "beckon_session=") {
			return line
		}
	}
	t.Fatalf("no session cookie in %v", p.Header.Values("Set-Cookie"))
	return ""
}

// TestSessionCookieAttributes: HttpOnly and SameSite=Lax always; on an
// HTTPS public URL a __Host- cookie with Secure and Path=/ and no Domain.
func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	plain := strings.ToLower(sessionCookie(t, ""))
	if !strings.HasPrefix(plain, "beckon_session=") || !strings.Contains(plain, "httponly") ||
		!strings.Contains(plain, "samesite=lax") || !strings.Contains(plain, "path=/") || strings.Contains(plain, "secure") {
		t.Errorf("session cookie on HTTP: %s", plain)
	}
	secure := strings.ToLower(sessionCookie(t, "https://beckon.example"))
	if !strings.HasPrefix(secure, "__host-beckon_session=") || !strings.Contains(secure, "secure") ||
		!strings.Contains(secure, "httponly") || !strings.Contains(secure, "samesite=lax") ||
		!strings.Contains(secure, "path=/") || strings.Contains(secure, "domain=") {
		t.Errorf("session cookie on HTTPS: %s", secure)
	}
}

// TestPagesSpeakRussianAndUkrainian: ?lang= picks the language, which
// sticks; the browser's Accept-Language is the default.
func TestPagesSpeakRussianAndUkrainian(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	b := d.browser(t, "ua")
	b.setup()
	wantBody(t, "ru", b.get("/app/account?lang=ru"), `<html lang="ru">`, "Ваш аккаунт", "Активные сеансы", "Выйти на всех других устройствах")
	wantBody(t, "ru sticks", b.get("/app/"), "Ваши сайты")
	wantBody(t, "uk", b.get("/app/account?lang=uk"), `<html lang="uk">`, "Ваш акаунт", "Активні сеанси")
	other := d.browser(t, "ua")
	req, _ := http.NewRequest(http.MethodGet, d.Base+"/app/login", nil)
	req.Header.Set("Accept-Language", "uk-UA,uk;q=0.9,en;q=0.5")
	wantBody(t, "Accept-Language", other.do(req), "Вхід", "Увійти")
}

// TestChangingThePasswordSignsOutTheOtherSessions.
func TestChangingThePasswordSignsOutTheOtherSessions(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	b := d.browser(t, "ua")
	b.setup()
	phone := d.browser(t, "phone")
	wantRedirect(t, "phone", phone.login(opEmail, opPassword), "/app/")
	p := b.submit("/app/account", "/app/account/password", url.Values{"current": {"wrong-one"}, "new": {"brand-new-pass"}})
	wantStatus(t, "wrong current password", p, http.StatusUnprocessableEntity)
	p = b.submit("/app/account", "/app/account/password", url.Values{"current": {opPassword}, "new": {"short"}})
	wantStatus(t, "short new password", p, http.StatusUnprocessableEntity)
	wantBody(t, "short new password", p, "at least 8 characters")
	wantStatus(t, "phone still in", phone.get("/app/"), http.StatusOK)
	wantRedirect(t, "change", b.submit("/app/account", "/app/account/password", url.Values{"current": {opPassword}, "new": {"brand-new-pass"}}), "/app/account")
	wantRedirect(t, "phone after the change", phone.get("/app/"), "/app/login")
	wantStatus(t, "this browser stays", b.get("/app/account"), http.StatusOK)
	wantStatus(t, "old password", d.browser(t, "x").login(opEmail, opPassword), http.StatusUnauthorized)
	wantRedirect(t, "new password", d.browser(t, "x").login(opEmail, "brand-new-pass"), "/app/")
}
