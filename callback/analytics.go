package callback

import (
	"cmp"
	"slices"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Analytics sums up a site's callback requests: how many got through and
// how fast, overall, per manager and per traffic source.
type Analytics struct {
	Total Stats `json:"total"`
	// ByManager has one group per manager who took calls; requests no
	// manager took are in Total and BySource only.
	ByManager []Group `json:"by_manager"`
	// BySource groups by traffic source ("direct" when none is known).
	BySource []Group `json:"by_source"`
}

// Group is the Stats of the requests that share a manager or a source.
type Group struct {
	Name string `json:"name"`
	Stats
}

// Stats of a set of requests. Times are measured from when a request was
// first due: its acceptance for most, the chosen slot for a scheduled one,
// which waits on purpose. Retries do not restart the clock. The medians
// are nil when no request has the sample.
type Stats struct {
	Requests      int     `json:"requests"`
	Connected     int     `json:"connected"`      // requests whose visitor and manager were bridged
	ConnectedRate float64 `json:"connected_rate"` // Connected / Requests, 0 when there are none
	// MedianSecondsToManagerRing is how long requests waited for the
	// first manager's phone to ring.
	MedianSecondsToManagerRing *float64 `json:"median_seconds_to_manager_ring"`
	// MedianSecondsToConnect is how long connected requests waited for
	// the bridge.
	MedianSecondsToConnect *float64 `json:"median_seconds_to_connect"`
}

// Analyze computes the Analytics of reqs, leaving out the dashboard's test
// calls, which are no visitor's. Groups are sorted by Requests,
// most first, then by Name; the slices are empty, not nil, when there is
// nothing to group.
func Analyze(reqs []store.Callback) Analytics {
	var total acc
	byManager, bySource := map[string]*acc{}, map[string]*acc{}
	for i := range reqs {
		if IsTestCall(reqs[i]) {
			continue
		}
		s := sampleOf(&reqs[i])
		total.add(s)
		if m := reqs[i].Manager; m != "" {
			accFor(byManager, m).add(s)
		}
		src := reqs[i].Source
		if src == "" {
			src = "direct"
		}
		accFor(bySource, src).add(s)
	}
	return Analytics{Total: total.stats(), ByManager: groups(byManager), BySource: groups(bySource)}
}

// sample is what one request contributes.
type sample struct {
	connected        bool
	toRing, toBridge time.Duration
	rang, bridged    bool
}

func sampleOf(c *store.Callback) sample {
	start := waitStart(c)
	var s sample
	if at, ok := firstAt(c.Timeline, StatusCallingManager); ok {
		s.toRing, s.rang = max(at.Sub(start), 0), true
	}
	if at, ok := firstAt(c.Timeline, StatusConnected); ok {
		s.connected = true
		s.toBridge, s.bridged = max(at.Sub(start), 0), true
	}
	return s
}

// waitStart is when the visitor began to wait: when the request was
// first due, but not before it was made (a slot a little in the past, or a
// client clock behind ours). Requests stored before FirstDueAt existed fall
// back to DueAt, which a retry may have moved; they have nothing better.
func waitStart(c *store.Callback) time.Time {
	due := c.FirstDueAt
	if due.IsZero() {
		due = c.DueAt
	}
	if due.After(c.CreatedAt) {
		return due
	}
	return c.CreatedAt
}

// firstAt is the earliest time the timeline entered status. A manager rung
// before the slot (someone pressed "call now") counts as no wait, hence
// the max(…, 0) above.
func firstAt(timeline []store.Transition, status string) (time.Time, bool) {
	var first time.Time
	found := false
	for _, t := range timeline {
		if t.Status == status && (!found || t.At.Before(first)) {
			first, found = t.At, true
		}
	}
	return first, found
}

// acc accumulates the samples of one group.
type acc struct {
	requests, connected int
	toRing, toBridge    []time.Duration
}

func accFor(m map[string]*acc, name string) *acc {
	a := m[name]
	if a == nil {
		a = &acc{}
		m[name] = a
	}
	return a
}

func (a *acc) add(s sample) {
	a.requests++
	if s.connected {
		a.connected++
	}
	if s.rang {
		a.toRing = append(a.toRing, s.toRing)
	}
	if s.bridged {
		a.toBridge = append(a.toBridge, s.toBridge)
	}
}

func (a *acc) stats() Stats {
	s := Stats{
		Requests:                   a.requests,
		Connected:                  a.connected,
		MedianSecondsToManagerRing: MedianSeconds(a.toRing),
		MedianSecondsToConnect:     MedianSeconds(a.toBridge),
	}
	if a.requests > 0 {
		s.ConnectedRate = float64(a.connected) / float64(a.requests)
	}
	return s
}

func groups(m map[string]*acc) []Group {
	out := make([]Group, 0, len(m))
	for name, a := range m {
		out = append(out, Group{Name: name, Stats: a.stats()})
	}
	slices.SortFunc(out, func(x, y Group) int {
		return cmp.Or(cmp.Compare(y.Requests, x.Requests), cmp.Compare(x.Name, y.Name))
	})
	return out
}

// MedianSeconds is the median of ds in seconds (the mean of the middle two
// for an even count), nil for none. It sorts ds.
func MedianSeconds(ds []time.Duration) *float64 {
	if len(ds) == 0 {
		return nil
	}
	slices.Sort(ds)
	mid := len(ds) / 2
	m := ds[mid].Seconds()
	if len(ds)%2 == 0 {
		m = (ds[mid-1].Seconds() + m) / 2
	}
	return &m
}
