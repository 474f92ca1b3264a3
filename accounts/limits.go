package accounts

import (
	"context"
	"fmt"
	"time"
)

// Limits bound failed sign-ins (passwords and second-factor codes) in
// fixed windows of the Service's clock.
type Limits struct {
	PerAccount int64
	PerIP      int64
	Window     time.Duration
}

// DefaultLimits: five wrong tries lock an account for the rest of a
// 15-minute window; one address gets twenty, enough for an office behind
// one NAT.
var DefaultLimits = Limits{PerAccount: 5, PerIP: 20, Window: 15 * time.Minute}

// LockedError says how long until the next try is allowed.
type LockedError struct{ RetryAfter time.Duration }

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; retry in %s", e.RetryAfter.Round(time.Second))
}

// window is the current window's number and the time left in it. The
// window comes from the Service's clock (not the store's), so a test moves
// past a lockout without waiting; the store's counter lives as long as a
// window, which drops it once it no longer matters.
func (s *Service) window() (int64, time.Duration) {
	w := s.Limits.Window
	now := s.now()
	n := now.UnixNano() / int64(w)
	return n, time.Unix(0, (n+1)*int64(w)).Sub(now)
}

func (s *Service) counterNames(email, ip string) (acct, addr string) {
	n, _ := s.window()
	return fmt.Sprintf("signin:acct:%s:%d", email, n), fmt.Sprintf("signin:ip:%s:%d", ip, n)
}

// checkLimits refuses when the account or the address used up its tries.
func (s *Service) checkLimits(ctx context.Context, email, ip string) error {
	acct, addr := s.counterNames(email, ip)
	na, err := s.Store.Count(ctx, "", acct)
	if err != nil {
		return fmt.Errorf("accounts: read sign-in limit: %w", err)
	}
	ni, err := s.Store.Count(ctx, "", addr)
	if err != nil {
		return fmt.Errorf("accounts: read sign-in limit: %w", err)
	}
	if na >= s.Limits.PerAccount || ni >= s.Limits.PerIP {
		lockedSignIns.Inc()
		_, left := s.window()
		return &LockedError{RetryAfter: left}
	}
	return nil
}

func (s *Service) countFailure(ctx context.Context, email, ip string) error {
	acct, addr := s.counterNames(email, ip)
	if _, _, err := s.Store.Incr(ctx, "", acct, s.Limits.Window); err != nil {
		return err
	}
	_, _, err := s.Store.Incr(ctx, "", addr, s.Limits.Window)
	return err
}
