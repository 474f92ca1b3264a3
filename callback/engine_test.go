package callback_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/widgets"
)

// fast makes simulated calls take milliseconds.
var fast = sim.Delays{Ring: 20 * time.Millisecond, Answer: 40 * time.Millisecond,
	Press: 40 * time.Millisecond, Talk: 80 * time.Millisecond}

type env struct {
	t      *testing.T
	st     *embedded.Store
	site   store.Site
	widget store.Widget
	sim    *sim.Provider
	engine *callback.Engine
	missed chan store.Callback
	// refuseMissed is how many missed-callback notifications to refuse,
	// as a store that is down would.
	refuseMissed atomic.Int32
}

// newEnv makes a site whose callback widget has settings (stored as given:
// tests may use values below Normalize's floors, such as a 1 s retry delay),
// and runs an engine with the simulator on the embedded store.
func newEnv(t *testing.T, settings string) *env {
	t.Helper()
	st, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	now := time.Now().UTC()
	site := store.Site{ID: callback.NewID(), Key: callback.NewID(), Name: "shop.example", Origins: []string{"https://shop.example"},
		Timezone: "Europe/Moscow", Locale: "en", Region: "RU", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	var set callback.Settings
	if err := json.Unmarshal([]byte(settings), &set); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(set)
	w := store.Widget{ID: callback.NewID(), SiteID: site.ID, Type: "callback", Enabled: true, Settings: raw, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateWidget(ctx, w); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, site: site, widget: w, sim: sim.New(fast), missed: make(chan store.Callback, 10)}
	e.engine = e.newEngine("worker-a")
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); e.engine.Run(runCtx) }()
	t.Cleanup(func() { cancel(); <-done; e.sim.Close() })
	return e
}

// sitesOf are st's sites as the server's cache gives them to the engine,
// read afresh on every step.
func sitesOf(st store.Store) widgets.Sites {
	return servertest.StoreSites(st, callback.NewModule(callback.ModuleOptions{}))
}

func (e *env) newEngine(consumer string) *callback.Engine {
	eng := callback.NewEngine(e.st, sitesOf(e.st), e.sim, callback.Options{Consumer: consumer, Lease: time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Missed: func(_ context.Context, _ store.Site, _ callback.Settings, c store.Callback) error {
			if e.refuseMissed.Add(-1) >= 0 {
				return errors.New("outbox unavailable")
			}
			select { // told again by later jobs of the request: keep the first ones
			case e.missed <- c:
			default:
			}
			return nil
		}})
	e.sim.Bind(eng)
	return eng
}

// request stores a request for phone, due at due, the way intake does.
func (e *env) request(phone string, due time.Time) store.Callback {
	e.t.Helper()
	now := time.Now().UTC()
	c := store.Callback{ID: callback.NewID(), SiteID: e.site.ID, WidgetID: e.widget.ID, Phone: phone, Name: "Ivan",
		VisitorID: "v1", PageURL: "https://shop.example/boilers", DueAt: due, Scheduled: due.After(now),
		Status: callback.StatusQueued, Timeline: []store.Transition{{Status: callback.StatusQueued, At: now}},
		Legs: []store.Leg{}, CreatedAt: now, UpdatedAt: now}
	got, created, err := e.st.CreateCallback(context.Background(), c, now.Add(-time.Millisecond))
	if err != nil || !created {
		e.t.Fatalf("create: %v %v", created, err)
	}
	return got
}

func allLegsEnded(c store.Callback) bool {
	for _, l := range c.Legs {
		if l.EndedAt.IsZero() {
			return false
		}
	}
	return true
}

// waitFinal waits for the request to end, and every call with it.
func (e *env) waitFinal(id string, within time.Duration) store.Callback {
	e.t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := e.st.GetCallback(context.Background(), e.site.ID, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if callback.Final(c.Status) && allLegsEnded(c) {
			return c
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("request still %s after %v; timeline %+v", c.Status, within, c.Timeline)
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

const twoManagers = `{"strategy":"in_order","managers":[{"name":"Anna","phone":"+79000000010"},{"name":"Boris","phone":"+79000000020"}],
	"manager_ring_seconds":20,"visitor_ring_seconds":30,"visitor_retries":0,"retry_delay_seconds":1,"machine_detection":true}`

func TestBridgeConnectsAndCompletes(t *testing.T) {
	e := newEnv(t, twoManagers)
	c := e.request("+79161234567", time.Now())
	got := e.waitFinal(c.ID, 5*time.Second)
	want := []string{"queued", "calling_manager", "manager_answered", "calling_visitor", "connected", "completed"}
	if !slices.Equal(statuses(got), want) {
		t.Fatalf("timeline %v, want %v", statuses(got), want)
	}
	if got.Manager != "Anna" || got.ManagerEmail != "" || got.Attempt != 1 {
		t.Fatalf("taken by %q <%s> in attempt %d, want Anna (no account) in 1", got.Manager, got.ManagerEmail, got.Attempt)
	}
	for i := 1; i < len(got.Timeline); i++ {
		if got.Timeline[i].At.Before(got.Timeline[i-1].At) {
			t.Fatalf("timeline out of order: %+v", got.Timeline)
		}
	}
	if n := len(got.Legs); n != 2 {
		t.Fatalf("%d legs, want a manager's and a visitor's: %+v", n, got.Legs)
	}
}

func TestManagerNoAnswerRingsTheNext(t *testing.T) {
	settings := strings.Replace(twoManagers, "+79000000010", "+79000000001", 1) // …01: never answers
	// Boris has a dashboard account: the request records it as the taker's.
	settings = strings.Replace(settings, `"name":"Boris",`, `"name":"Boris","email":"boris@shop.example",`, 1)
	e := newEnv(t, settings)
	c := e.request("+79161234567", time.Now())
	got := e.waitFinal(c.ID, 5*time.Second)
	if got.Status != callback.StatusCompleted || got.Manager != "Boris" || got.ManagerEmail != "boris@shop.example" {
		t.Fatalf("status %s by %q <%s>, want completed by Boris <boris@shop.example>; legs %+v", got.Status, got.Manager, got.ManagerEmail, got.Legs)
	}
	if got.Legs[0].Outcome != string(callback.OutcomeNoAnswer) {
		t.Fatalf("first leg outcome %q, want no_answer", got.Legs[0].Outcome)
	}
}

func TestAllManagersBusy(t *testing.T) {
	settings := strings.NewReplacer("+79000000010", "+79000000002", "+79000000020", "+79000000102").Replace(twoManagers)
	e := newEnv(t, settings)
	c := e.request("+79161234567", time.Now())
	got := e.waitFinal(c.ID, 5*time.Second)
	if got.Status != callback.StatusFailed || got.Reason != callback.ReasonManagerNoAnswer {
		t.Fatalf("%s/%s, want failed/manager_no_answer", got.Status, got.Reason)
	}
	select {
	case m := <-e.missed:
		if m.ID != c.ID {
			t.Fatalf("missed hook for %s", m.ID)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no missed-callback hook for a failed request")
	}
}

// TestMissedNotificationUntilStored: a missed-callback notification the
// store refuses is not lost: a job of the request tells it again.
func TestMissedNotificationUntilStored(t *testing.T) {
	settings := strings.NewReplacer("+79000000010", "+79000000002", "+79000000020", "+79000000102").Replace(twoManagers)
	e := newEnv(t, settings)
	e.refuseMissed.Store(2)
	c := e.request("+79161234567", time.Now())
	if got := e.waitFinal(c.ID, 5*time.Second); got.Status != callback.StatusFailed {
		t.Fatalf("%s/%s, want failed", got.Status, got.Reason)
	}
	select {
	case m := <-e.missed:
		if m.ID != c.ID || m.Status != callback.StatusFailed {
			t.Fatalf("missed hook for %s (%s)", m.ID, m.Status)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("a refused missed-callback notification was never told again")
	}
	if left := e.refuseMissed.Load(); left >= 0 {
		t.Fatalf("%d refusals left: the hook was not retried", left+1)
	}
}

func TestVisitorBusyIsRetriedThenFails(t *testing.T) {
	e := newEnv(t, strings.Replace(twoManagers, `"visitor_retries":0`, `"visitor_retries":1`, 1))
	c := e.request("+79161234502", time.Now()) // …02: busy
	got := e.waitFinal(c.ID, 8*time.Second)
	if got.Status != callback.StatusFailed || got.Reason != callback.ReasonVisitorBusy || got.Attempt != 2 {
		t.Fatalf("%s/%s after %d attempts, want failed/visitor_busy after 2; timeline %+v", got.Status, got.Reason, got.Attempt, got.Timeline)
	}
	var retry store.Transition
	for _, tr := range got.Timeline[1:] {
		if tr.Status == callback.StatusQueued {
			retry = tr
		}
	}
	if retry.Detail == "" {
		t.Fatalf("no retry step in the timeline: %+v", got.Timeline)
	}
	var second time.Time
	for _, l := range got.Legs {
		if l.Attempt == 2 && l.Kind == callback.LegManager {
			second = l.StartedAt
		}
	}
	if d := second.Sub(retry.At); d < 900*time.Millisecond {
		t.Fatalf("second attempt %v after the retry was scheduled, want the 1 s delay", d)
	}
}

func TestAllAtOnceFirstConfirmWins(t *testing.T) {
	e := newEnv(t, strings.Replace(twoManagers, "in_order", "all_at_once", 1))
	c := e.request("+79161234567", time.Now())
	got := e.waitFinal(c.ID, 5*time.Second)
	if got.Status != callback.StatusCompleted {
		t.Fatalf("status %s", got.Status)
	}
	var winners, cancelled int
	for _, l := range got.Legs {
		if l.Kind != callback.LegManager {
			continue
		}
		switch l.Outcome {
		case string(callback.OutcomeCanceled):
			cancelled++
		case string(callback.OutcomeCompleted):
			winners++
		}
	}
	if winners != 1 || cancelled != 1 {
		t.Fatalf("manager legs: %d completed, %d hung up; want 1 and 1: %+v", winners, cancelled, got.Legs)
	}
}

func TestScheduledRequestWaitsForItsTime(t *testing.T) {
	e := newEnv(t, twoManagers)
	due := time.Now().Add(1500 * time.Millisecond).UTC()
	c := e.request("+79161234567", due)
	time.Sleep(time.Second)
	early, _ := e.st.GetCallback(context.Background(), e.site.ID, c.ID)
	if early.Status != callback.StatusQueued {
		t.Fatalf("a request due in 1.5 s is %s after 1 s", early.Status)
	}
	got := e.waitFinal(c.ID, 5*time.Second)
	if start := got.Legs[0].StartedAt; start.Before(due) {
		t.Fatalf("manager rung at %v, before the slot %v", start, due)
	}
	if got.Status != callback.StatusCompleted {
		t.Fatalf("status %s", got.Status)
	}
}

func TestNoManagerAtWork(t *testing.T) {
	e := newEnv(t, `{"managers":[],"manager_ring_seconds":20,"visitor_ring_seconds":30}`)
	c := e.request("+79161234567", time.Now())
	got := e.waitFinal(c.ID, 3*time.Second)
	if got.Reason != callback.ReasonNoManagerAvailable {
		t.Fatalf("reason %q", got.Reason)
	}
}

// TestRepeatedAndLateEventsChangeNothing replays a finished request's events
// twice and in reverse: nothing is stored again.
func TestRepeatedAndLateEventsChangeNothing(t *testing.T) {
	e := newEnv(t, twoManagers)
	c := e.request("+79161234567", time.Now())
	done := e.waitFinal(c.ID, 5*time.Second)
	ctx := context.Background()
	var events []callback.Event
	for _, l := range done.Legs {
		ref := callback.LegRef{SiteID: c.SiteID, CallbackID: c.ID, LegID: l.ID}
		if l.Kind == callback.LegManager {
			events = append(events, callback.Event{Ref: ref, Kind: callback.ManagerRinging}, callback.Event{Ref: ref, Kind: callback.ManagerAnswered},
				callback.Event{Ref: ref, Kind: callback.ManagerConfirmed}, callback.Event{Ref: ref, Kind: callback.ManagerEnded, Outcome: callback.OutcomeCompleted})
		} else {
			events = append(events, callback.Event{Ref: ref, Kind: callback.VisitorRinging}, callback.Event{Ref: ref, Kind: callback.VisitorAnswered},
				callback.Event{Ref: ref, Kind: callback.VisitorEnded, Outcome: callback.OutcomeBusy})
		}
	}
	for round := 0; round < 2; round++ {
		for i := range events {
			ev := events[i]
			if round == 1 {
				ev = events[len(events)-1-i]
			}
			if _, err := e.engine.Report(ctx, ev); err != nil {
				t.Fatalf("%s: %v", ev.Kind, err)
			}
		}
	}
	after, _ := e.st.GetCallback(ctx, c.SiteID, c.ID)
	a, _ := json.Marshal(after)
	b, _ := json.Marshal(done)
	if string(a) != string(b) {
		t.Fatalf("replayed events changed the request:\nbefore %s\nafter  %s", b, a)
	}
}

// TestDeadWorkersJobIsTakenOverWithoutRingingTwice: a worker recorded a
// manager's leg and died before the provider call returned. The job comes
// back after its lease; the next worker does not ring that manager again
// but moves on to the next one.
func TestDeadWorkersJobIsTakenOverWithoutRingingTwice(t *testing.T) {
	e := newEnv(t, twoManagers)
	ctx := context.Background()
	now := time.Now().UTC()
	// What the dead worker left: the request moved to calling_manager with
	// Anna's leg recorded as dialling, no call id, and its job claimed.
	c := e.request("+79161234567", now.Add(time.Hour)) // not due: the live engine leaves it alone
	deadLeg := store.Leg{ID: "leg-dead", Kind: callback.LegManager, Attempt: 1, Manager: 0, Phone: "+79000000010", Status: "dialing", StartedAt: now.Add(-2 * time.Minute)}
	_, err := e.st.UpdateCallback(ctx, c.SiteID, c.ID, func(c *store.Callback) error {
		c.DueAt, c.Attempt, c.Status = now.Add(-2*time.Minute), 1, callback.StatusCallingManager
		c.Legs = []store.Leg{deadLeg}
		c.Timeline = append(c.Timeline, store.Transition{Status: callback.StatusCallingManager, At: deadLeg.StartedAt})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.EnqueueJob(ctx, store.Job{SiteID: c.SiteID, CallbackID: c.ID, Due: now}); err != nil {
		t.Fatal(err)
	}
	got := e.waitFinal(c.ID, 8*time.Second)
	if got.Status != callback.StatusCompleted || got.Manager != "Boris" {
		t.Fatalf("%s by %q, want completed by Boris; legs %+v", got.Status, got.Manager, got.Legs)
	}
	rungAnna := 0
	for _, l := range got.Legs {
		if l.Phone == "+79000000010" {
			rungAnna++
		}
	}
	if rungAnna != 1 || got.Legs[0].Outcome != string(callback.OutcomeFailed) {
		t.Fatalf("Anna's legs: %d (want only the dead worker's, ended failed): %+v", rungAnna, got.Legs)
	}
}
