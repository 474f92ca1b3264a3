package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/beckonhq/beckon/store"
)

// Action is something a user may do on a site.
type Action int

const (
	// ViewSite: see the site, its settings (read-only) and its inbox.
	ViewSite Action = iota
	// WorkInbox: handle leads and callbacks.
	WorkInbox
	// EditSettings: change widgets, channels, keys.
	EditSettings
	// ManagePeople: invite, change roles, remove members.
	ManagePeople
)

// allowed is what each role may do.
var allowed = map[string][]Action{
	store.RoleOwner:   {ViewSite, WorkInbox, EditSettings, ManagePeople},
	store.RoleManager: {ViewSite, WorkInbox},
}

// ValidRole reports whether r is a role a membership may have.
func ValidRole(r string) bool { _, ok := allowed[r]; return ok }

// Can reports whether u may do a on the site. The operator may do anything
// on every site; anyone else needs a membership. A caller that gets false
// answers 404, not 403, so a site's existence is not revealed.
func (s *Service) Can(ctx context.Context, u store.User, siteID string, a Action) (bool, error) {
	if u.Operator {
		return true, nil
	}
	m, err := s.Store.GetMembership(ctx, siteID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("accounts: membership: %w", err)
	}
	for _, x := range allowed[m.Role] {
		if x == a {
			return true, nil
		}
	}
	return false, nil
}

// SiteRole is a site the user may see with their role on it ("operator"
// for the operator on a site they are no member of).
type SiteRole struct {
	Site store.Site
	Role string
}

// Sites lists the sites u may see, oldest first. Memberships of deleted
// sites are skipped.
func (s *Service) Sites(ctx context.Context, u store.User) ([]SiteRole, error) {
	sites, err := s.Store.ListSites(ctx)
	if err != nil {
		return nil, fmt.Errorf("accounts: sites: %w", err)
	}
	ms, err := s.Store.ListMemberships(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("accounts: memberships: %w", err)
	}
	role := make(map[string]string, len(ms))
	for _, m := range ms {
		role[m.SiteID] = m.Role
	}
	var out []SiteRole
	for _, site := range sites {
		r, ok := role[site.ID]
		if !ok && u.Operator {
			r, ok = "operator", true
		}
		if ok {
			out = append(out, SiteRole{Site: site, Role: r})
		}
	}
	return out, nil
}

// SetRole changes a member's role, recorded in the site's audit list.
func (s *Service) SetRole(ctx context.Context, by store.User, m store.Membership, ip string) error {
	if err := s.Store.SetMembership(ctx, m); err != nil {
		return fmt.Errorf("accounts: set role: %w", err)
	}
	s.Audit(ctx, store.AuditEntry{Action: "role_changed", UserID: by.ID, SiteID: m.SiteID, IP: ip, Detail: m.UserID + "=" + m.Role})
	return nil
}

// RemoveMember ends a membership and the member's sessions are left alone
// (they may belong to other sites); recorded in the site's audit list.
func (s *Service) RemoveMember(ctx context.Context, by store.User, siteID, userID, ip string) error {
	if err := s.Store.DeleteMembership(ctx, siteID, userID); err != nil {
		return fmt.Errorf("accounts: remove member: %w", err)
	}
	s.Audit(ctx, store.AuditEntry{Action: "member_removed", UserID: by.ID, SiteID: siteID, IP: ip, Detail: userID})
	return nil
}
