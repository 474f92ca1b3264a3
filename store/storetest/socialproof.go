package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// event is a purchase of site at t0 plus offset.
func event(id string, t0 time.Time, offset time.Duration) store.Event {
	return store.Event{
		ID: id, Type: "purchase", Name: "Maria Ivanova", City: "Bryansk", Product: "Apple Watch",
		URL: "https://shop.example/watch", Image: "https://shop.example/watch.jpg",
		Time: t0.Add(offset), Source: "api", CreatedAt: t0,
	}
}

// eventIDs lists the ids of evs in order.
func eventIDs(evs []store.Event) []string {
	ids := make([]string, len(evs))
	for i, e := range evs {
		ids[i] = e.ID
	}
	return ids
}

func recentIDs(t *testing.T, st store.Store, siteID string, limit int) []string {
	t.Helper()
	evs, err := st.RecentEvents(ctx(t), siteID, limit)
	must(t, "RecentEvents", err)
	return eventIDs(evs)
}

var socialProofTests = []test{
	{"events round trip, newest first", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		in := []store.Event{event("a", t0, -time.Hour), event("c", t0, 0), event("b", t0, -time.Minute)}
		in[1].Type, in[1].Text, in[1].WidgetID, in[1].Source = "custom", "Someone joined the webinar", "w1", "webhook"
		added, err := st.AddEvents(ctx(t), site.ID, in)
		must(t, "AddEvents", err)
		if got := eventIDs(added); !slices.Equal(got, []string{"a", "c", "b"}) {
			t.Fatalf("added %q, want all three in the call's order", got)
		}
		got, err := st.RecentEvents(ctx(t), site.ID, 10)
		must(t, "RecentEvents", err)
		if ids := eventIDs(got); !slices.Equal(ids, []string{"c", "b", "a"}) {
			t.Fatalf("recent %q, want newest first by time", ids)
		}
		want := in[1]
		want.SiteID, want.Seq = site.ID, 2 // the second stored
		if g := got[0]; !g.Time.Equal(want.Time) || !g.CreatedAt.Equal(want.CreatedAt) {
			t.Fatalf("times changed: %+v, want %+v", g, want)
		}
		got[0].Time, got[0].CreatedAt = want.Time, want.CreatedAt
		if got[0] != want {
			t.Fatalf("stored %+v, want %+v", got[0], want)
		}
		if ids := recentIDs(t, st, site.ID, 2); !slices.Equal(ids, []string{"c", "b"}) {
			t.Fatalf("limit 2: %q", ids)
		}
	}},
	{"each stored event gets the site's next seq, whatever its time", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		t0 := now()
		seqs := func(evs []store.Event) map[string]int64 {
			m := map[string]int64{}
			for _, e := range evs {
				m[e.ID] = e.Seq
			}
			return m
		}
		added, err := st.AddEvents(ctx(t), site.ID, []store.Event{event("a", t0, 0), event("b", t0, time.Second)})
		must(t, "AddEvents", err)
		if got := seqs(added); !maps.Equal(got, map[string]int64{"a": 1, "b": 2}) {
			t.Fatalf("seqs %v, want a 1 and b 2 in the call's order", got)
		}
		// Posted late, with an old time and a seq of its own choosing: it
		// is stored third, and a repeat of b takes no number.
		late := event("late", t0, -time.Hour)
		late.Seq = 99
		added, err = st.AddEvents(ctx(t), site.ID, []store.Event{event("b", t0, time.Second), late})
		must(t, "AddEvents", err)
		if got := seqs(added); !maps.Equal(got, map[string]int64{"late": 3}) {
			t.Fatalf("seqs %v, want only late, numbered 3", got)
		}
		recent, err := st.RecentEvents(ctx(t), site.ID, 10)
		must(t, "RecentEvents", err)
		if got := seqs(recent); !maps.Equal(got, map[string]int64{"a": 1, "b": 2, "late": 3}) {
			t.Fatalf("stored seqs %v", got)
		}
		// A deleted event's number is not given again.
		must(t, "DeleteEvent", st.DeleteEvent(ctx(t), site.ID, "late"))
		added, err = st.AddEvents(ctx(t), site.ID, []store.Event{event("c", t0, 0)})
		must(t, "AddEvents", err)
		if got := seqs(added); !maps.Equal(got, map[string]int64{"c": 4}) {
			t.Fatalf("after a delete: seqs %v, want c 4", got)
		}
		// Each site counts its own.
		added, err = st.AddEvents(ctx(t), other.ID, []store.Event{event("a", t0, 0)})
		must(t, "AddEvents", err)
		if got := seqs(added); !maps.Equal(got, map[string]int64{"a": 1}) {
			t.Fatalf("another site: seqs %v, want a 1", got)
		}
	}},
	{"equal times order by id, descending", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		_, err := st.AddEvents(ctx(t), site.ID, []store.Event{event("x1", t0, 0), event("x3", t0, 0), event("x2", t0, 0)})
		must(t, "AddEvents", err)
		if ids := recentIDs(t, st, site.ID, 10); !slices.Equal(ids, []string{"x3", "x2", "x1"}) {
			t.Fatalf("recent %q", ids)
		}
	}},
	{"a repeated id changes nothing", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		_, err := st.AddEvents(ctx(t), site.ID, []store.Event{event("order-1", t0, 0)})
		must(t, "AddEvents", err)
		changed := event("order-1", t0, time.Hour)
		changed.Name = "Somebody Else"
		twice := event("order-2", t0, time.Minute)
		added, err := st.AddEvents(ctx(t), site.ID, []store.Event{changed, twice, twice})
		must(t, "AddEvents", err)
		if ids := eventIDs(added); !slices.Equal(ids, []string{"order-2"}) {
			t.Fatalf("added %q, want only the new order-2, once", ids)
		}
		got, err := st.RecentEvents(ctx(t), site.ID, 10)
		must(t, "RecentEvents", err)
		if ids := eventIDs(got); !slices.Equal(ids, []string{"order-2", "order-1"}) || got[1].Name != "Maria Ivanova" {
			t.Fatalf("recent %q (order-1 named %q): the repeat must change nothing", ids, got[len(got)-1].Name)
		}
	}},
	{"concurrent calls store each id once", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		var mu sync.Mutex
		counted := map[string]int{}
		var wg sync.WaitGroup
		for i := range concurrency {
			wg.Go(func() {
				// Every call shares ids with its neighbours.
				evs := []store.Event{event(fmt.Sprintf("o%d", i), t0, 0), event(fmt.Sprintf("o%d", i+1), t0, 0)}
				added, err := st.AddEvents(ctx(t), site.ID, evs)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, e := range added {
					counted[e.ID]++
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		if len(counted) != concurrency+1 {
			t.Fatalf("%d ids reported added, want %d", len(counted), concurrency+1)
		}
		for id, n := range counted {
			if n != 1 {
				t.Fatalf("%s reported added %d times", id, n)
			}
		}
		if n := len(recentIDs(t, st, site.ID, 100)); n != concurrency+1 {
			t.Fatalf("%d events stored, want %d", n, concurrency+1)
		}
	}},
	{"unknown site stores nothing", func(t *testing.T, st store.Store) {
		_, err := st.AddEvents(ctx(t), "site-nope", []store.Event{event("a", now(), 0)})
		wantErr(t, "AddEvents on an unknown site", err, store.ErrNotFound)
		if ids := recentIDs(t, st, "site-nope", 10); len(ids) != 0 {
			t.Fatalf("events of an unknown site: %q", ids)
		}
	}},
	{"keeps the newest EventsKept", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		const extra = 7
		n := store.EventsKept + extra
		// Added newest first, so the trim must go by time, not by arrival.
		for start := 0; start < n; start += 100 {
			var evs []store.Event
			for i := start; i < min(start+100, n); i++ {
				evs = append(evs, event(fmt.Sprintf("e%04d", i), t0, -time.Duration(i)*time.Second))
			}
			_, err := st.AddEvents(ctx(t), site.ID, evs)
			must(t, "AddEvents", err)
		}
		ids := recentIDs(t, st, site.ID, n)
		if len(ids) != store.EventsKept || ids[0] != "e0000" || ids[len(ids)-1] != fmt.Sprintf("e%04d", store.EventsKept-1) {
			t.Fatalf("kept %d events, %s … %s; want the newest %d", len(ids), ids[0], ids[len(ids)-1], store.EventsKept)
		}
		err := st.CountNotice(ctx(t), site.ID, fmt.Sprintf("e%04d", n-1), store.NoticeImpression)
		wantErr(t, "CountNotice of a dropped event", err, store.ErrNotFound)
	}},
	{"delete removes the event and its counts", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		t0 := now()
		for _, s := range []store.Site{site, other} {
			_, err := st.AddEvents(ctx(t), s.ID, []store.Event{event("a", t0, 0), event("b", t0, -time.Second)})
			must(t, "AddEvents", err)
		}
		must(t, "CountNotice", st.CountNotice(ctx(t), site.ID, "a", store.NoticeImpression))
		must(t, "DeleteEvent", st.DeleteEvent(ctx(t), site.ID, "a"))
		if ids := recentIDs(t, st, site.ID, 10); !slices.Equal(ids, []string{"b"}) {
			t.Fatalf("after delete: %q", ids)
		}
		if ids := recentIDs(t, st, other.ID, 10); !slices.Equal(ids, []string{"a", "b"}) {
			t.Fatalf("another site's events changed: %q", ids)
		}
		stats, err := st.NoticeStats(ctx(t), site.ID)
		must(t, "NoticeStats", err)
		if _, ok := stats["a"]; ok {
			t.Fatalf("counts of a deleted event: %+v", stats)
		}
		wantErr(t, "DeleteEvent again", st.DeleteEvent(ctx(t), site.ID, "a"), store.ErrNotFound)
		wantErr(t, "DeleteEvent of an unknown site", st.DeleteEvent(ctx(t), "site-nope", "a"), store.ErrNotFound)
		// A deleted id is new again: a shop that sends the order later shows it.
		added, err := st.AddEvents(ctx(t), site.ID, []store.Event{event("a", t0, 0)})
		must(t, "AddEvents", err)
		if len(added) != 1 {
			t.Fatalf("re-adding a deleted id added %d", len(added))
		}
	}},
	{"impressions and clicks per event", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		_, err := st.AddEvents(ctx(t), site.ID, []store.Event{event("a", t0, 0), event("b", t0, 0), event("c", t0, 0)})
		must(t, "AddEvents", err)
		for _, c := range []struct{ id, action string }{{"a", "impression"}, {"a", "impression"}, {"a", "click"}, {"b", "impression"}} {
			must(t, "CountNotice", st.CountNotice(ctx(t), site.ID, c.id, c.action))
		}
		stats, err := st.NoticeStats(ctx(t), site.ID)
		must(t, "NoticeStats", err)
		want := map[string]store.NoticeCounts{"a": {Impressions: 2, Clicks: 1}, "b": {Impressions: 1}}
		if !maps.Equal(stats, want) {
			t.Fatalf("stats %+v, want %+v", stats, want)
		}
		wantErr(t, "CountNotice of an unknown event", st.CountNotice(ctx(t), site.ID, "made-up", "click"), store.ErrNotFound)
		if err := st.CountNotice(ctx(t), site.ID, "a", "hover"); err == nil || errors.Is(err, store.ErrNotFound) {
			t.Fatalf("CountNotice with an unknown action: %v", err)
		}
		empty, err := st.NoticeStats(ctx(t), createSite(t, st).ID)
		must(t, "NoticeStats", err)
		if len(empty) != 0 {
			t.Fatalf("a new site's stats: %+v", empty)
		}
	}},
	{"deleting the site deletes its events", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		_, err := st.AddEvents(ctx(t), site.ID, []store.Event{event("a", now(), 0)})
		must(t, "AddEvents", err)
		must(t, "CountNotice", st.CountNotice(ctx(t), site.ID, "a", "click"))
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))
		if ids := recentIDs(t, st, site.ID, 10); len(ids) != 0 {
			t.Fatalf("events left after the site was deleted: %q", ids)
		}
		stats, err := st.NoticeStats(ctx(t), site.ID)
		must(t, "NoticeStats", err)
		if len(stats) != 0 {
			t.Fatalf("counts left after the site was deleted: %+v", stats)
		}
	}},
}

var presenceTests = []test{
	{"replicas' counts add up", func(t *testing.T, st store.Store) {
		site, other := newID("site"), newID("site")
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "r1", site, map[string]int{"/": 2, "/watch": 1}, time.Minute))
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "r2", site, map[string]int{"/watch": 4}, time.Minute))
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "r1", other, map[string]int{"/": 9}, time.Minute))
		total, pages, err := st.PresenceCounts(ctx(t), site)
		must(t, "PresenceCounts", err)
		if want := map[string]int{"/": 2, "/watch": 5}; total != 7 || !maps.Equal(pages, want) {
			t.Fatalf("counts %d %v, want 7 %v", total, pages, want)
		}
	}},
	{"a report replaces the replica's last one", func(t *testing.T, st store.Store) {
		site := newID("site")
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "r1", site, map[string]int{"/": 2, "/a": 3}, time.Minute))
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "r1", site, map[string]int{"/b": 1}, time.Minute))
		total, pages, err := st.PresenceCounts(ctx(t), site)
		must(t, "PresenceCounts", err)
		if want := map[string]int{"/b": 1}; total != 1 || !maps.Equal(pages, want) {
			t.Fatalf("counts %d %v, want 1 %v", total, pages, want)
		}
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "r1", site, nil, time.Minute))
		total, pages, err = st.PresenceCounts(ctx(t), site)
		must(t, "PresenceCounts", err)
		if total != 0 || len(pages) != 0 {
			t.Fatalf("after an empty report: %d %v", total, pages)
		}
	}},
	{"a replica that stops reporting leaves after its ttl", func(t *testing.T, st store.Store) {
		site := newID("site")
		const ttl = 300 * time.Millisecond
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "dies", site, map[string]int{"/": 5}, ttl))
		must(t, "ReportPresence", st.ReportPresence(ctx(t), "lives", site, map[string]int{"/": 1}, time.Minute))
		if total, _, err := st.PresenceCounts(ctx(t), site); err != nil || total != 6 {
			t.Fatalf("before the ttl: %d, %v; want 6", total, err)
		}
		time.Sleep(ttl + 200*time.Millisecond)
		total, pages, err := st.PresenceCounts(ctx(t), site)
		must(t, "PresenceCounts", err)
		if want := map[string]int{"/": 1}; total != 1 || !maps.Equal(pages, want) {
			t.Fatalf("after the ttl: %d %v, want 1 %v", total, pages, want)
		}
	}},
}
