// Package dashboard serves the owner's dashboard at /app: server-rendered
// pages (html/template), one stylesheet, no script, a strict CSP on every
// response. This session's pages are the foundation: first-run setup,
// sign-in with a second step, the account (password, two-step sign-in,
// sessions), the sites a person may see and their people. Later pages use
// the same shell (layout.html), the same guards (signedIn, site) and the
// same i18n (i18n/dashboard.json).
package dashboard

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// Deps is what the dashboard needs from the server.
type Deps struct {
	Store store.Store
	Log   *slog.Logger
	Cfg   config.Config
	// AdminTokenHash is the SHA-256 (hex) of the operator's token, which
	// the first-run setup asks for.
	AdminTokenHash string
	// ClientIP is the client's address, proxies considered.
	ClientIP func(c *fiber.Ctx) string
	// Now is the clock (nil: time.Now); tests move it past timeouts.
	Now func() time.Time
	// Mailer, when set, e-mails invite links too (nil: the link is shown
	// to copy, which always happens).
	Mailer func(ctx context.Context, to, subject, body string) error
	// Sites makes site and API key changes as the admin API does (nil:
	// the pages that change them answer 404).
	Sites SiteEditor
	// Flush writes what this replica still queues for the reports (A/B
	// exposures, widget views), so the results and analytics pages count
	// every visitor served, as the API does (nil: nothing is queued).
	Flush func(ctx context.Context)
	// Accounts is the sign-in service shared with the admin API, which
	// accepts this dashboard's sessions (nil: one of its own).
	Accounts *accounts.Service
	// Widgets gives the widget editor the served types and the preview
	// (nil: the widget pages answer 404).
	Widgets WidgetPreviewer
}

// handler holds the dashboard's state.
type handler struct {
	Deps
	acc    *accounts.Service
	oidc   *accounts.OIDC // nil when not configured
	secure bool           // the public URL is HTTPS: Secure, __Host- cookies
	pages  *pages
}

// Mount adds /app and its assets to app.
func Mount(app fiber.Router, d Deps) error {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ClientIP == nil {
		d.ClientIP = func(c *fiber.Ctx) string { return c.IP() }
	}
	if d.Mailer == nil && d.Cfg.SMTPURL != "" {
		smtp, err := notify.ParseSMTPURL(d.Cfg.SMTPURL, d.Cfg.SMTPFrom)
		if err != nil {
			return fmt.Errorf("dashboard: %w", err)
		}
		d.Mailer = smtpMailer(smtp)
	}
	p, err := loadPages()
	if err != nil {
		return err
	}
	if d.Accounts == nil {
		d.Accounts = accounts.NewService(accounts.Service{Store: d.Store, Log: d.Log, Now: d.Now, Require2FA: d.Cfg.Dashboard.Require2FA})
	}
	h := &handler{
		Deps:   d,
		acc:    d.Accounts,
		secure: strings.HasPrefix(d.Cfg.PublicURL, "https://"),
		pages:  p,
	}
	if dc := d.Cfg.Dashboard; dc.OIDCEnabled() {
		h.oidc = accounts.NewOIDC(dc.OIDCName, dc.OIDCIssuer, dc.OIDCClientID, dc.OIDCClientSecret, d.Cfg.PublicURL+"/app/oidc/callback")
	}
	g := app.Group("/app", securityHeaders, h.loadSession, h.guardPost)
	g.Get("/static/:file", serveStatic)

	g.Get("/setup", h.setupPage)
	g.Post("/setup", h.setup)
	g.Get("/login", h.loginPage)
	g.Post("/login", h.login)
	g.Get("/login/2fa", h.secondStepPage)
	g.Post("/login/2fa", h.secondStep)
	g.Get("/logout", h.logoutPage)
	g.Post("/logout", h.logout)
	g.Get("/oidc/start", h.oidcStart)
	g.Get("/oidc/callback", h.oidcCallback)
	g.Get("/invite/:token", h.invitePage)
	g.Post("/invite/:token", h.acceptInvite)
	h.mountAnalytics(g)

	u := g.Group("", h.signedIn)
	h.mountSites(u)
	u.Get("/account", h.accountPage)
	u.Post("/account/password", h.changePassword)
	u.Get("/account/2fa", h.enrolPage)
	u.Post("/account/2fa", h.enrol)
	u.Post("/account/2fa/disable", h.disable2FA)
	u.Post("/account/sessions/:id/revoke", h.revokeSession)
	u.Post("/account/sessions/revoke-others", h.signOutEverywhere)
	u.Get("/sites/:id/people", h.peoplePage)
	u.Post("/sites/:id/people/invite", h.invite)
	u.Post("/sites/:id/people/:uid/role", h.changeRole)
	u.Post("/sites/:id/people/:uid/remove", h.removeMember)
	u.Post("/sites/:id/invites/:hash/revoke", h.revokeInvite)
	h.mountInbox(u)
	h.mountTelephony(u)
	h.mountNotifications(u)
	h.mountReviews(u)
	h.mountCodes(u)
	h.mountExperiment(u)
	h.mountWidgets(u)
	h.mountQuizBuilder(u)
	g.Use(func(c *fiber.Ctx) error { return h.notFound(c) })
	return nil
}
