package dashboard

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// form is what a sign-in form shows again after an error.
type form struct {
	Email string
}

func (h *handler) setupPage(c *fiber.Ctx) error {
	need, err := h.acc.NeedsSetup(c.UserContext())
	if err != nil {
		return h.fail(c, err)
	}
	if !need {
		h.flash(c, "setup_done")
		return c.Redirect("/app/login", http.StatusSeeOther)
	}
	return h.render(c, http.StatusOK, "setup", "setup_title", form{})
}

// setup creates the operator's account: whoever has the admin token runs
// this server, so they may.
func (h *handler) setup(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := form{Email: c.FormValue("email")}
	sum := sha256.Sum256([]byte(c.FormValue("token")))
	if subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(h.AdminTokenHash)) != 1 {
		return h.render(c, http.StatusUnprocessableEntity, "setup", "setup_title", f, "bad_admin_token")
	}
	email, ok := accounts.NormalizeEmail(f.Email)
	if !ok {
		return h.render(c, http.StatusUnprocessableEntity, "setup", "setup_title", f, "bad_email")
	}
	pw := c.FormValue("password")
	if bad := accounts.CheckPassword(pw); bad != "" {
		return h.render(c, http.StatusUnprocessableEntity, "setup", "setup_title", f, bad)
	}
	u, err := h.acc.SetupOperator(ctx, email, pw, h.lang(c).Code)
	if errors.Is(err, accounts.ErrSetupDone) {
		h.flash(c, "setup_done")
		return c.Redirect("/app/login", http.StatusSeeOther)
	}
	if err != nil {
		return h.fail(c, err)
	}
	return h.startSession(c, u, false, "setup", "/app/")
}

func (h *handler) loginPage(c *fiber.Ctx) error {
	if s, ok := session(c); ok && !s.Pending2FA {
		return c.Redirect("/app/", http.StatusSeeOther)
	}
	if need, err := h.acc.NeedsSetup(c.UserContext()); err == nil && need {
		return c.Redirect("/app/setup", http.StatusSeeOther)
	}
	return h.render(c, http.StatusOK, "login", "login_title", form{})
}

func (h *handler) login(c *fiber.Ctx) error {
	f := form{Email: c.FormValue("email")}
	u, err := h.acc.Authenticate(c.UserContext(), f.Email, c.FormValue("password"), h.ClientIP(c))
	var locked *accounts.LockedError
	switch {
	case errors.As(err, &locked):
		return h.lockedPage(c, "login", "login_title", f, locked)
	case errors.Is(err, accounts.ErrBadCredentials):
		return h.render(c, http.StatusUnauthorized, "login", "login_title", f, "bad_credentials")
	case err != nil:
		return h.fail(c, err)
	}
	if u.TOTPSecret != "" {
		return h.startSession(c, u, true, "", "/app/login/2fa")
	}
	return h.startSession(c, u, false, "password", "/app/")
}

// lockedPage answers 429 with Retry-After and the wait in words.
func (h *handler) lockedPage(c *fiber.Ctx, page, title string, data any, locked *accounts.LockedError) error {
	// Rounded up: a client that waits exactly this long is let in.
	secs := int((locked.RetryAfter + time.Second - 1) / time.Second)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(secs, 1)))
	l := h.lang(c)
	s, ok := session(c)
	p := Page{L: l, Title: l.T(title), User: user(c), SignedIn: ok && !s.Pending2FA, CSRF: h.csrfToken(c),
		Path: c.Path(), Style: StyleURL(), Data: data,
		Error: l.F("locked", "minutes", max(1, (secs+59)/60))}
	if h.oidc != nil {
		p.OIDCName = h.oidc.Name
	}
	return h.renderPage(c, http.StatusTooManyRequests, page, p)
}

// startSession signs u in on this browser (a fresh session id: never one
// the browser had before) and redirects to next.
func (h *handler) startSession(c *fiber.Ctx, u store.User, pending2FA bool, method, next string) error {
	if old, ok := session(c); ok {
		h.acc.Revoke(c.UserContext(), old.UserID, old.IDHash)
	}
	token, _, err := h.acc.NewSession(c.UserContext(), u, pending2FA, method, c.Get(fiber.HeaderUserAgent), h.ClientIP(c))
	if err != nil {
		return h.fail(c, err)
	}
	h.setCookie(c, h.sessionCookieName(), token, h.acc.AbsoluteTimeout)
	h.setCookie(c, csrfCookie, "", -1)
	return c.Redirect(next, http.StatusSeeOther)
}

func (h *handler) secondStepPage(c *fiber.Ctx) error {
	s, ok := session(c)
	if !ok {
		return c.Redirect("/app/login", http.StatusSeeOther)
	}
	if !s.Pending2FA {
		return c.Redirect("/app/", http.StatusSeeOther)
	}
	return h.render(c, http.StatusOK, "twofa", "twofa_title", nil)
}

func (h *handler) secondStep(c *fiber.Ctx) error {
	s, ok := session(c)
	if !ok {
		return c.Redirect("/app/login", http.StatusSeeOther)
	}
	if !s.Pending2FA {
		return c.Redirect("/app/", http.StatusSeeOther)
	}
	err := h.acc.SecondFactor(c.UserContext(), user(c), s, c.FormValue("code"), h.ClientIP(c))
	var locked *accounts.LockedError
	switch {
	case errors.As(err, &locked):
		return h.lockedPage(c, "twofa", "twofa_title", nil, locked)
	case errors.Is(err, accounts.ErrBadCode):
		return h.render(c, http.StatusUnauthorized, "twofa", "twofa_title", nil, "bad_code")
	case err != nil:
		return h.fail(c, err)
	}
	return c.Redirect("/app/", http.StatusSeeOther)
}

// logoutPage asks to confirm: signing out is a POST with the form's token,
// so no other site can sign a person out with a link.
func (h *handler) logoutPage(c *fiber.Ctx) error {
	if _, ok := session(c); !ok {
		return c.Redirect("/app/login", http.StatusSeeOther)
	}
	return h.render(c, http.StatusOK, "logout", "nav_sign_out", nil)
}

func (h *handler) logout(c *fiber.Ctx) error {
	if s, ok := session(c); ok {
		if err := h.acc.Revoke(c.UserContext(), s.UserID, s.IDHash); err != nil && !errors.Is(err, store.ErrNotFound) {
			return h.fail(c, err)
		}
	}
	h.setCookie(c, h.sessionCookieName(), "", -1)
	h.flash(c, "signed_out")
	return c.Redirect("/app/login", http.StatusSeeOther)
}

// oidcStart sends the browser to the provider, remembering state, nonce
// and PKCE verifier in a 10-minute cookie.
func (h *handler) oidcStart(c *fiber.Ctx) error {
	if h.oidc == nil {
		return h.notFound(c)
	}
	url, flow, err := h.oidc.Start(c.UserContext())
	if err != nil {
		return h.fail(c, err)
	}
	h.setCookie(c, oidcCookie, flow.Encode(), 10*time.Minute)
	return c.Redirect(url, http.StatusSeeOther)
}

func (h *handler) oidcCallback(c *fiber.Ctx) error {
	if h.oidc == nil {
		return h.notFound(c)
	}
	flow, ok := accounts.DecodeOIDCFlow(c.Cookies(oidcCookie))
	h.setCookie(c, oidcCookie, "", -1)
	refuse := func(err error) error {
		h.Log.Warn("dashboard: oidc sign-in refused", "err", err)
		l := h.lang(c)
		p := Page{L: l, Title: l.T("login_title"), CSRF: h.csrfToken(c), Path: c.Path(), Style: StyleURL(),
			OIDCName: h.oidc.Name, Data: form{}, Error: l.F("oidc_failed", "name", h.oidc.Name)}
		return h.renderPage(c, http.StatusUnauthorized, "login", p)
	}
	if !ok {
		return refuse(errors.New("no flow cookie"))
	}
	email, err := h.oidc.Finish(c.UserContext(), flow, c.Query("state"), c.Query("code"))
	if err != nil {
		return refuse(err)
	}
	u, err := h.acc.OIDCUser(c.UserContext(), email, h.ClientIP(c))
	if errors.Is(err, accounts.ErrBadCredentials) {
		return refuse(err)
	}
	if err != nil {
		return h.fail(c, err)
	}
	// The provider vouched for the person, with its own factors:
	// Beckon's second step is for password sign-ins.
	return h.startSession(c, u, false, "oidc", "/app/")
}
