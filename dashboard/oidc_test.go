package dashboard_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/accounts/oidctest"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// follow requests an absolute URL (the provider's pages) and returns
// where it redirects.
func (b *browser) follow(raw string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, raw, nil)
	return b.do(req)
}

// signInWithProvider runs the code flow: /app/oidc/start, the provider's
// authorize endpoint, our callback. It returns the callback's answer.
func (b *browser) signInWithProvider(p *oidctest.Provider) page {
	b.t.Helper()
	start := b.get("/app/oidc/start")
	to, err := url.Parse(start.Header.Get("Location"))
	if start.Status != http.StatusSeeOther || err != nil || !strings.HasPrefix(to.String(), p.URL+"/authorize") {
		b.t.Fatalf("start: %d to %q", start.Status, start.Header.Get("Location"))
	}
	q := to.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("state") == "" || q.Get("nonce") == "" {
		b.t.Fatalf("authorization request lacks PKCE, state or nonce: %s", to)
	}
	back := b.follow(to.String())
	if back.Status != http.StatusFound {
		b.t.Fatalf("provider: %d %s", back.Status, back.Body)
	}
	return b.follow(back.Header.Get("Location"))
}

// TestSignInWithOIDC, on both stores, against a local provider: an invited
// e-mail signs in and joins its site; a known e-mail signs in; unknown or
// unverified e-mails and a callback without its flow are refused.
func TestSignInWithOIDC(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		prov := oidctest.Start(t.Cleanup)
		d := startDash(t, newStore(t), func(c *config.Config) {
			c.Dashboard = config.Dashboard{OIDCIssuer: prov.URL, OIDCClientID: prov.ClientID, OIDCClientSecret: prov.ClientSecret, OIDCName: "Keycloak"}
		})
		site := d.CreateSite("Shop", "https://shop.example")["id"].(string)
		op := d.browser(t, "operator")
		op.setup()
		op.submit("/app/", "/app/logout", nil)
		wantBody(t, "login page", op.get("/app/login"), "Sign in with Keycloak", `href="/app/oidc/start"`)
		op.invite2(t, site)

		prov.SignInAs("stranger@example.com", true)
		stranger := d.browser(t, "stranger")
		p := stranger.signInWithProvider(prov)
		wantStatus(t, "unknown e-mail", p, http.StatusUnauthorized)
		wantBody(t, "unknown e-mail", p, "Ask the person who runs Beckon for an invite.")
		wantRedirect(t, "stranger not signed in", stranger.get("/app/"), "/app/login")

		prov.SignInAs("Invited@Example.com", false)
		wantStatus(t, "unverified e-mail", d.browser(t, "x").signInWithProvider(prov), http.StatusUnauthorized)

		prov.SignInAs("invited@example.com", true)
		invited := d.browser(t, "invited")
		wantRedirect(t, "invited e-mail", invited.signInWithProvider(prov), "/app/")
		wantBody(t, "invited member's sites", invited.get("/app/"), "Shop", "Manager")
		// Again, now as an existing account.
		again := d.browser(t, "again")
		wantRedirect(t, "existing account", again.signInWithProvider(prov), "/app/")

		prov.SignInAs(opEmail, true)
		wantRedirect(t, "operator", op.signInWithProvider(prov), "/app/")
		wantBody(t, "operator signed in", op.get("/app/"), "Your sites", "Operator")

		forged := d.browser(t, "forged")
		p = forged.get("/app/oidc/callback?state=abc&code=def")
		wantStatus(t, "callback without its flow", p, http.StatusUnauthorized)
		if prov.Exchanges != 5 {
			t.Fatalf("%d codes exchanged, want 5 (the forged callback must not reach the provider)", prov.Exchanges)
		}
	})
}

// invite2 invites invited@example.com as a manager of site.
func (b *browser) invite2(t *testing.T, site string) {
	t.Helper()
	wantRedirect(t, "operator signs in", b.login(opEmail, opPassword), "/app/")
	b.invite(site, "invited@example.com", store.RoleManager)
}
