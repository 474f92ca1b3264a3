package accounts_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// cheap keeps these tests fast; the default costs are tested in
// password_test.go.
var cheap = accounts.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestACodeSentTwiceAtOnceWorksOnce, on both stores: ten browsers send
// the same TOTP code (or the same recovery code) at the same moment; one
// signs in.
func TestACodeSentTwiceAtOnceWorksOnce(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		now := time.Now().UTC()
		svc := accounts.NewService(accounts.Service{Store: st, Now: func() time.Time { return now }, Argon2: cheap})
		u, err := svc.SetupOperator(t.Context(), "op@example.com", "password-1", "en")
		if err != nil {
			t.Fatal(err)
		}
		e, err := accounts.BeginTOTP(u)
		if err != nil {
			t.Fatal(err)
		}
		recovery, err := svc.ConfirmTOTP(t.Context(), u, e.Secret, code(t, e.Secret, now))
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(30 * time.Second)
		u, _ = st.GetUser(t.Context(), u.ID)
		for _, c := range []string{code(t, e.Secret, now), recovery[0]} {
			var ok atomic.Int32
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Go(func() {
					_, sess, err := svc.NewSession(t.Context(), u, true, "", "ua", "10.0.0."+string(rune('0'+i)))
					if err != nil {
						t.Error(err)
						return
					}
					switch err := svc.SecondFactor(t.Context(), u, sess, c, "10.0.0.1"); {
					case err == nil:
						ok.Add(1)
					case !errors.Is(err, accounts.ErrBadCode):
						var locked *accounts.LockedError
						if !errors.As(err, &locked) {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			if ok.Load() != 1 {
				t.Fatalf("code %s worked %d times, want once", c, ok.Load())
			}
			// The nine refusals count as failed sign-ins: wait out the
			// lockout they caused before the next round.
			now = now.Add(accounts.DefaultLimits.Window)
		}
		got, _ := st.GetUser(t.Context(), u.ID)
		if len(got.RecoveryHashes) != accounts.RecoveryCodes-1 {
			t.Fatalf("%d recovery codes left, want %d", len(got.RecoveryHashes), accounts.RecoveryCodes-1)
		}
	})
}

// TestAnOldOrFarCodeIsRefused: a code two steps away from now is refused;
// one step away is accepted (clock drift).
func TestAnOldOrFarCodeIsRefused(t *testing.T) {
	st := servertest.NewStore(t, "embedded")
	now := time.Now().UTC()
	svc := accounts.NewService(accounts.Service{Store: st, Now: func() time.Time { return now }, Argon2: cheap})
	u, _ := svc.SetupOperator(t.Context(), "op@example.com", "password-1", "en")
	e, _ := accounts.BeginTOTP(u)
	if _, err := svc.ConfirmTOTP(t.Context(), u, e.Secret, code(t, e.Secret, now.Add(-90*time.Second))); !errors.Is(err, accounts.ErrBadCode) {
		t.Fatalf("a code three steps old confirmed the enrolment: %v", err)
	}
	if _, err := svc.ConfirmTOTP(t.Context(), u, e.Secret, code(t, e.Secret, now.Add(30*time.Second))); err != nil {
		t.Fatalf("a code one step ahead: %v", err)
	}
	u, _ = st.GetUser(t.Context(), u.ID)
	now = now.Add(5 * time.Minute)
	_, sess, _ := svc.NewSession(t.Context(), u, true, "", "ua", "10.0.0.1")
	if err := svc.SecondFactor(t.Context(), u, sess, code(t, e.Secret, now.Add(-60*time.Second)), "10.0.0.1"); !errors.Is(err, accounts.ErrBadCode) {
		t.Fatalf("a code two steps old: %v", err)
	}
	if err := svc.SecondFactor(t.Context(), u, sess, code(t, e.Secret, now.Add(-30*time.Second)), "10.0.0.1"); err != nil {
		t.Fatalf("a code one step old: %v", err)
	}
}
