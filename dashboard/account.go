package dashboard

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// accountData is the account page's.
type accountData struct {
	Sessions    []store.Session
	Current     string // the id hash of this browser's session
	TOTP        bool
	Recovery    int
	Require2FA  bool
	HasPassword bool
}

func (h *handler) accountData(c *fiber.Ctx) (accountData, error) {
	u := user(c)
	s, _ := session(c)
	list, err := h.acc.Sessions(c.UserContext(), u.ID)
	return accountData{Sessions: list, Current: s.IDHash, TOTP: u.TOTPSecret != "", Recovery: len(u.RecoveryHashes),
		Require2FA: h.acc.Require2FA, HasPassword: u.PasswordHash != ""}, err
}

func (h *handler) accountPage(c *fiber.Ctx) error {
	d, err := h.accountData(c)
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "account", "account_title", d)
}

func (h *handler) accountError(c *fiber.Ctx, status int, key string) error {
	d, err := h.accountData(c)
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, status, "account", "account_title", d, key)
}

func (h *handler) changePassword(c *fiber.Ctx) error {
	next := c.FormValue("new")
	if bad := accounts.CheckPassword(next); bad != "" {
		return h.accountError(c, http.StatusUnprocessableEntity, bad)
	}
	s, _ := session(c)
	err := h.acc.ChangePassword(c.UserContext(), user(c), c.FormValue("current"), next, s.IDHash, h.ClientIP(c))
	if errors.Is(err, accounts.ErrBadCredentials) {
		return h.accountError(c, http.StatusUnprocessableEntity, "bad_credentials")
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.flash(c, "password_changed")
	return c.Redirect("/app/account", http.StatusSeeOther)
}

// enrolData is the enrolment page's: the secret travels in the form (it
// is the person's own, shown as a QR code anyway) until a code proves the
// app has it.
type enrolData struct {
	accounts.Enrolment
	Codes []string // after confirming: the recovery codes, shown once
}

func (h *handler) enrolPage(c *fiber.Ctx) error {
	if user(c).TOTPSecret != "" {
		return c.Redirect("/app/account", http.StatusSeeOther)
	}
	e, err := accounts.BeginTOTP(user(c))
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "enrol", "enrol_title", enrolData{Enrolment: e})
}

func (h *handler) enrol(c *fiber.Ctx) error {
	u := user(c)
	if u.TOTPSecret != "" {
		return c.Redirect("/app/account", http.StatusSeeOther)
	}
	secret := c.FormValue("secret")
	codes, err := h.acc.ConfirmTOTP(c.UserContext(), u, secret, c.FormValue("code"))
	if errors.Is(err, accounts.ErrBadCode) {
		// The same secret again, so the app scanned a moment ago still fits.
		e, err := accounts.EnrolmentOf(u, secret)
		if errors.Is(err, accounts.ErrBadCode) {
			e, err = accounts.BeginTOTP(u) // not a secret of ours: start over
		}
		if err != nil {
			return h.fail(c, err)
		}
		return h.render(c, http.StatusUnprocessableEntity, "enrol", "enrol_title", enrolData{Enrolment: e}, "bad_code")
	}
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "recovery", "recovery_title", enrolData{Codes: codes})
}

func (h *handler) disable2FA(c *fiber.Ctx) error {
	if h.acc.Require2FA {
		return h.accountError(c, http.StatusUnprocessableEntity, "twofa_required")
	}
	if err := h.acc.DisableTOTP(c.UserContext(), user(c)); err != nil {
		return h.fail(c, err)
	}
	h.flash(c, "twofa_disabled")
	return c.Redirect("/app/account", http.StatusSeeOther)
}

func (h *handler) revokeSession(c *fiber.Ctx) error {
	err := h.acc.Revoke(c.UserContext(), user(c).ID, c.Params("id"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	s, _ := session(c)
	if c.Params("id") == s.IDHash {
		h.setCookie(c, h.sessionCookieName(), "", -1)
		return c.Redirect("/app/login", http.StatusSeeOther)
	}
	h.flash(c, "session_revoked")
	return c.Redirect("/app/account", http.StatusSeeOther)
}

func (h *handler) signOutEverywhere(c *fiber.Ctx) error {
	s, _ := session(c)
	if err := h.acc.SignOutEverywhere(c.UserContext(), s.UserID, s.IDHash); err != nil {
		return h.fail(c, err)
	}
	h.flash(c, "signed_out_everywhere")
	return c.Redirect("/app/account", http.StatusSeeOther)
}
