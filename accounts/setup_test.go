package accounts_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestSetupsRacingMakeOneOperator, on both stores: replicas (or two tabs)
// running the first-run setup at once end with exactly one operator.
func TestSetupsRacingMakeOneOperator(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		svc := accounts.NewService(accounts.Service{Store: st, Now: time.Now, Argon2: cheap})
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := range 8 {
			wg.Go(func() {
				_, err := svc.SetupOperator(t.Context(), fmt.Sprintf("op%d@example.com", i), "password-1", "en")
				switch {
				case err == nil:
					mu.Lock()
					won++
					mu.Unlock()
				case !errors.Is(err, accounts.ErrSetupDone):
					t.Error(err)
				}
			})
		}
		wg.Wait()
		users, err := st.ListUsers(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if won != 1 || len(users) != 1 || !users[0].Operator {
			t.Fatalf("%d setups won, users %+v; want exactly one operator", won, users)
		}
		if need, _ := svc.NeedsSetup(t.Context()); need {
			t.Fatal("setup still needed after it was done")
		}
	})
}
