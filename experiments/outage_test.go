package experiments_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// failingExposures is a store whose exposure writes fail while down is set.
type failingExposures struct {
	store.Store
	down atomic.Bool
}

func (f *failingExposures) ExposeVisitor(ctx context.Context, siteID, experimentID, visitorID, variant string) (bool, error) {
	if f.down.Load() {
		return false, errors.New("store is out")
	}
	return f.Store.ExposeVisitor(ctx, siteID, experimentID, visitorID, variant)
}

// TestConfigIsServedWhenAnExposureCannotBeStored: the visitor gets their
// variant even when the exposure write fails, and the next page view
// records it.
func TestConfigIsServedWhenAnExposureCannotBeStored(t *testing.T) {
	st := &failingExposures{Store: servertest.NewStore(t, "embedded")}
	e := newEnv(t, st)
	exp := e.start(abTitle)
	b := visitorIn(t, exp, 1)
	st.down.Store(true)
	if p := popupOf(t, e.config(b)); p["variant"] != "b" {
		t.Fatalf("config while the store fails: %v", p)
	}
	if got := e.counts(); got["b"][0] != 0 {
		t.Fatalf("a failed exposure was counted: %v", got)
	}
	st.down.Store(false)
	servertest.ExpectStatus(t, e.config(b), http.StatusOK)
	if got := e.counts(); got["b"][0] != 1 {
		t.Fatalf("the next page view did not record the exposure: %v", got)
	}
}
