package callback_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// errKilled is what a "killed" step answers.
var errKilled = errors.New("the process was killed here")

// killable is a store whose next CreateCallback can be made to die midway,
// as a kill -9 would.
type killable struct {
	store.Store                      // what a fresh process finds
	intake      callback.IntakeStore // what the process that dies writes through
	// kill arms the kill for the next create; revive ends it.
	kill func() (revive func())
}

// killableStores are the two stores, each with the kill its design allows.
// Redis stores a request, then queues its job, two steps: the kill fails
// every command on the job queue, so the request stays stored and marked,
// with no job. The embedded store writes both in one transaction: the kill
// comes after the commit, before the caller hears of it.
var killableStores = map[string]func(t *testing.T) killable{
	"embedded": func(t *testing.T) killable {
		st, err := embedded.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		k := &killAfterCommit{Store: st}
		return killable{Store: st, intake: k, kill: func() func() {
			k.armed.Store(true)
			return func() { k.armed.Store(false) }
		}}
	},
	"redis": func(t *testing.T) killable {
		client := redis.NewClient(storetest.RedisOptions(t))
		prefix := "beckontest:unqueued:" + callback.NewID()
		hook := &killBeforeQueue{queue: prefix + ":{cbq}:"}
		client.AddHook(hook)
		t.Cleanup(func() {
			storetest.DeleteKeys(client, prefix)
			client.Close()
		})
		st := redisstore.New(client, prefix)
		return killable{Store: st, intake: st, kill: func() func() {
			hook.armed.Store(true)
			return func() { hook.armed.Store(false) }
		}}
	},
}

// killAfterCommit wraps the embedded store for intake: an armed
// CreateCallback commits, then fails.
type killAfterCommit struct {
	*embedded.Store
	armed atomic.Bool
}

func (k *killAfterCommit) CreateCallback(ctx context.Context, c store.Callback, since time.Time) (store.Callback, bool, error) {
	got, created, err := k.Store.CreateCallback(ctx, c, since)
	if err == nil && k.armed.Load() {
		return store.Callback{}, false, errKilled
	}
	return got, created, err
}

// killBeforeQueue is a go-redis hook: while armed, every command on the
// job queue fails, as if the process had died before sending it.
type killBeforeQueue struct {
	queue string
	armed atomic.Bool
}

func (h *killBeforeQueue) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *killBeforeQueue) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if h.armed.Load() && strings.Contains(fmt.Sprint(cmd.Args()...), h.queue) {
			cmd.SetErr(errKilled)
			return errKilled
		}
		return next(ctx, cmd)
	}
}

func (h *killBeforeQueue) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// crashSite is a site with a callback widget whose managers answer.
type crashSite struct {
	site   store.Site
	widget store.Widget
	set    callback.Settings
}

func newCrashSite(t *testing.T, st store.Store) crashSite {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	site := store.Site{ID: callback.NewID(), Key: callback.NewID(), Name: "shop.example", Origins: []string{"https://shop.example"},
		Timezone: "Europe/Moscow", Locale: "en", Region: "RU", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	var set callback.Settings
	if err := json.Unmarshal([]byte(strings.Replace(twoManagers, `"retry_delay_seconds":1`, `"retry_delay_seconds":10`, 1)), &set); err != nil {
		t.Fatal(err)
	}
	if err := set.Normalize(site); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(set)
	w := store.Widget{ID: callback.NewID(), SiteID: site.ID, Type: "callback", Enabled: true, Settings: raw, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateWidget(ctx, w); err != nil {
		t.Fatal(err)
	}
	return crashSite{site: site, widget: w, set: set}
}

// acceptAndDie runs the real intake for a visitor's request, ago in the
// past by the intake's clock, in a process killed inside the store's
// create. It returns the request the store kept.
func acceptAndDie(t *testing.T, k killable, cs crashSite, phone string, ago time.Duration) store.Callback {
	t.Helper()
	in := &callback.Intake{St: k.intake, Now: func() time.Time { return time.Now().Add(-ago) }}
	revive := k.kill()
	_, _, err := in.Accept(context.Background(), cs.site, time.UTC, cs.widget, cs.set,
		callback.Request{Phone: phone, VisitorID: "v-" + phone}, "203.0.113.7")
	revive()
	if !errors.Is(err, errKilled) {
		t.Fatalf("intake in the killed process: %v, want the kill", err)
	}
	list, err := k.ListCallbacks(context.Background(), cs.site.ID, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.Phone == phone {
			return c
		}
	}
	t.Fatalf("the killed create stored nothing for %s", phone)
	return store.Callback{}
}

// runEngine starts a fresh engine (a restarted process) on st.
func runEngine(t *testing.T, st store.Store, sweep time.Duration) (missed chan store.Callback) {
	t.Helper()
	return runEngineAt(t, st, sweep, 0)
}

// runEngineAt is runEngine with the engine's clock ahead by skew.
func runEngineAt(t *testing.T, st store.Store, sweep, skew time.Duration) (missed chan store.Callback) {
	t.Helper()
	missed = make(chan store.Callback, 10)
	prov := sim.New(fast)
	eng := callback.NewEngine(st, sitesOf(st), prov, callback.Options{Consumer: "fresh-" + callback.NewID(), Lease: time.Second,
		UnqueuedSweep: sweep, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Now().Add(skew) },
		Missed: func(_ context.Context, _ store.Site, _ callback.Settings, c store.Callback) error {
			select { // told again by later jobs of the request: keep the first ones
			case missed <- c:
			default:
			}
			return nil
		}})
	prov.Bind(eng)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); eng.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; prov.Close() })
	return missed
}

// finalOf waits for a request to end.
func finalOf(t *testing.T, st store.Store, c store.Callback, within time.Duration) store.Callback {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got, err := st.GetCallback(context.Background(), c.SiteID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if callback.Final(got.Status) && allLegsEnded(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("request still %s after %v", got.Status, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestKilledBeforeQueueingIsCalledAfterRestart: a process killed between
// storing a request and queueing its job; the restarted process's engine
// finds it and calls the visitor, or, when it is more than MaxLate
// overdue, ends it as expired without ringing anyone and tells the site.
func TestKilledBeforeQueueingIsCalledAfterRestart(t *testing.T) {
	for _, name := range []string{"embedded", "redis"} {
		t.Run(name, func(t *testing.T) {
			k := killableStores[name](t)
			cs := newCrashSite(t, k)
			fresh := acceptAndDie(t, k, cs, "+79161234567", time.Minute)
			stale := acceptAndDie(t, k, cs, "+79161234568", callback.MaxLate+time.Minute)
			if fresh.Status != callback.StatusQueued || stale.Status != callback.StatusQueued {
				t.Fatalf("stored as %s and %s, want queued", fresh.Status, stale.Status)
			}

			missed := runEngine(t, k, time.Hour) // only the sweep at start
			if got := finalOf(t, k, fresh, 5*time.Second); got.Status != callback.StatusCompleted || got.Attempt != 1 {
				t.Fatalf("a minute late: %s/%s after %d attempts, want completed", got.Status, got.Reason, got.Attempt)
			}
			got := finalOf(t, k, stale, 5*time.Second)
			if got.Status != callback.StatusFailed || got.Reason != callback.ReasonExpired || got.Attempt != 0 || len(got.Legs) != 0 {
				t.Fatalf("%v late: %s/%s, %d legs; want failed/expired, nobody rung", callback.MaxLate+time.Minute, got.Status, got.Reason, len(got.Legs))
			}
			select {
			case m := <-missed:
				if m.ID != stale.ID {
					t.Fatalf("missed-callback hook for %s, want %s", m.ID, stale.ID)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("the site was not told about the expired request")
			}
			if left, err := k.UnqueuedCallbacks(context.Background(), time.Now().Add(time.Hour), 0); err != nil || len(left) != 0 {
				t.Fatalf("still marked unqueued after the sweep: %d (%v)", len(left), err)
			}
		})
	}
}

// TestKilledBeforeQueueingIsFoundByARunningEngine: the kill hits one
// replica while another keeps running; the running engine's periodic sweep
// finds the request.
func TestKilledBeforeQueueingIsFoundByARunningEngine(t *testing.T) {
	for _, name := range []string{"embedded", "redis"} {
		t.Run(name, func(t *testing.T) {
			k := killableStores[name](t)
			cs := newCrashSite(t, k)
			runEngine(t, k, 50*time.Millisecond)
			c := acceptAndDie(t, k, cs, "+79161234567", time.Minute)
			if got := finalOf(t, k, c, 5*time.Second); got.Status != callback.StatusCompleted {
				t.Fatalf("%s/%s, want completed", got.Status, got.Reason)
			}
		})
	}
}

// TestUnqueuedMarkIsLeftToItsCreatorForAWhile: a mark younger than the
// grace may belong to a creator still queueing the job, so sweeps leave
// it; once the grace has passed, the request is queued and called.
func TestUnqueuedMarkIsLeftToItsCreatorForAWhile(t *testing.T) {
	k := killableStores["redis"](t)
	cs := newCrashSite(t, k)
	runEngine(t, k, 20*time.Millisecond)
	young := acceptAndDie(t, k, cs, "+79161234561", 0)
	old := acceptAndDie(t, k, cs, "+79161234562", time.Minute)
	finalOf(t, k, old, 5*time.Second) // sweeps ran after both were stored
	if got, err := k.GetCallback(context.Background(), young.SiteID, young.ID); err != nil || got.Status != callback.StatusQueued {
		t.Fatalf("a mark younger than the grace was swept: %s (%v)", got.Status, err)
	}
	// Half a minute on (the engine's clock), the grace has passed.
	runEngineAt(t, k, time.Hour, 31*time.Second)
	if got := finalOf(t, k, young, 5*time.Second); got.Status != callback.StatusCompleted {
		t.Fatalf("after the grace: %s/%s, want completed", got.Status, got.Reason)
	}
}
