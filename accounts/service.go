package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Defaults of a Service's policy.
const (
	DefaultIdleTimeout     = 14 * 24 * time.Hour
	DefaultAbsoluteTimeout = 30 * 24 * time.Hour
	DefaultInviteTTL       = 7 * 24 * time.Hour
	// touchEvery: a session's LastSeen is written at most this often, so
	// browsing the dashboard is not a store write per page.
	touchEvery = time.Minute
)

// Errors a caller maps to what a person sees.
var (
	// ErrBadCredentials covers an unknown e-mail and a wrong password
	// alike, so the answer does not tell which accounts exist.
	ErrBadCredentials = errors.New("wrong e-mail or password")
	ErrBadCode        = errors.New("wrong or used code")
	ErrNoSession      = errors.New("no session")
	ErrSetupDone      = errors.New("the operator account exists already")
	ErrInviteInvalid  = errors.New("invite link is unknown, used or expired")
)

// Service is the accounts' logic over the store.
type Service struct {
	Store store.Store
	Log   *slog.Logger
	// Now is the clock; tests move it.
	Now             func() time.Time
	Argon2          Argon2Params
	Require2FA      bool
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	Limits          Limits
	// dummyHash is verified for unknown e-mails, so that a sign-in takes
	// as long whether the account exists or not.
	dummyHash string
}

// NewService fills the defaults of what s leaves zero.
func NewService(s Service) *Service {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Argon2 == (Argon2Params{}) {
		s.Argon2 = DefaultArgon2
	}
	if s.IdleTimeout <= 0 {
		s.IdleTimeout = DefaultIdleTimeout
	}
	if s.AbsoluteTimeout <= 0 {
		s.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if s.Limits == (Limits{}) {
		s.Limits = DefaultLimits
	}
	s.dummyHash = HashPassword(NewToken(), s.Argon2)
	return &s
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// NormalizeEmail lower-cases and checks an e-mail address; ok is false for
// anything but a plain address.
func NormalizeEmail(raw string) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(raw))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 {
		return "", false
	}
	return e, true
}

// CheckPassword returns what is wrong with a new password ("" when fine).
func CheckPassword(pw string) string {
	switch n := len([]rune(pw)); {
	case n < MinPasswordLen:
		return "password_short"
	case len(pw) > MaxPasswordLen:
		return "password_long"
	}
	return ""
}

// Audit records e in the user's and (when set) the site's audit lists. A
// failure is logged, never returned: the action it records happened.
func (s *Service) Audit(ctx context.Context, e store.AuditEntry) {
	e.At = s.now()
	if e.UserID != "" {
		if err := s.Store.AppendAudit(ctx, "user:"+e.UserID, e); err != nil {
			s.Log.Error("audit", "action", e.Action, "err", err)
		}
	}
	if e.SiteID != "" {
		if err := s.Store.AppendAudit(ctx, "site:"+e.SiteID, e); err != nil {
			s.Log.Error("audit", "action", e.Action, "err", err)
		}
	}
}

// settingOperator names the setting that records who the operator is: of
// two setups racing, SetSettingIfAbsent lets exactly one win.
const settingOperator = "dashboard_operator"

// NeedsSetup reports whether no operator account exists yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	id, err := s.Store.GetSetting(ctx, settingOperator)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	// A setup that stopped between claiming the operator's ID and storing
	// the account (a crash, a store error) may be run again.
	_, err = s.Store.GetUser(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	return false, err
}

// SetupOperator creates the first user, the operator. The caller has
// checked the admin token. The operator's ID is claimed first, in the
// settings, so of two setups racing exactly one wins; a setup that was
// cut off after the claim is finished by the next, under the claimed ID.
func (s *Service) SetupOperator(ctx context.Context, email, password, locale string) (store.User, error) {
	u := store.User{ID: newID(), Email: email, Operator: true, Locale: locale, CreatedAt: s.now()}
	won, err := s.Store.SetSettingIfAbsent(ctx, settingOperator, u.ID)
	if err != nil {
		return u, fmt.Errorf("accounts: setup: %w", err)
	}
	if !won {
		if u.ID, err = s.Store.GetSetting(ctx, settingOperator); err != nil {
			return u, fmt.Errorf("accounts: setup: %w", err)
		}
		if _, err := s.Store.GetUser(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
			return u, ErrSetupDone
		}
	}
	u.PasswordHash = HashPassword(password, s.Argon2)
	if err := s.Store.CreateUser(ctx, u); errors.Is(err, store.ErrConflict) {
		return u, ErrSetupDone // another setup finished it meanwhile
	} else if err != nil {
		return u, fmt.Errorf("accounts: setup: %w", err)
	}
	s.Audit(ctx, store.AuditEntry{Action: "operator_created", UserID: u.ID})
	return u, nil
}

// Authenticate checks an e-mail and password, within the failed sign-in
// limits of the account and of the client's IP.
func (s *Service) Authenticate(ctx context.Context, email, password, ip string) (store.User, error) {
	email, _ = NormalizeEmail(email)
	if err := s.checkLimits(ctx, email, ip); err != nil {
		return store.User{}, err
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, fmt.Errorf("accounts: sign in: %w", err)
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = s.dummyHash // unknown user, or one who signs in only with OIDC
	}
	ok, outdated, verr := VerifyPassword(hash, password, s.Argon2)
	if err != nil || u.PasswordHash == "" || verr != nil || !ok {
		s.failed(ctx, email, ip, u.ID)
		return store.User{}, ErrBadCredentials
	}
	if outdated {
		newHash := HashPassword(password, s.Argon2)
		if _, err := s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error { x.PasswordHash = newHash; return nil }); err != nil {
			s.Log.Warn("accounts: rehash password", "user", u.ID, "err", err)
		}
	}
	return u, nil
}

// failed counts a failed sign-in and records it.
func (s *Service) failed(ctx context.Context, email, ip, userID string) {
	if err := s.countFailure(ctx, email, ip); err != nil {
		s.Log.Error("accounts: count failed sign-in", "err", err)
	}
	failedSignIns.Inc()
	if userID != "" {
		s.Audit(ctx, store.AuditEntry{Action: "sign_in_failed", UserID: userID, IP: ip})
	}
}
