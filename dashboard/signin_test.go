package dashboard_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/dashboard"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestSignInJourney walks what the operator does on a new server, on both
// stores: setup with the admin token, sign out, sign in, turn two-step
// sign-in on, sign in with a code and on a second browser with a recovery
// code, see both sessions, revoke one, sign out everywhere.
func TestSignInJourney(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		d := startDash(t, newStore(t), nil)
		b := d.browser(t, "Laptop Firefox")
		wantRedirect(t, "login before setup", b.get("/app/login"), "/app/setup")

		p := b.submit("/app/setup", "/app/setup", url.Values{"token": {"not-the-token"}, "email": {opEmail}, "password": {opPassword}})
		wantStatus(t, "setup with a wrong token", p, http.StatusUnprocessableEntity)
		wantBody(t, "setup with a wrong token", p, "This is not the admin token.")
		b.setup()
		wantRedirect(t, "setup again", b.get("/app/setup"), "/app/login")
		wantBody(t, "sites", b.get("/app/"), "Your sites", "Sign out")

		wantStatus(t, "a link to sign out only asks", b.get("/app/logout"), http.StatusOK)
		wantStatus(t, "still signed in", b.get("/app/"), http.StatusOK)
		wantRedirect(t, "sign out", b.submit("/app/logout", "/app/logout", nil), "/app/login")
		wantRedirect(t, "after sign out", b.get("/app/"), "/app/login")
		wantRedirect(t, "sign-out page signed out", b.get("/app/logout"), "/app/login")
		p = b.login(opEmail, "wrong-password")
		wantStatus(t, "wrong password", p, http.StatusUnauthorized)
		wantBody(t, "wrong password", p, "Wrong e-mail or password.")
		p = b.login("nobody@example.com", opPassword)
		wantStatus(t, "unknown e-mail", p, http.StatusUnauthorized)
		wantBody(t, "unknown e-mail", p, "Wrong e-mail or password.")
		wantRedirect(t, "sign in", b.login(opEmail, opPassword), "/app/")

		secret, codes := b.enrolTOTP()
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes shown, want 10", len(codes))
		}
		wantBody(t, "account", b.get("/app/account"), "Two-step sign-in is on. Recovery codes left: 10.")
		wantRedirect(t, "sign out", b.submit("/app/", "/app/logout", nil), "/app/login")

		// The password alone now leads to the second step, nowhere else.
		wantRedirect(t, "password with 2FA on", b.login(opEmail, opPassword), "/app/login/2fa")
		wantRedirect(t, "sites before the code", b.get("/app/"), "/app/login/2fa")
		p = b.submit("/app/login/2fa", "/app/login/2fa", url.Values{"code": {"000000"}})
		wantStatus(t, "wrong code", p, http.StatusUnauthorized)
		// The code that confirmed the enrolment was used: no replay.
		p = b.submit("/app/login/2fa", "/app/login/2fa", url.Values{"code": {b.code(secret, 0)}})
		wantStatus(t, "replayed code", p, http.StatusUnauthorized)
		d.clock.Add(30 * time.Second)
		wantRedirect(t, "next code", b.submit("/app/login/2fa", "/app/login/2fa", url.Values{"code": {b.code(secret, 0)}}), "/app/")
		wantBody(t, "signed in", b.get("/app/"), "Your sites")

		phone := d.browser(t, "Phone Safari")
		wantRedirect(t, "phone password", phone.login(opEmail, opPassword), "/app/login/2fa")
		wantRedirect(t, "phone recovery code", phone.submit("/app/login/2fa", "/app/login/2fa", url.Values{"code": {codes[3]}}), "/app/")
		other := d.browser(t, "Tablet")
		other.login(opEmail, opPassword)
		wantStatus(t, "recovery code twice", other.submit("/app/login/2fa", "/app/login/2fa", url.Values{"code": {codes[3]}}), http.StatusUnauthorized)
		wantStatus(t, "second step still open", other.get("/app/login/2fa"), http.StatusOK)

		acct := b.get("/app/account")
		wantBody(t, "sessions", acct, "Laptop Firefox", "Phone Safari", "this browser", "Recovery codes left: 9.")
		if strings.Contains(acct.Body, "Tablet") {
			t.Fatal("a session still owing its second step is listed as signed in... it must not sign in")
		}
		phoneID := sessionIDOf(t, acct.Body, "Phone Safari")
		wantRedirect(t, "revoke phone", b.submit("/app/account", "/app/account/sessions/"+phoneID+"/revoke", nil), "/app/account")
		wantRedirect(t, "phone after revoke", phone.get("/app/"), "/app/login")
		if strings.Contains(b.get("/app/account").Body, "Phone Safari") {
			t.Fatal("the revoked session is still listed")
		}

		wantRedirect(t, "phone again", phone.login(opEmail, opPassword), "/app/login/2fa")
		d.clock.Add(30 * time.Second)
		wantRedirect(t, "phone code", phone.submit("/app/login/2fa", "/app/login/2fa", url.Values{"code": {phone.code(secret, 0)}}), "/app/")
		wantRedirect(t, "sign out everywhere", b.submit("/app/account", "/app/account/sessions/revoke-others", nil), "/app/account")
		wantRedirect(t, "phone after sign out everywhere", phone.get("/app/"), "/app/login")
		wantBody(t, "this browser stays", b.get("/app/account"), "Laptop Firefox", "All your other sessions were signed out.")

		// A second step left waiting ends after 10 minutes.
		d.clock.Add(accounts.PendingTimeout)
		wantRedirect(t, "second step too late", other.get("/app/login/2fa"), "/app/login")

		audit, err := d.Store.ListAudit(t.Context(), "user:"+userID(t, d, opEmail), 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range audit {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"sign_in", "sign_in_failed", "totp_enabled", "recovery_code_used", "signed_out_everywhere"} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("audit lacks %s: %v", want, actions)
			}
		}
	})
}

var sessionRow = regexp.MustCompile(`(?s)<li>\s*<div>\s*<strong>([^<]*)</strong>.*?/app/account/sessions/([0-9a-f]{64})/revoke`)

// sessionIDOf finds the revoke link of the session whose browser is ua.
func sessionIDOf(t *testing.T, body, ua string) string {
	t.Helper()
	for _, m := range sessionRow.FindAllStringSubmatch(body, -1) {
		if m[1] == ua {
			return m[2]
		}
	}
	t.Fatalf("no session of %q on the account page", ua)
	return ""
}

func userID(t testing.TB, d *dash, email string) string {
	t.Helper()
	u, err := d.Store.UserByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestEveryPageHasStrictHeaders: pages, errors, redirects and the
// stylesheet carry the CSP and its companions.
func TestEveryPageHasStrictHeaders(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	b := d.browser(t, "ua")
	for _, path := range []string{"/app/setup", "/app/login", "/app/no-such-page", "/app/", "/app/invite/nope", dashboard.StyleURL()} {
		p := b.get(path)
		if got := p.Header.Get("Content-Security-Policy"); got != dashboard.CSP {
			t.Errorf("%s: CSP %q", path, got)
		}
		if p.Header.Get("X-Content-Type-Options") != "nosniff" || p.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, p.Header)
		}
	}
	want := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
	if dashboard.CSP != want {
		t.Fatalf("CSP %q, want %q", dashboard.CSP, want)
	}
	page := b.get("/app/account")
	if strings.Contains(page.Body, "<script") || strings.Contains(page.Body, "style=") {
		t.Fatal("a page has inline script or style, which the CSP blocks")
	}
	// Signed out, any other page leads to sign-in; signed in, an unknown
	// page is a page that says so.
	wantRedirect(t, "unknown page signed out", b.get("/app/no-such-page"), "/app/login")
	b.setup()
	if nf := b.get("/app/no-such-page"); nf.Status != http.StatusNotFound || !strings.Contains(nf.Body, "Page not found.") {
		t.Fatalf("unknown page: %d %s", nf.Status, nf.Body)
	}
	css := b.get(dashboard.StyleURL())
	if css.Status != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("stylesheet: %d %s", css.Status, css.Header.Get("Content-Type"))
	}
}

// TestPostsWithoutTheFormsTokenAreRefused: CSRF token, Origin and
// Sec-Fetch-Site, on a signed-in session and before sign-in.
func TestPostsWithoutTheFormsTokenAreRefused(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	b := d.browser(t, "ua")
	wantStatus(t, "setup without token", b.post("/app/setup", url.Values{"token": {servertest.AdminToken}, "email": {opEmail}, "password": {opPassword}}), http.StatusForbidden)
	if need, _ := d.Store.GetSetting(t.Context(), "dashboard_operator"); need != "" {
		t.Fatal("a refused setup created the operator")
	}
	b.setup()
	other := d.browser(t, "other")
	other.login(opEmail, opPassword)
	token := csrfField.FindStringSubmatch(b.get("/app/account").Body)[1]
	for name, tc := range map[string]struct {
		form    url.Values
		headers []string
	}{
		"no token":          {url.Values{}, nil},
		"wrong token":       {url.Values{"csrf": {"x" + token[1:]}}, nil},
		"foreign Origin":    {url.Values{"csrf": {token}}, []string{"Origin", "https://evil.example"}},
		"cross-site fetch":  {url.Values{"csrf": {token}}, []string{"Sec-Fetch-Site", "cross-site"}},
		"other tab's token": {url.Values{"csrf": {csrfField.FindStringSubmatch(other.get("/app/account").Body)[1]}}, nil},
	} {
		p := b.post("/app/account/sessions/revoke-others", tc.form, tc.headers...)
		wantStatus(t, name, p, http.StatusForbidden)
		wantBody(t, name, p, "The form has expired.")
	}
	wantStatus(t, "other browser still signed in", other.get("/app/"), http.StatusOK)
	p := b.post("/app/account/sessions/revoke-others", url.Values{"csrf": {token}}, "Origin", d.Base, "Sec-Fetch-Site", "same-origin")
	wantRedirect(t, "same-origin post with token", p, "/app/account")
	wantRedirect(t, "other browser signed out", other.get("/app/"), "/app/login")
}

// TestFailedSignInsLockTheAccountThenTheAddress: five wrong passwords lock
// the account (429 with Retry-After, even for the right password) until
// the window passes; twenty from one address lock the address for every
// account. The clock moves; nothing waits.
func TestFailedSignInsLockTheAccountThenTheAddress(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		d := startDash(t, newStore(t), nil)
		b := d.browser(t, "ua")
		b.setup()
		b.submit("/app/", "/app/logout", nil)
		for i := range 5 {
			wantStatus(t, "wrong password "+strconv.Itoa(i), b.login(opEmail, "wrong"), http.StatusUnauthorized)
		}
		p := b.login(opEmail, opPassword)
		wantStatus(t, "right password while locked", p, http.StatusTooManyRequests)
		retry, err := strconv.Atoi(p.Header.Get("Retry-After"))
		if err != nil || retry < 1 || retry > 15*60 {
			t.Fatalf("Retry-After %q", p.Header.Get("Retry-After"))
		}
		wantBody(t, "locked", p, "Too many failed attempts.")
		d.clock.Add(time.Duration(retry) * time.Second)
		wantRedirect(t, "after the lockout", b.login(opEmail, opPassword), "/app/")

		// Another window: 20 failures over many accounts from one address.
		d.clock.Add(15 * time.Minute)
		guesser := d.browser(t, "guesser")
		for i := range 20 {
			wantStatus(t, "guess", guesser.login("user"+strconv.Itoa(i)+"@example.com", "x"), http.StatusUnauthorized)
		}
		wantStatus(t, "address locked", guesser.login(opEmail, opPassword), http.StatusTooManyRequests)
	})
}

// TestSessionsEndWhenIdleAndAtTheirAbsoluteEnd: 14 days without a visit
// end a session; a session in daily use still ends at 30 days.
func TestSessionsEndWhenIdleAndAtTheirAbsoluteEnd(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		d := startDash(t, newStore(t), nil)
		b := d.browser(t, "ua")
		b.setup()
		d.clock.Add(14*24*time.Hour - time.Minute)
		wantStatus(t, "13.99 days idle", b.get("/app/"), http.StatusOK)
		d.clock.Add(14 * 24 * time.Hour)
		wantRedirect(t, "14 days idle", b.get("/app/"), "/app/login")

		wantRedirect(t, "sign in", b.login(opEmail, opPassword), "/app/")
		for day := 1; day < 30; day++ {
			d.clock.Add(24 * time.Hour)
			wantStatus(t, "day "+strconv.Itoa(day), b.get("/app/"), http.StatusOK)
		}
		d.clock.Add(24 * time.Hour)
		wantRedirect(t, "day 30", b.get("/app/"), "/app/login")
	})
}

// TestRequiredTwoStepSignInComesFirst: with BECKON_REQUIRE_2FA a user
// without TOTP can open nothing but the enrolment.
func TestRequiredTwoStepSignInComesFirst(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), func(c *config.Config) { c.Dashboard.Require2FA = true })
	b := d.browser(t, "ua")
	b.setup()
	for _, path := range []string{"/app/", "/app/account"} {
		wantRedirect(t, path, b.get(path), "/app/account/2fa")
	}
	wantBody(t, "enrol page says why", b.get("/app/account/2fa"), "The operator requires two-step sign-in.")
	b.enrolTOTP()
	wantStatus(t, "after enrolment", b.get("/app/"), http.StatusOK)
	p := b.submit("/app/account", "/app/account/2fa/disable", nil)
	wantStatus(t, "turning it off when required", p, http.StatusUnprocessableEntity)
}

// TestSetupCutOffIsFinishedByTheNext: a setup that claimed the operator's
// ID but never stored the account (a crash between the two) does not lock
// the server out; the next setup finishes it, once.
func TestSetupCutOffIsFinishedByTheNext(t *testing.T) {
	t.Parallel()
	st := servertest.NewStore(t, "embedded")
	if _, err := st.SetSettingIfAbsent(t.Context(), "dashboard_operator", "u_claimed"); err != nil {
		t.Fatal(err)
	}
	d := startDash(t, st, nil)
	b := d.browser(t, "ua")
	wantRedirect(t, "login", b.get("/app/login"), "/app/setup")
	b.setup()
	if id := userID(t, d, opEmail); id != "u_claimed" {
		t.Fatalf("operator's ID %q, want the claimed one", id)
	}
	wantRedirect(t, "setup again", d.browser(t, "x").get("/app/setup"), "/app/login")
	p := d.browser(t, "x").submit("/app/login", "/app/setup", url.Values{"token": {servertest.AdminToken}, "email": {"second@example.com"}, "password": {opPassword}})
	wantRedirect(t, "a second setup", p, "/app/login")
	if _, err := d.Store.UserByEmail(t.Context(), "second@example.com"); err == nil {
		t.Fatal("a second setup made a second operator")
	}
}
