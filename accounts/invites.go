package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/beckonhq/beckon/store"
)

// Invite makes a link for email to join siteID with role; the token is the
// link's secret, returned once.
func (s *Service) Invite(ctx context.Context, by store.User, siteID, email, role, ip string) (string, store.Invite, error) {
	// A new invite of the same person to the same site replaces the open
	// one: one link per person, the newest.
	open, err := s.Store.ListInvites(ctx, siteID)
	if err != nil {
		return "", store.Invite{}, fmt.Errorf("accounts: invite: %w", err)
	}
	for _, old := range open {
		if old.Email == email {
			if err := s.Store.DeleteInvite(ctx, siteID, old.TokenHash); err != nil && !errors.Is(err, store.ErrNotFound) {
				return "", old, fmt.Errorf("accounts: replace invite: %w", err)
			}
		}
	}
	token, now := NewToken(), s.now()
	inv := store.Invite{TokenHash: HashToken(token), Email: email, SiteID: siteID, Role: role,
		InvitedBy: by.ID, CreatedAt: now, ExpiresAt: now.Add(DefaultInviteTTL)}
	if err := s.Store.CreateInvite(ctx, inv); err != nil {
		return "", inv, fmt.Errorf("accounts: invite: %w", err)
	}
	s.Audit(ctx, store.AuditEntry{Action: "invited", UserID: by.ID, SiteID: siteID, IP: ip, Detail: email + " as " + role})
	return token, inv, nil
}

// OpenInvite returns the invite of a link's token when it may be accepted,
// and whether its e-mail already has an account.
func (s *Service) OpenInvite(ctx context.Context, token string) (store.Invite, bool, error) {
	inv, err := s.Store.GetInvite(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !s.now().Before(inv.ExpiresAt)) {
		return inv, false, ErrInviteInvalid
	}
	if err != nil {
		return inv, false, fmt.Errorf("accounts: invite: %w", err)
	}
	_, err = s.Store.UserByEmail(ctx, inv.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return inv, false, fmt.Errorf("accounts: invite: %w", err)
	}
	return inv, err == nil, nil
}

// AcceptInvite uses the invite once. A new e-mail gets an account with
// password; an existing account proves itself with its password. Either
// way the user becomes a member of the invite's site.
func (s *Service) AcceptInvite(ctx context.Context, token, password, locale, ip string) (store.User, error) {
	inv, exists, err := s.OpenInvite(ctx, token)
	if err != nil {
		return store.User{}, err
	}
	var u store.User
	if exists {
		if u, err = s.Authenticate(ctx, inv.Email, password, ip); err != nil {
			return u, err
		}
	}
	if _, err := s.Store.TakeInvite(ctx, inv.TokenHash); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return u, ErrInviteInvalid
		}
		return u, fmt.Errorf("accounts: take invite: %w", err)
	}
	if !exists {
		u = store.User{ID: newID(), Email: inv.Email, PasswordHash: HashPassword(password, s.Argon2), Locale: locale, CreatedAt: s.now()}
		if err := s.Store.CreateUser(ctx, u); err != nil {
			return u, fmt.Errorf("accounts: create invited user: %w", err)
		}
	}
	m := store.Membership{SiteID: inv.SiteID, UserID: u.ID, Role: inv.Role, CreatedAt: s.now()}
	if err := s.Store.SetMembership(ctx, m); err != nil {
		return u, fmt.Errorf("accounts: join site: %w", err)
	}
	s.Audit(ctx, store.AuditEntry{Action: "invite_accepted", UserID: u.ID, SiteID: inv.SiteID, IP: ip, Detail: inv.Role})
	return u, nil
}
