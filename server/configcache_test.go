package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/beckonhq/beckon/widgets"
)

// TestConfigReadDuringAnInvalidationIsKeptToFallBackOn: a config read
// while another change's invalidation lands (any site's: the Redis
// subscription delivers this replica's own publishes moments later) is
// read again by the next request, and is still there to answer with when
// the store is out by then. It used to be dropped, and an outage right
// after a change left the site with nothing to serve but a 503.
func TestConfigReadDuringAnInvalidationIsKeptToFallBackOn(t *testing.T) {
	var cc *configCache
	loads, down := 0, false
	cc = newConfigCache(func(ctx context.Context, key string) (*publicConfig, error) {
		loads++
		if down {
			return nil, errors.New("store out")
		}
		if loads == 1 {
			cc.invalidate("another-site") // lands while this read is under way
		}
		return &publicConfig{site: &widgets.Site{}, body: []byte(`{"n":1}`)}, nil
	}, nil)
	ctx, now := context.Background(), time.Now()
	if _, err := cc.get(ctx, "shop", now); err != nil {
		t.Fatal(err)
	}
	down = true
	e, err := cc.get(ctx, "shop", now)
	if loads != 2 {
		t.Fatalf("the read overlapped by an invalidation was served again from memory (%d reads)", loads)
	}
	if err != nil || string(e.body) != `{"n":1}` {
		t.Fatalf("with the store out: %v, %v; want the config read before", e, err)
	}
}
