package socialproof

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// liveStore is what live delivery needs of the store.
type liveStore interface {
	store.PubSub
	store.Events
	store.Presence
	store.LivePushes
}

// helloEvents bounds the recent events a new connection gets: more than a
// visit shows (max_per_visit is 5 by default), so the widget can skip
// those it showed before.
const helloEvents = 20

// recentFresh is how long a site's recent events, read for one hello, serve
// the next ones: a reconnect storm after a deploy reads the store once per
// site and moment, not once per visitor. Every event or delete clears it.
const recentFresh = 5 * time.Second

var errDraining = errors.New("socialproof: the replica is shutting down")

// hub is this replica's side of live delivery: the open live connections
// of each site, one store subscription per site while it has any, and the
// fan-out of each broadcast to them.
type hub struct {
	st    liveStore
	sites widgets.Sites
	log   *slog.Logger
	now   func() time.Time
	opts  LiveOptions

	life  context.Context // the server's; ends at shutdown
	conns sync.WaitGroup  // connections open, for a drain to wait on

	mu     sync.Mutex
	rooms  map[string]*room
	perIP  map[string]int
	joined int // members ever joined, to spread their pings
}

// room is one site's live audience on this replica.
type room struct {
	siteID  string
	members map[*member]struct{}
	// pollers are visitors who polled lately, by visitor id: present
	// until their time is up.
	pollers map[string]poller

	// unsubscribe ends the site's subscription; nil while no member is
	// connected. subscribed is closed once it is active (or failed: subErr).
	unsubscribe context.CancelFunc
	subscribed  chan struct{}
	subErr      error

	recent   []store.Event // newest first, read at recentAt
	recentAt time.Time

	presence roomPresence
}

type poller struct {
	page  string
	until time.Time
}

func newHub(st liveStore, sites widgets.Sites, log *slog.Logger, now func() time.Time, opts LiveOptions) *hub {
	return &hub{st: st, sites: sites, log: log, now: now, opts: opts, life: context.Background(),
		rooms: map[string]*room{}, perIP: map[string]int{}}
}

// reserve takes one of ip's live connection slots; false when it has
// none left or the replica is draining.
func (h *hub) reserve(ip string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.life.Err() != nil || h.perIP[ip] >= h.opts.ConnsPerIP {
		return false
	}
	h.perIP[ip]++
	h.conns.Add(1)
	return true
}

// hasRoom says whether ip may open another live connection now.
func (h *hub) hasRoom(ip string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.life.Err() == nil && h.perIP[ip] < h.opts.ConnsPerIP
}

// release gives ip's slot back once its connection has closed.
func (h *hub) release(ip string) {
	h.mu.Lock()
	if h.perIP[ip]--; h.perIP[ip] <= 0 {
		delete(h.perIP, ip)
	}
	h.mu.Unlock()
	h.conns.Done()
}

func (h *hub) roomLocked(siteID string) *room {
	r := h.rooms[siteID]
	if r == nil {
		r = &room{siteID: siteID, members: map[*member]struct{}{}, pollers: map[string]poller{}}
		h.rooms[siteID] = r
	}
	return r
}

// join adds a connection of widgetID on page to its site's room and
// returns once the site's subscription is active: whatever is published
// afterwards reaches the member, so a hello read after join misses nothing.
// The member is returned holding its writer's turn: the caller writes the
// hello, then calls flush.
func (h *hub) join(siteID, widgetID, page string, c conn) (*member, error) {
	m := newMember(widgetID, page, c, h.opts.SendQueue)
	h.mu.Lock()
	if h.life.Err() != nil {
		h.mu.Unlock()
		return nil, errDraining
	}
	r := h.roomLocked(siteID)
	r.members[m] = struct{}{}
	m.pingSlot = h.joined % h.pingSlots()
	h.joined++
	if r.unsubscribe == nil {
		ctx, cancel := context.WithCancel(h.life)
		r.unsubscribe, r.subscribed, r.subErr = cancel, make(chan struct{}), nil
		go h.subscribe(ctx, r, r.subscribed)
	}
	subscribed := r.subscribed
	h.mu.Unlock()

	<-subscribed
	h.mu.Lock()
	err := r.subErr
	h.mu.Unlock()
	if err != nil {
		h.leave(siteID, m)
		return nil, err
	}
	return m, nil
}

// subscribe starts the site's subscription and tells the waiting joiners.
// On failure the next joiner tries again.
func (h *hub) subscribe(ctx context.Context, r *room, done chan struct{}) {
	err := h.st.Subscribe(ctx, Channel(r.siteID), func(p []byte) { h.deliver(ctx, r.siteID, p) })
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("socialproof: subscribe to site %s: %w", r.siteID, err)
		h.log.Warn("live: subscription failed", slog.Any("err", err))
		r.subErr = err
		if r.subscribed == done { // no later subscription replaced this one
			r.unsubscribe()
			r.unsubscribe = nil
		}
	}
	close(done)
}

// leave removes a member; the site's subscription ends with its last.
func (h *hub) leave(siteID string, m *member) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[siteID]
	if r == nil {
		return
	}
	delete(r.members, m)
	if len(r.members) == 0 && r.unsubscribe != nil {
		r.unsubscribe()
		r.unsubscribe = nil
	}
	// The room itself stays until presence has reported it empty.
}

// recentEvents are the site's newest events, from the room's short cache.
func (h *hub) recentEvents(ctx context.Context, siteID string) ([]store.Event, error) {
	h.mu.Lock()
	r := h.rooms[siteID]
	if r != nil && r.recent != nil && h.now().Sub(r.recentAt) < recentFresh {
		evs := r.recent
		h.mu.Unlock()
		return evs, nil
	}
	h.mu.Unlock()
	// Read outside the lock; note the time before reading, so that an event
	// delivered meanwhile (which clears recentAt) is not hidden by this read.
	asked := h.now()
	evs, err := h.st.RecentEvents(ctx, siteID, helloEvents)
	if err != nil {
		return nil, fmt.Errorf("socialproof: recent events of site %s: %w", siteID, err)
	}
	if evs == nil {
		evs = []store.Event{}
	}
	h.mu.Lock()
	if r := h.rooms[siteID]; r != nil && !r.recentAt.After(asked) {
		r.recent, r.recentAt = evs, asked
	}
	h.mu.Unlock()
	return evs, nil
}

// deliver fans one pub/sub message of a site out to the site's members,
// formatted once per widget (each has its own name display and max age).
func (h *hub) deliver(ctx context.Context, siteID string, payload []byte) {
	var msg Message
	if err := json.Unmarshal(payload, &msg); err != nil {
		h.log.Warn("live: unreadable message", slog.String("site", siteID), slog.Any("err", err))
		return
	}
	lookup, cancel := context.WithTimeout(ctx, api.StoreDeadline)
	site, err := h.sites.ByID(lookup, siteID)
	cancel()
	if err != nil {
		h.log.Warn("live: site of a message", slog.String("site", siteID), slog.Any("err", err))
		return
	}
	now := h.now()

	h.mu.Lock()
	r := h.rooms[siteID]
	if r == nil {
		h.mu.Unlock()
		return
	}
	if msg.Kind != KindShow {
		r.recent, r.recentAt = nil, now // the next hello reads the store again
	}
	members := make([]*member, 0, len(r.members))
	frames := map[string]*frame{} // by widget; nil: nothing for its members
	for m := range r.members {
		members = append(members, m)
		frames[m.widgetID] = nil
	}
	h.mu.Unlock()
	if msg.Kind == KindShow {
		// One frame for every member, whatever its widget: each page
		// decides by its own trigger blocks.
		f := h.showFrame(site, msg)
		for widgetID := range frames {
			frames[widgetID] = f
		}
	} else {
		for widgetID := range frames {
			frames[widgetID] = h.frameOf(site, widgetID, msg, now)
		}
	}

	dropped := fanOut(members, frames)
	if len(dropped) == 0 {
		return
	}
	h.mu.Lock()
	for _, m := range dropped {
		delete(r.members, m)
	}
	h.mu.Unlock()
	liveDropped.Add(float64(len(dropped)))
	h.log.Info("live: dropped slow connections", slog.String("site", siteID), slog.Int("count", len(dropped)))
}

// fanOutShard is the fewest members worth a writer goroutine of their own.
const fanOutShard = 256

// fanOut writes each member its widget's frame, the members split into
// one shard per processor, written in parallel: a broadcast's cost is one
// system call per connection, and the shards put every core to it. It
// returns when every member has its frame written or queued (so the next
// broadcast of the site comes after it on every connection), with the
// members dropped as too slow.
func fanOut(members []*member, frames map[string]*frame) []*member {
	shards := min(runtime.GOMAXPROCS(0), (len(members)+fanOutShard-1)/fanOutShard)
	if shards <= 1 {
		return writeShard(members, frames)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var dropped []*member
	size := (len(members) + shards - 1) / shards
	for part := range slices.Chunk(members, size) {
		wg.Go(func() {
			if d := writeShard(part, frames); len(d) > 0 {
				mu.Lock()
				dropped = append(dropped, d...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return dropped
}

func writeShard(members []*member, frames map[string]*frame) (dropped []*member) {
	for _, m := range members {
		if f := frames[m.widgetID]; f != nil && !m.sendNow(f) {
			dropped = append(dropped, m)
		}
	}
	return dropped
}

// frameOf is the message for the members of widgetID, or nil when they
// get none (the widget is off, or the event is older than its max age).
func (h *hub) frameOf(site *widgets.Site, widgetID string, msg Message, now time.Time) *frame {
	w, ok := site.Enabled(widgetType, widgetID)
	if !ok {
		return nil
	}
	set := w.Parsed.(*Settings)
	var f *frame
	var err error
	switch {
	case msg.Kind == KindEvent && msg.Event != nil:
		if len(newerThan([]store.Event{*msg.Event}, cursor{}, now, set)) == 0 {
			return nil
		}
		if f, err = newFrame(eventMessage{Type: "event", Event: PublicEvent(*msg.Event, set)}); err == nil {
			f.eventID, f.eventSeq = msg.Event.ID, msg.Event.Seq
		}
	case msg.Kind == KindDelete && msg.ID != "":
		f, err = newFrame(deleteMessage{Type: "delete", ID: msg.ID})
	default:
		return nil
	}
	if err != nil {
		h.log.Error("live: encode message", slog.Any("err", err))
		return nil
	}
	return f
}

// maxAge is how old an event a widget still shows.
func maxAge(set *Settings) time.Duration { return time.Duration(set.MaxAgeHours) * time.Hour }

// showFrame is the frame of a push, or nil when the pushed widget has been
// disabled or lost its push trigger since.
func (h *hub) showFrame(site *widgets.Site, msg Message) *frame {
	if msg.PushID == "" || pushable(site, msg.Widget) != nil {
		return nil
	}
	f, err := newFrame(showMessageOf(msg))
	if err != nil {
		h.log.Error("live: encode push", slog.Any("err", err))
		return nil
	}
	return f
}
