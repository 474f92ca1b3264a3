package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/dashboard"
	"github.com/beckonhq/beckon/store"
)

// roleScopes is what a dashboard role may do through the admin API: an
// owner everything of the site, a manager the inbox and reading.
var roleScopes = map[string][]string{
	store.RoleOwner:   api.Scopes,
	store.RoleManager: {"site:read", "widgets:read", "leads:read", "leads:write", "deliveries:read"},
}

// inboxAPI are the admin API's lead, callback and visitor routes.
var inboxAPI = regexp.MustCompile(`^/api/v1/sites/[^/]+/(leads|callbacks|visitors)([/.]|$)`)

// managerOutsideInbox is a manager's scopes on inboxAPI: none of leads.
var managerOutsideInbox = []string{"site:read", "widgets:read", "deliveries:read"}

// sessionCaller lets the dashboard's scripts call /api/v1 as the signed-in
// person: the session cookie plus the page's CSRF token in X-CSRF-Token
// (a header no other site can make a browser send), from our own origin.
// ok is false when the request carries no session cookie at all, so the
// bearer token's error is the one a client of the API sees.
func (s *Server) sessionCaller(c *fiber.Ctx) (who api.Caller, ok bool, err error) {
	token := c.Cookies(dashboard.SessionCookieName(s.cfg.PublicURL))
	if token == "" {
		return who, false, nil
	}
	refuse := func(msg string) (api.Caller, bool, error) {
		return who, true, &api.Error{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
	}
	if !dashboard.FromOwnOrigin(c, s.cfg.PublicOrigin()) {
		return refuse("a dashboard session may call the API from the dashboard only")
	}
	sess, u, err := s.accounts().Session(c.UserContext(), token)
	if errors.Is(err, accounts.ErrNoSession) {
		return who, true, &api.Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "the dashboard session ended; sign in again"}
	}
	if err != nil {
		return who, true, err
	}
	if sess.Pending2FA {
		return who, true, &api.Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "finish the second sign-in step first"}
	}
	got := c.Get("X-CSRF-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
		return refuse("missing or wrong X-CSRF-Token: send the page's csrf-token meta value")
	}
	if s.cfg.Dashboard.Require2FA && u.TOTPSecret == "" && u.PasswordHash != "" {
		return refuse("two-step sign-in is required: enrol it in the dashboard first")
	}
	who = api.Caller{Admin: u.Operator, User: &u, Lang: dashboard.Language(c, u.Locale), SiteScopes: func(ctx context.Context, siteID string) ([]string, error) {
		m, err := s.store.GetMembership(ctx, siteID, u.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if m.Role == store.RoleManager && inboxAPI.MatchString(c.Path()) {
			// A manager's inbox is the dashboard's, which holds their own
			// callbacks only; the API's lists would show everyone's.
			return managerOutsideInbox, nil
		}
		return roleScopes[m.Role], nil
	}}
	return who, true, nil
}

// accounts is the sign-in service the API shares with the dashboard's
// sessions, made on first use (its dummy hash costs one argon2 run).
func (s *Server) accounts() *accounts.Service {
	s.accOnce.Do(func() {
		s.acc = accounts.NewService(accounts.Service{Store: s.store, Log: s.log, Now: s.clock, Require2FA: s.cfg.Dashboard.Require2FA})
	})
	return s.acc
}
