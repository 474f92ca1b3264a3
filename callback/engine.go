package callback

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Store is what the bridge needs from the store.
type Store interface {
	store.Callbacks
	store.Jobs
	store.PubSub
	store.Leads // the inbox lead of each request, and the quiz's for the whisper
}

// ChangesChannel carries "<siteID>/<callbackID>" on the store's pub/sub
// whenever a request's status changes, so every replica can push it to the
// visitor's open progress stream.
const ChangesChannel = "callback-changed"

// Options tune an Engine; zero values take the defaults.
type Options struct {
	// Consumer names this replica's workers in the shared queue; unique per
	// process (the hostname and pid, say).
	Consumer string
	// Workers bounds the jobs worked on at once.
	Workers int
	// Lease is how long a claimed job stays hidden from other replicas; a
	// job not acked by then was dropped by a dead worker and is taken over.
	Lease  time.Duration
	Logger *slog.Logger
	// Missed is told about every request that ended failed (the site's
	// missed-callback notification), at least once: again by every later
	// job of the request, and until it returns nil, so it must be
	// idempotent (the notifier keys the message by the request).
	Missed func(ctx context.Context, site store.Site, set Settings, c store.Callback) error
	// Connected is told when a request's visitor and manager are bridged.
	Connected func(ctx context.Context, site store.Site, c store.Callback)
	// Now is the clock; tests move it.
	Now func() time.Time
	// UnqueuedSweep is how often the engine looks for requests a crash
	// left stored but not queued (see unqueued.go); default a minute.
	UnqueuedSweep time.Duration
}

// Windows beyond the ring timeouts: a whisper and a digit take time, a
// webhook may be late. When they pass with no word from the provider, the
// bridge asks the provider how the call stands (see sweep.go).
const (
	answerWindow     = 40 * time.Second
	visitorWindow    = 30 * time.Second
	connectedRecheck = 2 * time.Minute
)

// Engine is the callback bridge: it works queued requests through the state
// machine, placing calls with the provider and following its events.
type Engine struct {
	st    Store
	sites widgets.Sites // a request's site and its widget's settings
	prov  Provider
	opts  Options
	log   *slog.Logger
	wg    sync.WaitGroup

	widgetsMu sync.Mutex
	widgets   map[string]string // callbackID → widgetID of requests under way here
}

// NewEngine makes an engine; Run starts its workers. sites is the
// server's cache of sites (widgets.Sites): every event of a bridge needs
// the request's site and settings, and an owner's edit reaches calls
// already under way as soon as the cache drops the site.
func NewEngine(st Store, sites widgets.Sites, prov Provider, opts Options) *Engine {
	if opts.Workers <= 0 {
		opts.Workers = 64
	}
	if opts.Lease <= 0 {
		opts.Lease = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Consumer == "" {
		opts.Consumer = "beckon-" + newID()
	}
	if opts.UnqueuedSweep <= 0 {
		opts.UnqueuedSweep = time.Minute
	}
	return &Engine{st: st, sites: sites, prov: prov, opts: opts, log: opts.Logger.With("component", "callback"),
		widgets: map[string]string{}}
}

// Provider is the engine's telephony provider.
func (e *Engine) Provider() Provider { return e.prov }

func (e *Engine) now() time.Time { return e.opts.Now().UTC() }

// Run claims and works jobs until ctx ends, then waits for the jobs in hand.
// It also sweeps requests a crash left unqueued (see unqueued.go).
// Jobs run with their own short deadline, so a shutdown does not cut a
// provider call in half.
func (e *Engine) Run(ctx context.Context) {
	e.wg.Add(1)
	go func() { defer e.wg.Done(); e.sweepUnqueued(ctx) }()
	slots := make(chan struct{}, e.opts.Workers)
	for ctx.Err() == nil {
		free := cap(slots) - len(slots)
		if free == 0 {
			select {
			case slots <- struct{}{}:
				<-slots
			case <-ctx.Done():
			}
			continue
		}
		jobs, err := e.st.ClaimJobs(ctx, e.opts.Consumer, free, e.opts.Lease, 2*time.Second)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Error("claim callback jobs", slog.Any("err", err))
				sleep(ctx, time.Second)
			}
			continue
		}
		for _, j := range jobs {
			slots <- struct{}{}
			e.wg.Add(1)
			go func() {
				defer func() { <-slots; e.wg.Done() }()
				jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.opts.Lease/2)
				defer cancel()
				e.work(jctx, j)
			}()
		}
	}
	e.wg.Wait()
}

// work handles one job; it acks only when the request's step is done, so a
// failed store write brings the job back after its lease.
func (e *Engine) work(ctx context.Context, j store.Job) {
	jobsWorked.Inc()
	c, err := e.st.GetCallback(ctx, j.SiteID, j.CallbackID)
	if err == nil {
		err = e.advance(ctx, c)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.log.Error("callback step", slog.String("callback_id", j.CallbackID), slog.Int("deliveries", j.Deliveries), slog.Any("err", err))
		return
	}
	if err := e.st.AckJob(ctx, j); err != nil {
		e.log.Warn("ack callback job", slog.String("callback_id", j.CallbackID), slog.Any("err", err))
	}
}

// wake schedules another look at c at due.
func (e *Engine) wake(ctx context.Context, c store.Callback, due time.Time) error {
	if err := e.st.EnqueueJob(ctx, store.Job{SiteID: c.SiteID, CallbackID: c.ID, Due: due}); err != nil {
		return fmt.Errorf("callback: schedule %s: %w", c.ID, err)
	}
	return nil
}

// context of one request: its site and its widget's settings.
type scope struct {
	site store.Site
	set  Settings
	loc  *time.Location
}

func (e *Engine) scopeOf(ctx context.Context, c store.Callback) (scope, error) {
	site, err := e.sites.ByID(ctx, c.SiteID)
	if err != nil {
		return scope{}, fmt.Errorf("callback: site of %s: %w", c.ID, err)
	}
	w, ok := site.Widget(c.WidgetID)
	if !ok {
		return scope{}, fmt.Errorf("callback: widget of %s: %w", c.ID, store.ErrNotFound)
	}
	set, ok := w.Parsed.(*Settings)
	if !ok {
		return scope{}, fmt.Errorf("callback: widget %s of %s is a %s widget", w.ID, c.ID, w.Type)
	}
	return scope{site: site.Site, set: *set, loc: site.Loc}, nil
}

// update applies fn to the stored request and, when its status changed,
// tells the replicas and, when it failed, the site.
func (e *Engine) update(ctx context.Context, sc scope, c store.Callback, fn func(*store.Callback) error) (store.Callback, error) {
	var before string
	got, err := e.st.UpdateCallback(ctx, c.SiteID, c.ID, func(c *store.Callback) error {
		before = c.Status
		if err := fn(c); err != nil {
			return err
		}
		c.UpdatedAt = e.now()
		return nil
	})
	if err != nil {
		return got, err
	}
	e.remember(got)
	if got.Status != before {
		e.changed(ctx, sc, got, before)
	}
	return got, nil
}

// remember keeps which widget a request under way belongs to, so a
// provider's event for it needs no read before its update; a final
// request is forgotten.
func (e *Engine) remember(c store.Callback) {
	e.widgetsMu.Lock()
	defer e.widgetsMu.Unlock()
	if Final(c.Status) {
		delete(e.widgets, c.ID)
		return
	}
	if len(e.widgets) > 100_000 { // events for the forgotten fall back to a read
		clear(e.widgets)
	}
	e.widgets[c.ID] = c.WidgetID
}

// requestRef is what Report needs of a request before updating it: its
// ids and widget, from memory when this replica placed the call, else
// read.
func (e *Engine) requestRef(ctx context.Context, ref LegRef) (store.Callback, error) {
	e.widgetsMu.Lock()
	widget, ok := e.widgets[ref.CallbackID]
	e.widgetsMu.Unlock()
	if ok {
		return store.Callback{ID: ref.CallbackID, SiteID: ref.SiteID, WidgetID: widget}, nil
	}
	return e.st.GetCallback(ctx, ref.SiteID, ref.CallbackID)
}

func (e *Engine) changed(ctx context.Context, sc scope, c store.Callback, before string) {
	transitions.WithLabelValues(c.Status).Inc()
	if err := e.st.Publish(ctx, ChangesChannel, []byte(c.SiteID+"/"+c.ID)); err != nil {
		e.log.Warn("publish callback change", slog.String("callback_id", c.ID), slog.Any("err", err))
	}
	e.log.Info("callback status", slog.String("site_id", c.SiteID), slog.String("callback_id", c.ID),
		slog.String("from", before), slog.String("to", c.Status), slog.String("reason", c.Reason))
	if c.Status == StatusConnected && e.opts.Connected != nil {
		e.opts.Connected(ctx, sc.site, c)
	}
	if c.Status == StatusFailed && !erased(c) && e.opts.Missed != nil {
		if err := e.opts.Missed(ctx, sc.site, sc.set, c); err != nil {
			// A job of the request tries again (see missedAgain).
			e.log.Error("missed-callback notification", slog.String("callback_id", c.ID), slog.Any("err", err))
			if err := e.wake(ctx, c, e.now().Add(e.opts.Lease)); err != nil {
				e.log.Error("schedule missed-callback notification", slog.String("callback_id", c.ID), slog.Any("err", err))
			}
		}
	}
}

// missedAgain tells Missed about a failed request once more. A process that
// died between failing the request and storing the owner's notification, or
// a notification the store refused, leaves a job of the request behind;
// that job lands here, and its error keeps the job for another try.
func (e *Engine) missedAgain(ctx context.Context, c store.Callback) error {
	if c.Status != StatusFailed || erased(c) || e.opts.Missed == nil {
		return nil
	}
	sc, err := e.scopeOf(ctx, c)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the widget is gone, and its notify_url with it
	}
	if err != nil {
		return err
	}
	if err := e.opts.Missed(ctx, sc.site, sc.set, c); err != nil {
		return fmt.Errorf("callback: missed-callback notification of %s: %w", c.ID, err)
	}
	return nil
}

// errSkip aborts an update whose premise no longer holds (another worker
// or event got there first); it is not an error to the caller.
var errSkip = errors.New("callback: nothing to do")

// NewID makes the random ids of requests and legs.
func NewID() string { return newID() }

func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
