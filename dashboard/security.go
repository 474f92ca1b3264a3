package dashboard

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// CSP is every dashboard response's Content-Security-Policy: nothing but
// the server's own files, no inline script or style, no framing. QR codes
// are data: images.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// securityHeaders sets the headers of every /app response.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", CSP)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	if !strings.HasPrefix(c.Path(), "/app/static/") {
		// Pages show personal data: never cached where another person
		// could see them.
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Next()
}

// Cookie names. On HTTPS the session cookie is a __Host- cookie: the
// browser then insists on Secure, Path=/ and no Domain, so no sibling
// subdomain can set or shadow it.
const (
	sessionCookie     = "beckon_session"
	hostSessionCookie = "__Host-beckon_session"
	csrfCookie        = "beckon_csrf"
	flashCookie       = "beckon_flash"
	langCookie        = "beckon_lang"
	oidcCookie        = "beckon_oidc"
)

func (h *handler) sessionCookieName() string { return SessionCookieName(h.Cfg.PublicURL) }

// SessionCookieName is the session cookie's name for a public URL; the
// admin API reads it to accept the dashboard's own calls.
func SessionCookieName(publicURL string) string {
	if strings.HasPrefix(publicURL, "https://") {
		return hostSessionCookie
	}
	return sessionCookie
}

// setCookie sets an HttpOnly, SameSite=Lax cookie; maxAge < 0 deletes it.
func (h *handler) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: h.secure}
	if maxAge < 0 {
		ck.Expires = time.Unix(1, 0)
		ck.MaxAge = -1
	} else if maxAge > 0 {
		ck.MaxAge = int(maxAge / time.Second)
	}
	c.Cookie(ck)
}

// Locals keys.
const (
	localSession = "dash.session"
	localUser    = "dash.user"
)

// loadSession finds the browser's session, if any. A session that ended
// clears the cookie.
func (h *handler) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(h.sessionCookieName())
	if token == "" {
		return c.Next()
	}
	sess, u, err := h.acc.Session(c.UserContext(), token)
	if errors.Is(err, accounts.ErrNoSession) {
		h.setCookie(c, h.sessionCookieName(), "", -1)
		return c.Next()
	}
	if err != nil {
		return h.fail(c, err)
	}
	c.Locals(localSession, sess)
	c.Locals(localUser, u)
	return c.Next()
}

func session(c *fiber.Ctx) (store.Session, bool) {
	s, ok := c.Locals(localSession).(store.Session)
	return s, ok
}

func user(c *fiber.Ctx) store.User {
	u, _ := c.Locals(localUser).(store.User)
	return u
}

// csrfToken is the token a form of this page carries: the session's, or
// before sign-in a random one in a cookie of its own (double submit).
func (h *handler) csrfToken(c *fiber.Ctx) string {
	if s, ok := session(c); ok {
		return s.CSRFToken
	}
	if t := c.Cookies(csrfCookie); len(t) == 43 {
		return t
	}
	t := accounts.NewToken()
	h.setCookie(c, csrfCookie, t, 0)
	c.Request().Header.SetCookie(csrfCookie, t) // a form rendered twice in one request keeps one token
	return t
}

// guardPost refuses a POST from another site: its Origin (or, from
// browsers that send it, Sec-Fetch-Site) must be ours, and its form must
// carry the page's CSRF token (a script's fetch sends it as X-CSRF-Token,
// from the page's <meta name="csrf-token">). Both are 403.
func (h *handler) guardPost(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost {
		return c.Next()
	}
	if !FromOwnOrigin(c, h.Cfg.PublicOrigin()) {
		return h.forbidden(c)
	}
	want := c.Cookies(csrfCookie)
	if s, ok := session(c); ok {
		want = s.CSRFToken
	}
	got := c.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("csrf")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return h.forbidden(c)
	}
	return c.Next()
}

// FromOwnOrigin reports whether a browser's request comes from a page of
// Beckon itself: its Sec-Fetch-Site (browsers that send it) and its Origin
// (when sent) say so. The dashboard's forms and the admin API's session
// calls both ask it.
func FromOwnOrigin(c *fiber.Ctx, publicOrigin string) bool {
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	o := c.Get(fiber.HeaderOrigin)
	return o == "" || o == publicOrigin || o == c.BaseURL()
}

func (h *handler) forbidden(c *fiber.Ctx) error {
	return h.errorPage(c, http.StatusForbidden, "csrf")
}

// signedIn lets through a person who completed sign-in. One still owing
// the second step goes to it; one who must enrol two-step sign-in first
// (BECKON_REQUIRE_2FA, password accounts) goes to enrol.
func (h *handler) signedIn(c *fiber.Ctx) error {
	s, ok := session(c)
	if !ok {
		return c.Redirect("/app/login", http.StatusSeeOther)
	}
	if s.Pending2FA {
		return c.Redirect("/app/login/2fa", http.StatusSeeOther)
	}
	u := user(c)
	if h.acc.Require2FA && u.TOTPSecret == "" && u.PasswordHash != "" && c.Path() != "/app/account/2fa" {
		h.flash(c, "twofa_required")
		return c.Redirect("/app/account/2fa", http.StatusSeeOther)
	}
	return c.Next()
}
