package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// fast makes simulated calls take milliseconds and retries start at 10 ms.
var fast = sim.Delays{Ring: 20 * time.Millisecond, Answer: 40 * time.Millisecond, Press: 40 * time.Millisecond,
	Talk: 80 * time.Millisecond, Detect: 20 * time.Millisecond, Retry: 10 * time.Millisecond}

const (
	anna    = "+79000000010"
	visitor = "+79161234567"
	machine = "+79161234503" // …03: an answering machine
)

// errDown is what the store answers during an outage.
var errDown = errors.New("store: connection refused")

// flaky is a store that can go down for a while: every read and write of
// requests and jobs fails until it is back.
type flaky struct {
	callback.Store
	downUntil atomic.Int64 // unix nanos
	refused   atomic.Int64
}

func (f *flaky) outage(d time.Duration) { f.downUntil.Store(time.Now().Add(d).UnixNano()) }

func (f *flaky) down() bool {
	if time.Now().UnixNano() < f.downUntil.Load() {
		f.refused.Add(1)
		return true
	}
	return false
}

func (f *flaky) GetCallback(ctx context.Context, siteID, id string) (store.Callback, error) {
	if f.down() {
		return store.Callback{}, errDown
	}
	return f.Store.GetCallback(ctx, siteID, id)
}

func (f *flaky) UpdateCallback(ctx context.Context, siteID, id string, fn func(*store.Callback) error) (store.Callback, error) {
	if f.down() {
		return store.Callback{}, errDown
	}
	return f.Store.UpdateCallback(ctx, siteID, id, fn)
}

func (f *flaky) EnqueueJob(ctx context.Context, j store.Job) error {
	if f.down() {
		return errDown
	}
	return f.Store.EnqueueJob(ctx, j)
}

func (f *flaky) ClaimJobs(ctx context.Context, consumer string, max int, lease, wait time.Duration) ([]store.Job, error) {
	if f.down() {
		return nil, errDown
	}
	return f.Store.ClaimJobs(ctx, consumer, max, lease, wait)
}

// tap stands between the simulator and the engine: it counts the reports
// and calls onFirst the first time a kind comes.
type tap struct {
	next    callback.Reporter
	onFirst func(callback.EventKind)

	mu     sync.Mutex
	counts map[callback.EventKind]int
}

func (t *tap) Report(ctx context.Context, ev callback.Event) (callback.Reply, error) {
	t.mu.Lock()
	t.counts[ev.Kind]++
	first := t.counts[ev.Kind] == 1
	t.mu.Unlock()
	if first && t.onFirst != nil {
		t.onFirst(ev.Kind)
	}
	return t.next.Report(ctx, ev)
}

func (t *tap) count(kind callback.EventKind) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[kind]
}

// stores are the two stores the engine runs on: embedded, and Redis (the
// real server when BECKON_TEST_REDIS_URL is set, else miniredis).
var stores = map[string]func(t *testing.T) callback.Store{
	"embedded": func(t *testing.T) callback.Store {
		st, err := embedded.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	},
	"redis": func(t *testing.T) callback.Store {
		client := redis.NewClient(storetest.RedisOptions(t))
		prefix := fmt.Sprintf("beckonsimtest:%d:%d", os.Getpid(), time.Now().UnixNano())
		t.Cleanup(func() {
			storetest.DeleteKeys(client, prefix)
			client.Close()
		})
		return redisstore.New(client, prefix)
	},
}

type env struct {
	t     *testing.T
	st    *flaky
	sim   *sim.Provider
	tap   *tap
	site  store.Site
	wid   string
	delay sim.Delays
}

// newEnv runs the real engine on st, behind a store that can go down,
// with the simulator reporting through a tap; one manager, Anna.
func newEnv(t *testing.T, st callback.Store, d sim.Delays, onFirst func(*env, callback.EventKind)) *env {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	e := &env{t: t, st: &flaky{Store: st}, sim: sim.New(d), delay: d}
	e.site = store.Site{ID: callback.NewID(), Key: callback.NewID(), Name: "shop.example", Origins: []string{"https://shop.example"},
		Timezone: "Europe/Moscow", Locale: "en", Region: "RU", CreatedAt: now, UpdatedAt: now}
	if err := st.(store.Store).CreateSite(ctx, e.site); err != nil {
		t.Fatal(err)
	}
	set := `{"strategy":"in_order","managers":[{"name":"Anna","phone":"` + anna + `"}],"manager_ring_seconds":20,` +
		`"visitor_ring_seconds":30,"visitor_retries":0,"retry_delay_seconds":1,"machine_detection":true}`
	w := store.Widget{ID: callback.NewID(), SiteID: e.site.ID, Type: "callback", Enabled: true, Settings: json.RawMessage(set), CreatedAt: now, UpdatedAt: now}
	if err := st.(store.Store).CreateWidget(ctx, w); err != nil {
		t.Fatal(err)
	}
	e.wid = w.ID
	// The site is read past the outage: the engine's reads of sites go to
	// the server's cache, which keeps serving what it has.
	sites := servertest.StoreSites(st.(store.Store), callback.NewModule(callback.ModuleOptions{}))
	eng := callback.NewEngine(e.st, sites, e.sim, callback.Options{Lease: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.tap = &tap{next: eng, counts: map[callback.EventKind]int{}}
	if onFirst != nil {
		e.tap.onFirst = func(k callback.EventKind) { onFirst(e, k) }
	}
	e.sim.Bind(e.tap)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); eng.Run(runCtx) }()
	t.Cleanup(func() { cancel(); <-done; e.sim.Close() })
	return e
}

// request stores a request for phone the way intake does.
func (e *env) request(phone string) string {
	e.t.Helper()
	now := time.Now().UTC()
	c := store.Callback{ID: callback.NewID(), SiteID: e.site.ID, WidgetID: e.wid, Phone: phone, VisitorID: "v1",
		DueAt: now, Status: callback.StatusQueued, Timeline: []store.Transition{{Status: callback.StatusQueued, At: now}},
		Legs: []store.Leg{}, CreatedAt: now, UpdatedAt: now}
	if _, created, err := e.st.Store.CreateCallback(context.Background(), c, now); err != nil || !created {
		e.t.Fatalf("create: %v %v", created, err)
	}
	return c.ID
}

// final waits for the request to end with every leg ended.
func (e *env) final(id string) store.Callback {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := e.st.Store.GetCallback(context.Background(), e.site.ID, id)
		ended := err == nil && callback.Final(c.Status) // an error: Redis is down for the test; ask again
		for _, l := range c.Legs {
			ended = ended && !l.EndedAt.IsZero()
		}
		if ended {
			return c
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("request still %s (%v); timeline %+v legs %+v", c.Status, err, c.Timeline, c.Legs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func statuses(c store.Callback) []string {
	var out []string
	for _, t := range c.Timeline {
		out = append(out, t.Status)
	}
	return out
}

// TestReportsOutliveAnOutage: the store goes down just as the simulator
// reports a step of the bridge. The report is sent again until the store
// is back, and the request ends as the simulation went: Anna answered,
// the visitor talked, completed. (Before, the lost report ended requests
// manager_no_answer, or failed/provider_error after the visitor talked.)
func TestReportsOutliveAnOutage(t *testing.T) {
	for _, kind := range []callback.EventKind{callback.ManagerRinging, callback.ManagerAnswered, callback.ManagerConfirmed,
		callback.VisitorPickedUp, callback.VisitorAnswered, callback.VisitorEnded, callback.ManagerEnded} {
		for _, name := range []string{"embedded", "redis"} {
			t.Run(string(kind)+"/"+name, func(t *testing.T) {
				e := newEnv(t, stores[name](t), fast, func(e *env, k callback.EventKind) {
					if k == kind {
						e.st.outage(300 * time.Millisecond)
					}
				})
				c := e.final(e.request(visitor))
				if c.Status != callback.StatusCompleted || c.Reason != "" || c.Manager != "Anna" {
					t.Fatalf("%s/%s by %q, want completed by Anna; timeline %v", c.Status, c.Reason, c.Manager, statuses(c))
				}
				for _, l := range c.Legs {
					if l.Outcome != string(callback.OutcomeCompleted) {
						t.Errorf("%s leg ended %s, want completed", l.Kind, l.Outcome)
					}
				}
				if e.st.refused.Load() == 0 || e.tap.count(kind) < 2 {
					t.Fatalf("the outage missed: %d store calls refused, %s reported %d times", e.st.refused.Load(), kind, e.tap.count(kind))
				}
			})
		}
	}
}

// TestReportGivesUp: a report the engine never takes is retried for
// GiveUp, then dropped; the simulator stops trying when it closes.
func TestReportGivesUp(t *testing.T) {
	d := fast
	d.GiveUp = 100 * time.Millisecond
	e := newEnv(t, stores["embedded"](t), d, func(e *env, k callback.EventKind) {
		if k == callback.ManagerAnswered {
			e.st.outage(time.Hour)
		}
	})
	e.request(visitor)
	deadline := time.Now().Add(5 * time.Second)
	for e.tap.count(callback.ManagerEnded) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the call never ended: answered reported %d times", e.tap.count(callback.ManagerAnswered))
		}
		time.Sleep(5 * time.Millisecond)
	}
	// 10, 20, 40 ms waits fit in 100 ms; the next does not.
	if n := e.tap.count(callback.ManagerAnswered); n < 3 || n > 5 {
		t.Errorf("manager_answered reported %d times, want 3 to 5", n)
	}
	if e.tap.count(callback.ManagerConfirmed) != 0 {
		t.Error("the manager confirmed though the engine never asked")
	}
}

// recorder answers like the engine: confirm, then dial the visitor.
type recorder struct {
	detect bool
	mu     sync.Mutex
	events []callback.Event
}

func (r *recorder) Report(_ context.Context, ev callback.Event) (callback.Reply, error) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	switch ev.Kind {
	case callback.ManagerAnswered:
		return callback.Reply{Action: callback.ActionConfirm, ConfirmDigit: "1"}, nil
	case callback.ManagerConfirmed:
		return callback.Reply{Action: callback.ActionDial, VisitorLegID: "v1", VisitorPhone: visitorOf(ev), DialTimeout: time.Second, DetectMachine: r.detect}, nil
	}
	return callback.Reply{}, nil
}

// visitorOf: the manager's leg id names the visitor to dial in these tests.
func visitorOf(ev callback.Event) string { return ev.Ref.LegID }

func (r *recorder) find(kind callback.EventKind) (callback.Event, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if ev.Kind == kind {
			return ev, true
		}
	}
	return callback.Event{}, false
}

func (r *recorder) kinds() []callback.EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []callback.EventKind
	for _, ev := range r.events {
		out = append(out, ev.Kind)
	}
	return out
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestCallStateKnowsEveryLeg: the sweeper's question gets the truth for
// the visitor's leg as for the manager's: running while it runs, then how
// it ended; a call never placed is unknown.
func TestCallStateKnowsEveryLeg(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, phone string
		detect      bool
		events      []callback.EventKind
		outcome     callback.Outcome
	}{
		{"person", visitor, true, []callback.EventKind{callback.VisitorRinging, callback.VisitorPickedUp, callback.VisitorAnswered, callback.VisitorEnded}, callback.OutcomeCompleted},
		{"machine detected", machine, true, []callback.EventKind{callback.VisitorRinging, callback.VisitorPickedUp, callback.VisitorEnded}, callback.OutcomeMachine},
		{"machine, no detection", machine, false, []callback.EventKind{callback.VisitorRinging, callback.VisitorAnswered, callback.VisitorEnded}, callback.OutcomeCompleted},
		{"busy", "+79161234502", true, []callback.EventKind{callback.VisitorRinging, callback.VisitorEnded}, callback.OutcomeBusy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := sim.New(fast)
			t.Cleanup(p.Close)
			rec := &recorder{detect: tc.detect}
			p.Bind(rec)
			ref := callback.LegRef{SiteID: "s", CallbackID: "c", LegID: tc.phone}
			mid, err := p.CallManager(ctx, callback.ManagerCall{Ref: ref, ManagerPhone: anna, RingTimeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			var rang callback.Event
			waitFor(t, func() bool { var ok bool; rang, ok = rec.find(callback.VisitorRinging); return ok })
			if st, err := p.CallState(ctx, rang.CallID); err != nil || st.Ended != (tc.outcome == callback.OutcomeBusy) {
				t.Fatalf("visitor leg after ringing: %+v %v", st, err) // busy ends at once
			}
			waitFor(t, func() bool { _, ok := rec.find(callback.ManagerEnded); return ok })
			var got []callback.EventKind
			for _, k := range rec.kinds() {
				if k != callback.ManagerRinging && k != callback.ManagerAnswered && k != callback.ManagerConfirmed && k != callback.ManagerEnded {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tc.events) {
				t.Errorf("visitor events %v, want %v", got, tc.events)
			}
			ended, _ := rec.find(callback.VisitorEnded)
			if st, err := p.CallState(ctx, rang.CallID); err != nil || !st.Ended || st.Outcome != tc.outcome || ended.Outcome != tc.outcome {
				t.Errorf("visitor leg: state %+v %v, reported %s; want %s", st, err, ended.Outcome, tc.outcome)
			}
			if st, err := p.CallState(ctx, mid); err != nil || !st.Ended || st.Outcome != callback.OutcomeCompleted {
				t.Errorf("manager leg: %+v %v", st, err)
			}
			if _, err := p.CallState(ctx, "SIMnever"); !errors.Is(err, callback.ErrUnknownCall) {
				t.Errorf("unknown call: %v", err)
			}
		})
	}
}

// TestHangupVisitorLeg: the sweeper hangs a quiet visitor leg up; it ends
// completed when it was answered, and the manager's call follows.
func TestHangupVisitorLeg(t *testing.T) {
	ctx := context.Background()
	d := fast
	d.Talk = time.Hour
	p := sim.New(d)
	t.Cleanup(p.Close)
	rec := &recorder{}
	p.Bind(rec)
	ref := callback.LegRef{SiteID: "s", CallbackID: "c", LegID: visitor}
	if _, err := p.CallManager(ctx, callback.ManagerCall{Ref: ref, ManagerPhone: anna, RingTimeout: time.Second}); err != nil {
		t.Fatal(err)
	}
	var answered callback.Event
	waitFor(t, func() bool { var ok bool; answered, ok = rec.find(callback.VisitorAnswered); return ok })
	if err := p.Hangup(ctx, answered.CallID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, ok := rec.find(callback.ManagerEnded); return ok })
	if ended, _ := rec.find(callback.VisitorEnded); ended.Outcome != callback.OutcomeCompleted {
		t.Errorf("visitor_ended %+v", ended)
	}
	if st, _ := p.CallState(ctx, answered.CallID); !st.Ended || st.Outcome != callback.OutcomeCompleted {
		t.Errorf("state %+v", st)
	}
}

// TestMachineIsNotConnected: through the real engine, a voicemail that
// picked up is never "connected": the attempt ends not reached, and with
// no retries left the request fails visitor_no_answer.
func TestMachineIsNotConnected(t *testing.T) {
	for _, name := range []string{"embedded", "redis"} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, stores[name](t), fast, nil)
			c := e.final(e.request(machine))
			if c.Status != callback.StatusFailed || c.Reason != callback.ReasonVisitorNoAnswer || slices.Contains(statuses(c), callback.StatusConnected) {
				t.Fatalf("%s/%s, timeline %v; want failed/visitor_no_answer, never connected", c.Status, c.Reason, statuses(c))
			}
			if v := c.Legs[len(c.Legs)-1]; v.Kind != callback.LegVisitor || v.Outcome != string(callback.OutcomeMachine) {
				t.Errorf("visitor leg %+v", v)
			}
		})
	}
}

// TestReportsOutliveARedisRestart: Redis itself goes away (closed, then
// restarted on its port with its data, 1.5 s later) as the manager answers
// or the visitor hangs up; the request still ends as the simulation went.
func TestReportsOutliveARedisRestart(t *testing.T) {
	for _, kind := range []callback.EventKind{callback.ManagerAnswered, callback.VisitorEnded} {
		t.Run(string(kind), func(t *testing.T) {
			m := miniredis.RunT(t)
			client := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1})
			t.Cleanup(func() { client.Close() })
			var restarted sync.WaitGroup
			e := newEnv(t, redisstore.New(client, "beckonsim"), fast, func(e *env, k callback.EventKind) {
				if k != kind {
					return
				}
				m.Close()
				restarted.Add(1)
				time.AfterFunc(1500*time.Millisecond, func() { // longer than go-redis' own dial retries
					defer restarted.Done()
					if err := m.Restart(); err != nil {
						t.Error(err)
					}
				})
			})
			c := e.final(e.request(visitor))
			restarted.Wait()
			if c.Status != callback.StatusCompleted || c.Manager != "Anna" {
				t.Fatalf("%s/%s by %q, want completed by Anna; timeline %v", c.Status, c.Reason, c.Manager, statuses(c))
			}
			if e.tap.count(kind) < 2 {
				t.Fatalf("%s reported %d times: Redis was never missed", kind, e.tap.count(kind))
			}
		})
	}
}
