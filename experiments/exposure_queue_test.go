package experiments_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// gatedExposures holds every exposure write until open is closed, whatever
// the write's deadline: a /config that waited for its exposure would hang.
type gatedExposures struct {
	store.Store
	open chan struct{}
}

func (g *gatedExposures) ExposeVisitor(ctx context.Context, siteID, experimentID, visitorID, variant string) (bool, error) {
	<-g.open
	return g.Store.ExposeVisitor(context.Background(), siteID, experimentID, visitorID, variant)
}

func (g *gatedExposures) ExposeVisitors(ctx context.Context, batch []store.Exposure) (int, error) {
	<-g.open
	return g.Store.(store.ExposureBatcher).ExposeVisitors(context.Background(), batch)
}

// reopenable is a store of kind that can be opened again on the same data
// (the embedded store's directory, the Redis keys' prefix).
type reopenable struct {
	store.Store
	reopen func(t *testing.T) store.Store
}

func openReopenable(t *testing.T, kind string) reopenable {
	if kind == "embedded" {
		dir := t.TempDir()
		open := func(t *testing.T) store.Store {
			st, err := embedded.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
		return reopenable{Store: open(t), reopen: open}
	}
	prefix := servertest.RedisPrefix()
	open := func(t *testing.T) store.Store {
		client := redis.NewClient(storetest.RedisOptions(t))
		t.Cleanup(func() { client.Close() })
		return redisstore.New(client, prefix)
	}
	cleaner := redis.NewClient(storetest.RedisOptions(t))
	t.Cleanup(func() { storetest.DeleteKeys(cleaner, prefix); cleaner.Close() })
	return reopenable{Store: open(t), reopen: open}
}

// exposures is the sum of the experiment's exposures in st.
func exposures(t *testing.T, st store.Store, siteID, experimentID string) int64 {
	t.Helper()
	counts, err := st.Tally(context.Background(), siteID, store.ExperimentTally(experimentID))
	if err != nil {
		t.Fatal(err)
	}
	return counts["control:exposures"] + counts["b:exposures"]
}

// TestExposuresAreWrittenInTheBackground: new visitors' configs are served
// while the store holds every exposure write (nothing waits for it), and
// once the store answers, the queue drains: every visitor counted once,
// in their variant.
func TestExposuresAreWrittenInTheBackground(t *testing.T) {
	for _, kind := range servertest.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			st := &gatedExposures{Store: servertest.NewStore(t, kind), open: make(chan struct{})}
			e := newEnv(t, st)
			exp := e.start(abTitle)
			a, b := visitorsIn(t, exp, 0, 12), visitorsIn(t, exp, 1, 8)
			for _, v := range append(a, b...) {
				if p := popupOf(t, e.config(v)); p["variant"] == "" {
					t.Fatalf("config without the visitor's variant: %v", p)
				}
			}
			// The same visitors again while their exposures wait: queued once.
			for _, v := range a[:4] {
				popupOf(t, e.config(v))
			}
			close(st.open)
			waitFor(t, "20 exposures in the store", func() bool { return exposures(t, st.Store, e.siteID, exp.ID) == 20 })
			if got := e.counts(); got["control"][0] != 12 || got["b"][0] != 8 {
				t.Fatalf("counts %v, want control 12 and b 8 exposures", got)
			}
		})
	}
}

// TestShutdownWritesQueuedExposures: exposures still queued when the server
// stops are written before it returns: reopening the store finds every
// visitor counted.
func TestShutdownWritesQueuedExposures(t *testing.T) {
	for _, kind := range servertest.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			data := openReopenable(t, kind)
			st := &gatedExposures{Store: data.Store, open: make(chan struct{})}
			e := newEnv(t, st)
			exp := e.start(abTitle)
			visitors := append(visitorsIn(t, exp, 0, 10), visitorsIn(t, exp, 1, 10)...)
			for _, v := range visitors {
				popupOf(t, e.config(v))
			}
			stopped := make(chan error, 1)
			go func() { stopped <- e.Srv.Shutdown(context.Background()) }()
			close(st.open) // the writer finishes its batch and stops; Shutdown writes the rest
			if err := <-stopped; err != nil {
				t.Fatalf("shutdown: %v", err)
			}
			if kind == "embedded" {
				data.Store.Close()
			}
			if got := exposures(t, data.reopen(t), e.siteID, exp.ID); got != int64(len(visitors)) {
				t.Fatalf("reopened store counts %d exposures, want %d", got, len(visitors))
			}
		})
	}
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
