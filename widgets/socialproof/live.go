package socialproof

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// liveConnsPerIP bounds the live connections (WebSocket and SSE) of one
// visitor address on a replica. A visitor has one per tab; an office or a
// mobile carrier's NAT puts many visitors behind one address, so the cap
// is generous: it stops one machine from holding thousands of sockets
// through a proxy, where the listener's per-address cap
// (BECKON_MAX_CONNS_PER_IP) sees only the proxy. The replica's total is
// the listener's BECKON_MAX_CONNS.
const liveConnsPerIP = 100

// maxInbound bounds a message a browser may send: it sends none (only
// pongs), so anything larger than this closes the connection.
const maxInbound = 512

// LiveOptions tune live delivery; zero values get the defaults, which
// production uses (tests shorten the times).
type LiveOptions struct {
	// Replica names this replica's presence reports; default: host, pid
	// and a random suffix.
	Replica string
	// ConnsPerIP bounds one address's live connections (liveConnsPerIP).
	ConnsPerIP int
	// SendQueue bounds the messages waiting for one connection (128: one
	// events API call adds up to 100 at once); a connection that falls
	// further behind is dropped.
	SendQueue int
	// ViewersEvery is how often counts are read and changed ones sent (2 s):
	// at most one viewers message per site per period.
	ViewersEvery time.Duration
	// PresenceEvery is how often unchanged counts are reported again (5 s),
	// PresenceTTL how long a report lasts (15 s): a replica that dies
	// leaves the counts within it.
	PresenceEvery, PresenceTTL time.Duration
	// PingEvery is how often the server pings (25 s); a connection that
	// answers nothing for PongWait (60 s) is closed.
	PingEvery, PongWait time.Duration
}

func (o LiveOptions) withDefaults() LiveOptions {
	if o.Replica == "" {
		host, _ := os.Hostname()
		var b [3]byte
		_, _ = rand.Read(b[:])
		o.Replica = host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
	}
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.ViewersEvery, 2*time.Second)
	def(&o.PresenceEvery, 5*time.Second)
	def(&o.PresenceTTL, 15*time.Second)
	def(&o.PingEvery, 25*time.Second)
	def(&o.PongWait, 60*time.Second)
	if o.ConnsPerIP <= 0 {
		o.ConnsPerIP = liveConnsPerIP
	}
	if o.SendQueue <= 0 {
		o.SendQueue = 128
	}
	return o
}

var (
	liveOpen = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "beckon_social_proof_live_connections",
		Help: "Live social proof connections (WebSocket and SSE) open on this replica.",
	})
	liveDropped = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_social_proof_live_dropped_total",
		Help: "Live connections dropped because they fell behind (their send queue was full).",
	})
)

// live serves the widget's live feed: WebSocket, with SSE and polling
// where WebSocket is blocked.
type live struct {
	deps     widgets.Deps
	opts     LiveOptions
	hub      *hub
	upgrader fiber.Handler
	done     chan struct{}
}

func newLive(d widgets.Deps, opts LiveOptions) (*live, error) {
	st, ok := d.Store.(liveStore)
	if !ok {
		return nil, fmt.Errorf("socialproof: the %s store keeps no events or presence", d.Store.Kind())
	}
	opts = opts.withDefaults()
	l := &live{deps: d, opts: opts, hub: newHub(st, d.Sites, d.Log, d.Now, opts)}
	l.upgrader = l.websocketUpgrader()
	return l, nil
}

// WithLive sets the module's live options (tests shorten the periods).
func (m *Module) WithLive(o LiveOptions) *Module {
	m.live = &live{opts: o}
	return m
}

// mountLive makes the module's live delivery and adds its routes.
func (m *Module) mountLive(d widgets.Deps, r widgets.Router) error {
	var o LiveOptions
	if m.live != nil {
		o = m.live.opts
	}
	l, err := newLive(d, o)
	if err != nil {
		return err
	}
	m.live = l
	l.mount(r)
	return nil
}

// Start implements widgets.Runner: live counts run until ctx (the
// server's life) ends; then every live connection is told to reconnect
// and closed.
func (m *Module) Start(ctx context.Context) error {
	m.live.start(ctx)
	return nil
}

// Wait implements widgets.Runner: the live connections have closed and
// this replica's counts are withdrawn.
func (m *Module) Wait(ctx context.Context) { m.live.wait(ctx) }

// mount adds the live routes to the public API.
func (l *live) mount(r widgets.Router) {
	r.Add(fiber.MethodGet, "/live", l.websocketRoute)
	r.Add(fiber.MethodGet, "/live/events", l.eventsRoute)
	r.Add(fiber.MethodGet, "/live/poll", l.pollRoute)
}

// start runs presence and pings until ctx (the server's life) ends, when
// every connection is told to reconnect.
func (l *live) start(ctx context.Context) {
	done := make(chan struct{})
	l.hub.mu.Lock()
	l.hub.life, l.done = ctx, done
	l.hub.mu.Unlock()
	go l.hub.runPings(ctx.Done())
	go func() {
		defer close(done)
		l.hub.runPresence(ctx)
	}()
}

// wait returns once every live connection has closed and presence is
// withdrawn, or when ctx ends first.
func (l *live) wait(ctx context.Context) {
	// Taking the lock orders this after any reserve that saw the server
	// still running: no connection is added while conns.Wait runs.
	l.hub.mu.Lock()
	presence := l.done
	l.hub.mu.Unlock()
	finished := make(chan struct{})
	go func() {
		l.hub.conns.Wait()
		if presence != nil {
			<-presence
		}
		close(finished)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
	}
}

// liveRequest is a live route's query, checked.
type liveRequest struct {
	site   *widgets.Site
	widget widgets.Widget
	// set is the social proof widget's settings; nil for a push-only
	// member: a widget with a push trigger on a page without social proof,
	// which gets pushes and no events or counts.
	set *Settings
	// noPushes: a push-only member of a site where no widget accepts
	// pushes; its hello says so, and the page closes the connection.
	noPushes  bool
	visitorID string
	page      string
	since     cursor
	ip        string
}

// parseLiveRequest reads ?widget_id=W&visitor_id=V&page=/path&since=S
// (S: the seq of the last event the client got; a time from older widgets).
// widget_id may be left out when the site has one social proof widget; it
// may also name an enabled widget of any type whose trigger block has a
// push trigger. Such a connection is a push-only member, and so is one of a
// social proof widget with only=push (a page where it shows no notices).
func (l *live) parseLiveRequest(c *fiber.Ctx) (*liveRequest, error) {
	site := widgets.SiteOf(c)
	req := &liveRequest{site: site, visitorID: c.Query("visitor_id"), page: c.Query("page", "/"), ip: l.deps.ClientIP(c)}
	id := c.Query("widget_id")
	if w, ok := site.Enabled(widgetType, id); ok {
		req.widget, req.set = w, w.Parsed.(*Settings)
	} else if w, ok := site.Widget(id); ok && id != "" && pushable(site, id) == nil {
		req.widget = w
	} else {
		return nil, api.NotFound("social_proof widget (or widget with a push trigger)")
	}
	switch only := c.Query("only"); only {
	case "":
	case "push":
		req.set, req.noPushes = nil, !acceptsPushes(site)
	default:
		return nil, &validate.Error{Field: "only", Message: "want push, or nothing"}
	}
	if err := validate.Line("visitor_id", req.visitorID, false, 64); err != nil {
		return nil, err
	}
	if err := validate.Line("page", req.page, true, 512); err != nil {
		return nil, err
	}
	if req.page[0] != '/' {
		return nil, &validate.Error{Field: "page", Message: "want the page's path, starting with /"}
	}
	if s := c.Query("since"); s != "" {
		since, ok := parseCursor(s)
		if !ok {
			return nil, &validate.Error{Field: "since", Message: "want the seq of the last event received, such as 42"}
		}
		req.since = since
	}
	return req, nil
}

// member is what the hub files the connection under: its widget's id, so
// that it gets that widget's events and counts, or for a push-only member
// a name no widget has, so that it gets pushes alone (a social proof
// widget's with only=push would get its events otherwise).
func (req *liveRequest) member() string {
	if req.set == nil {
		return "push:" + req.widget.ID
	}
	return req.widget.ID
}

// tooManyConnections refuses a live connection over the per-address cap.
func tooManyConnections() error {
	return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
		Message: "too many live connections from this address; retry later", RetryAfter: 30}
}

// hello is what a new connection gets first: the widget's recent events
// after since and within its max age, newest first, and the live counts.
// The connection then skips the hello's events (seen) if they come again
// as they are published; newest is the largest seq among them.
func (l *live) hello(ctx context.Context, req *liveRequest) (msg helloMessage, seen []string, newest int64, err error) {
	if req.set == nil {
		return helloMessage{Type: "hello", Events: []PublicEventView{}, NoPushes: req.noPushes, Now: l.deps.Now().UTC()}, nil, 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, api.StoreDeadline)
	defer cancel()
	recent, err := l.hub.recentEvents(ctx, req.site.ID)
	if err != nil {
		return msg, nil, newest, err
	}
	evs := newerThan(recent, req.since, l.deps.Now(), req.set)
	msg = helloMessage{Type: "hello", Events: make([]PublicEventView, len(evs)),
		Viewers: l.hub.viewersNow(req.site.ID, req.set, group{req.widget.ID, req.page}), Now: l.deps.Now().UTC()}
	seen = make([]string, len(evs))
	for i, ev := range evs {
		msg.Events[i], seen[i] = PublicEvent(ev, req.set), ev.ID
		newest = max(newest, ev.Seq)
	}
	return msg, seen, newest, nil
}

// publicEvents formats the events a request may see for its widget.
func (l *live) publicEvents(evs []store.Event, req *liveRequest) []PublicEventView {
	out := []PublicEventView{}
	for _, ev := range newerThan(evs, req.since, l.deps.Now(), req.set) {
		out = append(out, PublicEvent(ev, req.set))
	}
	return out
}
