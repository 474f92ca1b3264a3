package callback_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/store"
)

var day = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// at is a step of a timeline, some time after its start: at{callback.StatusConnected, 20 * time.Second}.
type at struct {
	status string
	after  time.Duration
}

// request builds a callback request created at created and due at due,
// whose timeline has steps taken relative to from.
func request(source, manager string, created, due, from time.Time, steps ...at) store.Callback {
	c := store.Callback{
		ID: "cb", SiteID: "site", Source: source, Manager: manager,
		CreatedAt: created, DueAt: due, FirstDueAt: due, Scheduled: due.After(created.Add(time.Minute)),
	}
	for _, s := range steps {
		c.Status = s.status
		c.Timeline = append(c.Timeline, store.Transition{Status: s.status, At: from.Add(s.after)})
	}
	return c
}

// The journeys of real requests.
var (
	// connected asks for a call at start and gets one: ring after ring s,
	// bridged after bridge s, then a conversation.
	connected = func(source, manager string, created, due time.Time, ring, bridge time.Duration) store.Callback {
		from := created
		if due.After(created) {
			from = due
		}
		return request(source, manager, created, due, from,
			at{callback.StatusQueued, 0}, at{callback.StatusCallingManager, ring}, at{callback.StatusManagerAnswered, ring + 8*time.Second},
			at{callback.StatusCallingVisitor, ring + 9*time.Second}, at{callback.StatusConnected, bridge},
			at{callback.StatusCompleted, bridge + 3*time.Minute})
	}
	// managersMissed rings two managers, neither confirms.
	managersMissed = func(source string, created time.Time, ring time.Duration) store.Callback {
		return request(source, "", created, created, created,
			at{callback.StatusQueued, 0}, at{callback.StatusCallingManager, ring}, at{callback.StatusCallingManager, ring + 30*time.Second},
			at{callback.StatusFailed, ring + 60*time.Second})
	}
	// visitorMissed: the manager took it, the visitor never answered.
	visitorMissed = func(source, manager string, created time.Time, ring time.Duration) store.Callback {
		return request(source, manager, created, created, created,
			at{callback.StatusQueued, 0}, at{callback.StatusCallingManager, ring}, at{callback.StatusManagerAnswered, ring + 6*time.Second},
			at{callback.StatusCallingVisitor, ring + 7*time.Second}, at{callback.StatusCallingVisitor, ring + 2*time.Minute},
			at{callback.StatusFailed, ring + 3*time.Minute})
	}
	// retried: the first attempt rang the manager after 3 s and the
	// visitor did not answer; the retry, due after delay, rang at once and
	// connected 20 s later. DueAt is the retry's, as the engine leaves it.
	retried = func(created time.Time, delay time.Duration) store.Callback {
		c := request("ads", "Ольга", created, created, created,
			at{callback.StatusQueued, 0}, at{callback.StatusCallingManager, 3 * time.Second},
			at{callback.StatusManagerAnswered, 9 * time.Second}, at{callback.StatusCallingVisitor, 10 * time.Second},
			at{callback.StatusQueued, 40 * time.Second}, at{callback.StatusCallingManager, delay},
			at{callback.StatusManagerAnswered, delay + 6*time.Second}, at{callback.StatusCallingVisitor, delay + 7*time.Second},
			at{callback.StatusConnected, delay + 20*time.Second}, at{callback.StatusCompleted, delay + 2*time.Minute})
		c.DueAt = created.Add(delay)
		return c
	}
	// nobodyWorks fails at once: no manager on duty.
	nobodyWorks = func(source string, created time.Time) store.Callback {
		return request(source, "", created, created, created, at{callback.StatusQueued, 0}, at{callback.StatusFailed, 0})
	}
)

func f(v float64) *float64 { return &v }

func TestAnalyze(t *testing.T) {
	s := time.Second
	tests := []struct {
		name string
		reqs []store.Callback
		want callback.Analytics
	}{
		{
			name: "no requests",
			want: callback.Analytics{ByManager: []callback.Group{}, BySource: []callback.Group{}},
		},
		{
			name: "one connected request",
			reqs: []store.Callback{connected("yandex", "Ольга", day, day, 3*s, 20*s)},
			want: callback.Analytics{
				Total:     callback.Stats{Requests: 1, Connected: 1, ConnectedRate: 1, MedianSecondsToManagerRing: f(3), MedianSecondsToConnect: f(20)},
				ByManager: []callback.Group{{"Ольга", callback.Stats{1, 1, 1, f(3), f(20)}}},
				BySource:  []callback.Group{{"yandex", callback.Stats{1, 1, 1, f(3), f(20)}}},
			},
		},
		{
			// Rung: 2 3 4 5 6 8 (even: 4.5); bridged: 20 25 30 40 (even: 27.5).
			name: "a site's morning",
			reqs: []store.Callback{
				connected("yandex", "Ольга", day, day, 3*s, 20*s),
				managersMissed("google", day.Add(time.Minute), 2*s),
				// Scheduled for two hours later: measured from the slot, not from when it was made.
				connected("", "Иван", day.Add(2*time.Minute), day.Add(2*time.Hour+2*time.Minute), 5*s, 25*s),
				visitorMissed("yandex", "Ольга", day.Add(3*time.Minute), 4*s),
				// No due time recorded: measured from creation.
				connected("google", "Иван", day.Add(4*time.Minute), time.Time{}, 6*s, 30*s),
				// Due before it was created (a client clock behind ours): from creation.
				connected("", "Ольга", day.Add(5*time.Minute), day.Add(4*time.Minute), 8*s, 40*s),
				nobodyWorks("yandex", day.Add(6*time.Minute)),
			},
			want: callback.Analytics{
				Total: callback.Stats{Requests: 7, Connected: 4, ConnectedRate: 4.0 / 7, MedianSecondsToManagerRing: f(4.5), MedianSecondsToConnect: f(27.5)},
				ByManager: []callback.Group{
					{"Ольга", callback.Stats{3, 2, 2.0 / 3, f(4), f(30)}}, // rung 3 4 8 (odd), bridged 20 40
					{"Иван", callback.Stats{2, 2, 1, f(5.5), f(27.5)}},
				},
				BySource: []callback.Group{
					{"yandex", callback.Stats{3, 1, 1.0 / 3, f(3.5), f(20)}},
					{"direct", callback.Stats{2, 2, 1, f(6.5), f(32.5)}}, // ties on requests go by name
					{"google", callback.Stats{2, 1, 0.5, f(4), f(30)}},
				},
			},
		},
		{
			name: "only failures: no connect sample",
			reqs: []store.Callback{
				managersMissed("vk", day, 2*s),
				managersMissed("vk", day, 4*s),
				nobodyWorks("vk", day),
			},
			want: callback.Analytics{
				Total:     callback.Stats{Requests: 3, MedianSecondsToManagerRing: f(3)},
				ByManager: []callback.Group{},
				BySource:  []callback.Group{{"vk", callback.Stats{3, 0, 0, f(3), nil}}},
			},
		},
		{
			name: "nothing rung yet: no samples at all",
			reqs: []store.Callback{
				request("yandex", "", day, day.Add(time.Hour), day, at{callback.StatusQueued, 0}),
			},
			want: callback.Analytics{
				Total:     callback.Stats{Requests: 1},
				ByManager: []callback.Group{},
				BySource:  []callback.Group{{"yandex", callback.Stats{Requests: 1}}},
			},
		},
		{
			// Someone pressed "call now" on a request due in an hour:
			// rung before its slot counts as no wait, not as negative.
			name: "rung before the slot",
			reqs: []store.Callback{
				request("direct", "Иван", day, day.Add(time.Hour), day,
					at{callback.StatusQueued, 0}, at{callback.StatusCallingManager, 10 * s}, at{callback.StatusManagerAnswered, 15 * s},
					at{callback.StatusCallingVisitor, 16 * s}, at{callback.StatusConnected, 25 * s}),
			},
			want: callback.Analytics{
				Total:     callback.Stats{1, 1, 1, f(0), f(0)},
				ByManager: []callback.Group{{"Иван", callback.Stats{1, 1, 1, f(0), f(0)}}},
				BySource:  []callback.Group{{"direct", callback.Stats{1, 1, 1, f(0), f(0)}}},
			},
		},
		{
			// Connected is read from the timeline: a bridged call that
			// later failed (the line dropped) still connected; the first
			// ring of a second attempt does not move the sample.
			name: "connected from the timeline, first ring counts",
			reqs: []store.Callback{
				request("google", "Ольга", day, day, day,
					at{callback.StatusQueued, 0}, at{callback.StatusCallingManager, 7 * s}, at{callback.StatusManagerAnswered, 12 * s},
					at{callback.StatusCallingVisitor, 13 * s}, at{callback.StatusConnected, 21 * s}, at{callback.StatusFailed, 30 * s},
					at{callback.StatusCallingManager, 90 * s}),
			},
			want: callback.Analytics{
				Total:     callback.Stats{1, 1, 1, f(7), f(21)},
				ByManager: []callback.Group{{"Ольга", callback.Stats{1, 1, 1, f(7), f(21)}}},
				BySource:  []callback.Group{{"google", callback.Stats{1, 1, 1, f(7), f(21)}}},
			},
		},
		{
			// The visitor missed the first call; the retry moved DueAt
			// five minutes on and connected. Waits count from acceptance.
			name: "retried: measured from when it was first due",
			reqs: []store.Callback{retried(day, 5*time.Minute)},
			want: callback.Analytics{
				Total:     callback.Stats{1, 1, 1, f(3), f(320)},
				ByManager: []callback.Group{{"Ольга", callback.Stats{1, 1, 1, f(3), f(320)}}},
				BySource:  []callback.Group{{"ads", callback.Stats{1, 1, 1, f(3), f(320)}}},
			},
		},
		{
			// Stored before first_due_at existed: DueAt is all there is.
			name: "no first due time recorded: from DueAt",
			reqs: []store.Callback{func() store.Callback {
				c := connected("ads", "Ольга", day, day.Add(time.Hour), 3*s, 20*s)
				c.FirstDueAt = time.Time{}
				return c
			}()},
			want: callback.Analytics{
				Total:     callback.Stats{1, 1, 1, f(3), f(20)},
				ByManager: []callback.Group{{"Ольга", callback.Stats{1, 1, 1, f(3), f(20)}}},
				BySource:  []callback.Group{{"ads", callback.Stats{1, 1, 1, f(3), f(20)}}},
			},
		},
		{
			name: "odd and even medians per group",
			reqs: []store.Callback{
				connected("a", "M1", day, day, 1*s, 10*s),
				connected("a", "M1", day, day, 9*s, 30*s),
				connected("a", "M1", day, day, 3*s, 20*s),
				connected("b", "M2", day, day, 2*s, 11*s),
				connected("b", "M2", day, day, 100*s, 111*s),
				connected("b", "M2", day, day, 4*s, 12*s),
				connected("b", "M2", day, day, 6*s, 13*s),
			},
			want: callback.Analytics{
				Total: callback.Stats{7, 7, 1, f(4), f(13)}, // 1 2 3 4 6 9 100; 10 11 12 13 20 30 111
				ByManager: []callback.Group{
					{"M2", callback.Stats{4, 4, 1, f(5), f(12.5)}}, // 2 4 6 100; 11 12 13 111
					{"M1", callback.Stats{3, 3, 1, f(3), f(20)}},   // 1 3 9; 10 20 30
				},
				BySource: []callback.Group{
					{"b", callback.Stats{4, 4, 1, f(5), f(12.5)}},
					{"a", callback.Stats{3, 3, 1, f(3), f(20)}},
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := callback.Analyze(tc.reqs)
			if !reflect.DeepEqual(got, tc.want) {
				g, _ := json.MarshalIndent(got, "", "  ")
				w, _ := json.MarshalIndent(tc.want, "", "  ")
				t.Fatalf("callback.Analyze:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

func TestAnalyzeDoesNotReorderInput(t *testing.T) {
	reqs := []store.Callback{
		connected("a", "M", day, day, 9*time.Second, 30*time.Second),
		connected("a", "M", day, day, 1*time.Second, 10*time.Second),
	}
	reqs[0].ID, reqs[1].ID = "first", "second"
	callback.Analyze(reqs)
	if reqs[0].ID != "first" || reqs[0].Timeline[1].At != day.Add(9*time.Second) {
		t.Fatal("callback.Analyze changed its input")
	}
}

func TestAnalyticsJSON(t *testing.T) {
	b, err := json.Marshal(callback.Analyze([]store.Callback{
		connected("", "Ольга", day, day, 3*time.Second, 20*time.Second),
		nobodyWorks("yandex", day),
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"total":{"requests":2,"connected":1,"connected_rate":0.5,"median_seconds_to_manager_ring":3,"median_seconds_to_connect":20}`,
		`"by_manager":[{"name":"Ольга","requests":1,`,
		`{"name":"yandex","requests":1,"connected":0,"connected_rate":0,"median_seconds_to_manager_ring":null,"median_seconds_to_connect":null}`,
		`{"name":"direct",`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s\nlacks %s", b, want)
		}
	}
}

// TestAnalyzeLeavesOutTestCalls: the dashboard's "call me now" rings the
// site's own people; counting it would lift the connected rate.
func TestAnalyzeLeavesOutTestCalls(t *testing.T) {
	real := connected("google", "Anna", day, day, 10*time.Second, 20*time.Second)
	test := connected(callback.TestCallSource, "Anna", day, day, 5*time.Second, 5*time.Second)
	test.VisitorID = callback.TestCallVisitorPrefix + "owner@shop.example"
	got := callback.Analyze([]store.Callback{real, test})
	want := callback.Analyze([]store.Callback{real})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("with a test call: %+v, without: %+v", got, want)
	}
}
