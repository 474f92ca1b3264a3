package socialproof

import (
	"context"
	"log/slog"
	"maps"
	"time"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/widgets"
)

// pollPresence is how long a poll counts its visitor as present: the
// widget polls well within it.
const pollPresence = 30 * time.Second

// roomPresence is a room's side of the live counts: what this replica last
// reported, the merged counts it last read, and the viewers message each
// group of members (widget and page) last got.
type roomPresence struct {
	reported   map[string]int
	reportedAt time.Time
	total      int
	pages      map[string]int
	// sent is what each group was last told; the zero value is "nothing
	// shown".
	sent map[group]viewerCounts
}

// group is the members that see the same counts: one widget on one page.
type group struct{ widgetID, page string }

// ownCounts are this replica's visitors of the room per page: its open
// connections and the pollers whose time is not up.
func (r *room) ownCounts(now time.Time) map[string]int {
	pages := map[string]int{}
	for m := range r.members {
		pages[m.page]++
	}
	for id, p := range r.pollers {
		if now.After(p.until) {
			delete(r.pollers, id)
			continue
		}
		pages[p.page]++
	}
	return pages
}

// touchPoller counts a polling visitor of site on page as present for
// pollPresence.
func (h *hub) touchPoller(siteID, visitorID, page string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.roomLocked(siteID).pollers[visitorID] = poller{page: page, until: h.now().Add(pollPresence)}
}

// runPresence reports this replica's counts and pushes changed viewers
// to the members, every ViewersEvery, until ctx ends; then it withdraws
// the replica's counts, so a deploy does not leave them for the TTL.
func (h *hub) runPresence(ctx context.Context) {
	t := time.NewTicker(h.opts.ViewersEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.withdraw()
			return
		case <-t.C:
			h.presenceTick(ctx)
		}
	}
}

func (h *hub) presenceTick(ctx context.Context) {
	h.mu.Lock()
	ids := make([]string, 0, len(h.rooms))
	for id := range h.rooms {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		h.refreshRoom(ctx, id)
	}
}

// refreshRoom reports the room's own counts when they changed (or are due
// again before the TTL runs out), reads the merged counts and sends each
// group whose viewers changed one message, encoded once for the group.
func (h *hub) refreshRoom(ctx context.Context, siteID string) {
	now := h.now()
	h.mu.Lock()
	r := h.rooms[siteID]
	if r == nil {
		h.mu.Unlock()
		return
	}
	own := r.ownCounts(now)
	report := !maps.Equal(own, r.presence.reported) || now.Sub(r.presence.reportedAt) >= h.opts.PresenceEvery
	if len(own) == 0 && len(r.presence.reported) == 0 && r.unsubscribe == nil {
		delete(h.rooms, siteID) // nobody here, and the store knows
		h.mu.Unlock()
		return
	}
	h.mu.Unlock()

	if report {
		sctx, cancel := context.WithTimeout(ctx, api.StoreDeadline)
		err := h.st.ReportPresence(sctx, h.opts.Replica, siteID, own, h.opts.PresenceTTL)
		cancel()
		if err != nil {
			h.log.Warn("live: report presence", slog.String("site", siteID), slog.Any("err", err))
		} else {
			h.mu.Lock()
			r.presence.reported, r.presence.reportedAt = own, now
			h.mu.Unlock()
		}
	}
	if len(own) == 0 {
		return // no member to tell
	}
	sctx, cancel := context.WithTimeout(ctx, api.StoreDeadline)
	total, pages, err := h.st.PresenceCounts(sctx, siteID)
	cancel()
	if err != nil {
		h.log.Warn("live: read presence", slog.String("site", siteID), slog.Any("err", err))
		return
	}
	sctx, cancel = context.WithTimeout(ctx, api.StoreDeadline)
	site, err := h.sites.ByID(sctx, siteID)
	cancel()
	if err != nil {
		h.log.Warn("live: site of presence", slog.String("site", siteID), slog.Any("err", err))
		return
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	r.presence.total, r.presence.pages = total, pages
	frames := map[group]*frame{}
	for m := range r.members {
		g := group{m.widgetID, m.page}
		f, ok := frames[g]
		if !ok {
			f = h.viewersFrame(r, site.Enabled, g)
			frames[g] = f
		}
		if f != nil && !m.send(f) {
			delete(r.members, m)
			liveDropped.Inc()
		}
	}
	for g := range r.presence.sent {
		if _, ok := frames[g]; !ok {
			delete(r.presence.sent, g) // nobody of g is left
		}
	}
}

// enabledFunc finds a site's enabled widget (widgets.Site.Enabled).
type enabledFunc func(typ, id string) (widgets.Widget, bool)

// viewersFrame is the viewers message for group g when its counts differ
// from what it last got, or nil.
func (h *hub) viewersFrame(r *room, enabled enabledFunc, g group) *frame {
	w, ok := enabled(widgetType, g.widgetID)
	if !ok {
		return nil
	}
	v := viewersFor(w.Parsed.(*Settings), r.presence.total, r.presence.pages, g.page)
	if prev, seen := r.presence.sent[g]; seen && prev == valueOf(v) {
		return nil
	}
	r.presence.note(g, v)
	f, err := newFrame(viewersMessage{Type: "viewers", Viewers: v})
	if err != nil {
		h.log.Error("live: encode viewers", slog.Any("err", err))
		return nil
	}
	return f
}

// viewersNow are the counts a new member of g shows in its hello, from
// the room's last read. A group's first member notes them as sent, so the
// next tick sends the group a message only when they change.
func (h *hub) viewersNow(siteID string, set *Settings, g group) *viewerCounts {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[siteID]
	if r == nil {
		return nil
	}
	var v *viewerCounts
	if r.presence.pages != nil { // else not read yet: the first tick tells
		v = viewersFor(set, r.presence.total, r.presence.pages, g.page)
	}
	if _, seen := r.presence.sent[g]; !seen {
		r.presence.note(g, v)
	}
	return v
}

func (p *roomPresence) note(g group, v *viewerCounts) {
	if p.sent == nil {
		p.sent = map[group]viewerCounts{}
	}
	p.sent[g] = valueOf(v)
}

// valueOf is v, or the zero counts for nothing shown.
func valueOf(v *viewerCounts) viewerCounts {
	if v == nil {
		return viewerCounts{}
	}
	return *v
}

// withdraw reports every room of this replica empty, at shutdown.
func (h *hub) withdraw() {
	h.mu.Lock()
	ids := make([]string, 0, len(h.rooms))
	for id, r := range h.rooms {
		if len(r.presence.reported) > 0 {
			ids = append(ids, id)
		}
	}
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), api.StoreDeadline)
	defer cancel()
	for _, id := range ids {
		if err := h.st.ReportPresence(ctx, h.opts.Replica, id, map[string]int{}, h.opts.PresenceTTL); err != nil {
			h.log.Warn("live: withdraw presence", slog.String("site", id), slog.Any("err", err))
		}
	}
}

// viewersFor applies a widget's viewer rules to the merged counts: nothing
// when the count is off or the counted scope has fewer visitors than the
// threshold; each number is the real count, rounded down (never up) to
// round_down_to, and left out below the threshold.
func viewersFor(set *Settings, total int, pages map[string]int, page string) *viewerCounts {
	rules := set.Viewers
	if !rules.Enabled {
		return nil
	}
	threshold := max(rules.Threshold, 1)
	scoped := total
	if rules.Scope == "page" {
		scoped = pages[page]
	}
	if scoped < threshold {
		return nil
	}
	shown := func(n int) int {
		if n < threshold {
			return 0
		}
		if step := rules.RoundDownTo; step > 1 {
			n -= n % step
		}
		return n
	}
	v := viewerCounts{Site: shown(total), Page: shown(pages[page])}
	if v == (viewerCounts{}) {
		return nil
	}
	return &v
}
