package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/beckonhq/beckon/store"
)

// NewSession signs user in on one browser and returns the cookie's secret.
// pending2FA: the second step is still due; else method ("password",
// "oidc") is how the person signed in, for the audit list and metrics.
func (s *Service) NewSession(ctx context.Context, u store.User, pending2FA bool, method, userAgent, ip string) (string, store.Session, error) {
	token, now := NewToken(), s.now()
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	sess := store.Session{
		IDHash: HashToken(token), UserID: u.ID, CSRFToken: NewToken(),
		CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.AbsoluteTimeout),
		Pending2FA: pending2FA, UserAgent: userAgent, IP: ip,
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", sess, fmt.Errorf("accounts: new session: %w", err)
	}
	if !pending2FA {
		s.signedIn(ctx, u, ip, method)
	}
	return token, sess, nil
}

func (s *Service) signedIn(ctx context.Context, u store.User, ip, method string) {
	signIns.WithLabelValues(method).Inc()
	s.Audit(ctx, store.AuditEntry{Action: "sign_in", UserID: u.ID, IP: ip, Detail: method})
}

// PendingTimeout is how long the second step may wait after the password:
// a half-signed-in session does not linger for weeks.
const PendingTimeout = 10 * time.Minute

// Session finds the signed-in session of a cookie's secret and its user.
// A session past its idle or absolute timeout is deleted and ErrNoSession.
func (s *Service) Session(ctx context.Context, token string) (store.Session, store.User, error) {
	if token == "" {
		return store.Session{}, store.User{}, ErrNoSession
	}
	sess, err := s.Store.GetSession(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return sess, store.User{}, ErrNoSession
	}
	if err != nil {
		return sess, store.User{}, fmt.Errorf("accounts: session: %w", err)
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeen) >= s.IdleTimeout ||
		(sess.Pending2FA && now.Sub(sess.CreatedAt) >= PendingTimeout) {
		if err := s.Store.DeleteSession(ctx, sess.UserID, sess.IDHash); err != nil && !errors.Is(err, store.ErrNotFound) {
			return sess, store.User{}, fmt.Errorf("accounts: end session: %w", err)
		}
		return sess, store.User{}, ErrNoSession
	}
	u, err := s.Store.GetUser(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return sess, u, ErrNoSession
	}
	if err != nil {
		return sess, u, fmt.Errorf("accounts: session user: %w", err)
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		sess, err = s.Store.UpdateSession(ctx, sess.IDHash, func(x *store.Session) error { x.LastSeen = now; return nil })
		if err != nil {
			return sess, u, fmt.Errorf("accounts: touch session: %w", err)
		}
	}
	return sess, u, nil
}

// Sessions lists the user's signed-in sessions (not ended, not owing the
// second step), newest first.
func (s *Service) Sessions(ctx context.Context, userID string) ([]store.Session, error) {
	all, err := s.Store.ListSessions(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("accounts: sessions: %w", err)
	}
	now := s.now()
	live := all[:0]
	for _, sess := range all {
		if now.Before(sess.ExpiresAt) && now.Sub(sess.LastSeen) < s.IdleTimeout && !sess.Pending2FA {
			live = append(live, sess)
		}
	}
	return live, nil
}

// Revoke ends one of the user's sessions.
func (s *Service) Revoke(ctx context.Context, userID, idHash string) error {
	return s.Store.DeleteSession(ctx, userID, idHash)
}

// SignOutEverywhere ends all the user's sessions; keep ("" for none) stays.
func (s *Service) SignOutEverywhere(ctx context.Context, userID, keep string) error {
	err := s.Store.DeleteSessions(ctx, userID, keep)
	if err == nil {
		s.Audit(ctx, store.AuditEntry{Action: "signed_out_everywhere", UserID: userID})
	}
	return err
}

// ChangePassword checks the current password, sets the new one and ends the
// user's other sessions: whoever knew the old password is out.
func (s *Service) ChangePassword(ctx context.Context, u store.User, current, next, keepSession, ip string) error {
	if u.PasswordHash != "" {
		ok, _, err := VerifyPassword(u.PasswordHash, current, s.Argon2)
		if err != nil || !ok {
			s.failed(ctx, u.Email, ip, u.ID)
			return ErrBadCredentials
		}
	}
	hash := HashPassword(next, s.Argon2)
	if _, err := s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error { x.PasswordHash = hash; return nil }); err != nil {
		return fmt.Errorf("accounts: change password: %w", err)
	}
	s.Audit(ctx, store.AuditEntry{Action: "password_changed", UserID: u.ID, IP: ip})
	return s.Store.DeleteSessions(ctx, u.ID, keepSession)
}
