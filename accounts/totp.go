package accounts

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/beckonhq/beckon/store"
)

// TOTP as every authenticator app expects it: 30-second steps, 6 digits,
// SHA-1; a code of the step before or after is accepted too (clocks
// drift), a code of a step already used is not.
const (
	totpPeriod = 30
	totpSkew   = 1
	// RecoveryCodes is how many single-use codes an enrolment gives.
	RecoveryCodes = 10
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Enrolment is a TOTP secret being set up: shown as a QR code until the
// user proves their app has it.
type Enrolment struct {
	Secret string
	URL    string // otpauth://
	QRPNG  string // data:image/png;base64,... (the CSP allows data: images)
}

// BeginTOTP makes a new secret for u.
func BeginTOTP(u store.User) (Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Beckon", AccountName: u.Email, Period: totpPeriod, Rand: rand.Reader})
	if err != nil {
		return Enrolment{}, fmt.Errorf("accounts: totp secret: %w", err)
	}
	return enrolment(key)
}

// EnrolmentOf is the enrolment of a secret made before (a form shown
// again after a wrong code); an invalid secret is ErrBadCode.
func EnrolmentOf(u store.User, secret string) (Enrolment, error) {
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret); err != nil || len(secret) < 16 || len(secret) > 128 {
		return Enrolment{}, ErrBadCode
	}
	v := url.Values{"secret": {secret}, "issuer": {"Beckon"}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	key, err := otp.NewKeyFromURL((&url.URL{Scheme: "otpauth", Host: "totp", Path: "/Beckon:" + u.Email, RawQuery: v.Encode()}).String())
	if err != nil {
		return Enrolment{}, fmt.Errorf("accounts: totp key: %w", err)
	}
	return enrolment(key)
}

func enrolment(key *otp.Key) (Enrolment, error) {
	img, err := key.Image(220, 220)
	if err != nil {
		return Enrolment{}, fmt.Errorf("accounts: totp qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("accounts: totp qr: %w", err)
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(),
		QRPNG: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// matchStep returns the step whose code is code, within the skew, or -1.
func matchStep(secret, code string, now time.Time) int64 {
	code = strings.TrimSpace(code)
	step := now.Unix() / totpPeriod
	for k := int64(-totpSkew); k <= totpSkew; k++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((step+k)*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step + k
		}
	}
	return -1
}

// ConfirmTOTP turns two-factor sign-in on when code matches secret, and
// returns the recovery codes, shown once: only their hashes are stored.
func (s *Service) ConfirmTOTP(ctx context.Context, u store.User, secret, code string) ([]string, error) {
	step := matchStep(secret, code, s.now())
	if step < 0 {
		return nil, ErrBadCode
	}
	codes := make([]string, RecoveryCodes)
	hashes := make([]string, RecoveryCodes)
	for i := range codes {
		codes[i] = newRecoveryCode()
		hashes[i] = HashToken(codes[i])
	}
	_, err := s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error {
		x.TOTPSecret, x.TOTPLastStep, x.RecoveryHashes = secret, step, hashes
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("accounts: enable totp: %w", err)
	}
	s.Audit(ctx, store.AuditEntry{Action: "totp_enabled", UserID: u.ID})
	return codes, nil
}

// DisableTOTP turns two-factor sign-in off (not allowed when required).
func (s *Service) DisableTOTP(ctx context.Context, u store.User) error {
	_, err := s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error {
		x.TOTPSecret, x.TOTPLastStep, x.RecoveryHashes = "", 0, nil
		return nil
	})
	if err == nil {
		s.Audit(ctx, store.AuditEntry{Action: "totp_disabled", UserID: u.ID})
	}
	return err
}

// errReplay aborts an update whose code was used meanwhile.
var errReplay = errors.New("code used")

// SecondFactor checks a TOTP code or a recovery code of u, within the
// failed sign-in limits, and completes the pending session.
func (s *Service) SecondFactor(ctx context.Context, u store.User, sess store.Session, code, ip string) error {
	if err := s.checkLimits(ctx, u.Email, ip); err != nil {
		return err
	}
	if err := s.useCode(ctx, u, code); err != nil {
		if errors.Is(err, ErrBadCode) {
			s.failed(ctx, u.Email, ip, u.ID)
		}
		return err
	}
	if _, err := s.Store.UpdateSession(ctx, sess.IDHash, func(x *store.Session) error { x.Pending2FA = false; return nil }); err != nil {
		return fmt.Errorf("accounts: complete sign-in: %w", err)
	}
	s.signedIn(ctx, u, ip, "password+totp")
	return nil
}

// useCode spends a TOTP step or a recovery code, atomically: the same code
// twice, even at once, succeeds once.
func (s *Service) useCode(ctx context.Context, u store.User, code string) error {
	code = strings.TrimSpace(code)
	if u.TOTPSecret == "" {
		return ErrBadCode
	}
	if step := matchStep(u.TOTPSecret, code, s.now()); step >= 0 {
		_, err := s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error {
			if step <= x.TOTPLastStep {
				return errReplay
			}
			x.TOTPLastStep = step
			return nil
		})
		if errors.Is(err, errReplay) {
			return ErrBadCode
		}
		return err
	}
	hash := HashToken(strings.ToLower(code))
	_, err := s.Store.UpdateUser(ctx, u.ID, func(x *store.User) error {
		i := slices.Index(x.RecoveryHashes, hash)
		if i < 0 {
			return errReplay
		}
		x.RecoveryHashes = slices.Delete(slices.Clone(x.RecoveryHashes), i, i+1)
		return nil
	})
	if errors.Is(err, errReplay) {
		return ErrBadCode
	}
	if err == nil {
		s.Audit(ctx, store.AuditEntry{Action: "recovery_code_used", UserID: u.ID})
	}
	return err
}

// newRecoveryCode is ten characters in two groups, like "k3m9q-x7p2d":
// 50 random bits, typed from paper.
func newRecoveryCode() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 10)
	rand.Read(b)
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}
