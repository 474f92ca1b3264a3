package dashboard

import (
	"errors"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// site loads the route's site when the user may do a there. Anything else
// is 404 (not 403): a person of site A cannot learn that site B exists.
func (h *handler) site(c *fiber.Ctx, a accounts.Action) (store.Site, bool, error) {
	ok, err := h.acc.Can(c.UserContext(), user(c), c.Params("id"), a)
	if err != nil || !ok {
		return store.Site{}, false, err
	}
	site, err := h.Store.GetSite(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) {
		return site, false, nil
	}
	return site, err == nil, err
}

func (h *handler) roleOn(c *fiber.Ctx, siteID string) string {
	m, err := h.Store.GetMembership(c.UserContext(), siteID, user(c).ID)
	if err == nil {
		return m.Role
	}
	if user(c).Operator {
		return "operator"
	}
	return ""
}

// person is a member as the people page shows them.
type person struct {
	store.Membership
	Email string
	Self  bool
}

type peopleData struct {
	Site      store.Site
	People    []person
	Invites   []store.Invite
	Manage    bool
	Roles     []string
	NewLink   string // an invite link just made, shown once
	NewEmail  string
	Emailed   bool
	FormEmail string
}

func (h *handler) peopleData(c *fiber.Ctx, site store.Site) (peopleData, error) {
	ctx := c.UserContext()
	d := peopleData{Site: site, Roles: []string{store.RoleOwner, store.RoleManager}}
	d.Manage, _ = h.acc.Can(ctx, user(c), site.ID, accounts.ManagePeople)
	ms, err := h.Store.ListMembers(ctx, site.ID)
	if err != nil {
		return d, err
	}
	for _, m := range ms {
		u, err := h.Store.GetUser(ctx, m.UserID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return d, err
		}
		d.People = append(d.People, person{Membership: m, Email: u.Email, Self: u.ID == user(c).ID})
	}
	if d.Manage {
		invs, err := h.Store.ListInvites(ctx, site.ID)
		if err != nil {
			return d, err
		}
		now := h.Now()
		d.Invites = slices.DeleteFunc(invs, func(inv store.Invite) bool { return !now.Before(inv.ExpiresAt) })
	}
	return d, nil
}

func (h *handler) peoplePage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	d, err := h.peopleData(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "people", "people", d)
}

// managedSite is site for the people forms: only who may manage people.
func (h *handler) managedSite(c *fiber.Ctx) (store.Site, bool, error) {
	return h.site(c, accounts.ManagePeople)
}

func (h *handler) peopleError(c *fiber.Ctx, site store.Site, status int, key string, email string) error {
	d, err := h.peopleData(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	d.FormEmail = email
	return h.render(c, status, "people", "people", d, key)
}

func (h *handler) invite(c *fiber.Ctx) error {
	site, ok, err := h.managedSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	raw, role := c.FormValue("email"), c.FormValue("role")
	email, valid := accounts.NormalizeEmail(raw)
	if !valid {
		return h.peopleError(c, site, http.StatusUnprocessableEntity, "bad_email", raw)
	}
	if !accounts.ValidRole(role) {
		return h.notFound(c)
	}
	token, _, err := h.acc.Invite(c.UserContext(), user(c), site.ID, email, role, h.ClientIP(c))
	if err != nil {
		return h.fail(c, err)
	}
	link := h.Cfg.PublicURL + "/app/invite/" + token
	d, err := h.peopleData(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	d.NewLink, d.NewEmail = link, email
	if h.Mailer != nil {
		l := h.lang(c)
		body := l.F("invite_mail", "inviter", user(c).Email, "site", site.Name, "role", l.RoleName(role), "link", link)
		if err := h.Mailer(c.UserContext(), email, l.F("accept_title", "site", site.Name)+" · Beckon", body); err != nil {
			h.Log.Warn("dashboard: e-mail invite", "site", site.ID, "err", err)
		} else {
			d.Emailed = true
		}
	}
	return h.render(c, http.StatusOK, "people", "people", d)
}

func (h *handler) changeRole(c *fiber.Ctx) error {
	site, ok, err := h.managedSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	uid, role := c.Params("uid"), c.FormValue("role")
	if uid == user(c).ID {
		return h.peopleError(c, site, http.StatusUnprocessableEntity, "cannot_remove_self", "")
	}
	m, err := h.Store.GetMembership(c.UserContext(), site.ID, uid)
	if errors.Is(err, store.ErrNotFound) || !accounts.ValidRole(role) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	m.Role = role
	if err := h.acc.SetRole(c.UserContext(), user(c), m, h.ClientIP(c)); err != nil {
		return h.fail(c, err)
	}
	h.flash(c, "role_changed")
	return c.Redirect("/app/sites/"+site.ID+"/people", http.StatusSeeOther)
}

func (h *handler) removeMember(c *fiber.Ctx) error {
	site, ok, err := h.managedSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	uid := c.Params("uid")
	if uid == user(c).ID {
		return h.peopleError(c, site, http.StatusUnprocessableEntity, "cannot_remove_self", "")
	}
	err = h.acc.RemoveMember(c.UserContext(), user(c), site.ID, uid, h.ClientIP(c))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.flash(c, "member_removed")
	return c.Redirect("/app/sites/"+site.ID+"/people", http.StatusSeeOther)
}

func (h *handler) revokeInvite(c *fiber.Ctx) error {
	site, ok, err := h.managedSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	err = h.Store.DeleteInvite(c.UserContext(), site.ID, c.Params("hash"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.audit(c, site.ID, "invite_revoked")
	h.flash(c, "invite_revoked")
	return c.Redirect("/app/sites/"+site.ID+"/people", http.StatusSeeOther)
}

// inviteData is the accept page's.
type inviteData struct {
	Invite store.Invite
	Site   string
	Exists bool
}

func (h *handler) openInvite(c *fiber.Ctx) (inviteData, error) {
	inv, exists, err := h.acc.OpenInvite(c.UserContext(), c.Params("token"))
	if err != nil {
		return inviteData{}, err
	}
	site, err := h.Store.GetSite(c.UserContext(), inv.SiteID)
	if errors.Is(err, store.ErrNotFound) {
		return inviteData{}, accounts.ErrInviteInvalid
	}
	return inviteData{Invite: inv, Site: site.Name, Exists: exists}, err
}

func (h *handler) invitePage(c *fiber.Ctx) error {
	d, err := h.openInvite(c)
	if errors.Is(err, accounts.ErrInviteInvalid) {
		return h.errorPage(c, http.StatusNotFound, "invite_invalid")
	}
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "invite", "accept", d)
}

func (h *handler) acceptInvite(c *fiber.Ctx) error {
	d, err := h.openInvite(c)
	if errors.Is(err, accounts.ErrInviteInvalid) {
		return h.errorPage(c, http.StatusNotFound, "invite_invalid")
	}
	if err != nil {
		return h.fail(c, err)
	}
	pw := c.FormValue("password")
	if !d.Exists {
		if bad := accounts.CheckPassword(pw); bad != "" {
			return h.render(c, http.StatusUnprocessableEntity, "invite", "accept", d, bad)
		}
	}
	u, err := h.acc.AcceptInvite(c.UserContext(), c.Params("token"), pw, h.lang(c).Code, h.ClientIP(c))
	var locked *accounts.LockedError
	switch {
	case errors.As(err, &locked):
		return h.lockedPage(c, "invite", "accept", d, locked)
	case errors.Is(err, accounts.ErrBadCredentials):
		return h.render(c, http.StatusUnauthorized, "invite", "accept", d, "bad_credentials")
	case errors.Is(err, accounts.ErrInviteInvalid):
		return h.errorPage(c, http.StatusNotFound, "invite_invalid")
	case err != nil:
		return h.fail(c, err)
	}
	if u.TOTPSecret != "" {
		return h.startSession(c, u, true, "", "/app/login/2fa")
	}
	return h.startSession(c, u, false, "invite", "/app/sites/"+d.Invite.SiteID)
}
