package storetest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// outboxLease is the lease of the outbox tests; they move their own clock
// past it instead of waiting.
const outboxLease = time.Minute

func newNotification(siteID string, due time.Time) store.Notification {
	return store.Notification{
		ID: "msg_" + newID("n"), SiteID: siteID, WidgetID: newID("widget"), EventType: "callback.missed",
		Body:      json.RawMessage(`{"type":"callback.missed","data":{"phone":"+79161234567"}}`),
		CreatedAt: due, GiveUpAt: due.Add(24 * time.Hour), NextAt: due,
	}
}

func enqueueNotification(t *testing.T, st store.Store, n store.Notification) {
	t.Helper()
	must(t, "EnqueueNotification", st.EnqueueNotification(ctx(t), n))
}

func claimNotifications(t *testing.T, st store.Store, at time.Time) []store.Notification {
	t.Helper()
	got, err := st.ClaimNotifications(ctx(t), at, 100, outboxLease)
	must(t, "ClaimNotifications", err)
	return got
}

// wantClaimed fails unless got is exactly n, handed out for the claim-th time.
func wantClaimed(t *testing.T, what string, got []store.Notification, n store.Notification, claim int64) store.Notification {
	t.Helper()
	if len(got) != 1 {
		t.Fatalf("%s: got %d notifications %+v, want %s", what, len(got), got, n.ID)
	}
	g := got[0]
	if g.ID != n.ID || g.SiteID != n.SiteID || g.WidgetID != n.WidgetID || g.EventType != n.EventType ||
		string(g.Body) != string(n.Body) || !g.CreatedAt.Equal(n.CreatedAt) || !g.GiveUpAt.Equal(n.GiveUpAt) ||
		g.State != store.NotificationPending || g.Claim != claim {
		t.Fatalf("%s: got %+v, want %+v pending with claim %d", what, g, n, claim)
	}
	return g
}

func wantNone(t *testing.T, what string, got []store.Notification) {
	t.Helper()
	if len(got) != 0 {
		t.Fatalf("%s: got %+v, want none", what, got)
	}
}

func attemptOf(n store.Notification, at time.Time, status int, next time.Time) store.DeliveryAttempt {
	return store.DeliveryAttempt{NotificationID: n.ID, EventType: n.EventType, Attempt: n.Attempts, At: at,
		URL: "https://example.com/hook", Status: status, Duration: 120 * time.Millisecond, NextAt: next}
}

// record stores the outcome of an attempt of n made at at: pending again
// until next, or finished in state.
func record(t *testing.T, st store.Store, n store.Notification, at time.Time, state string, status int, next time.Time) store.DeliveryAttempt {
	t.Helper()
	n.Attempts++
	n.State, n.NextAt = state, next
	a := attemptOf(n, at, status, next)
	must(t, "RecordDelivery", st.RecordDelivery(ctx(t), n, a))
	return a
}

func wantLog(t *testing.T, st store.Store, siteID string, want ...store.DeliveryAttempt) {
	t.Helper()
	got, err := st.ListDeliveries(ctx(t), siteID, 0)
	must(t, "ListDeliveries", err)
	if len(got) != len(want) {
		t.Fatalf("log: got %d entries %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.NotificationID != w.NotificationID || g.Attempt != w.Attempt || !g.At.Equal(w.At) || g.Status != w.Status ||
			g.URL != w.URL || g.Duration != w.Duration || !g.NextAt.Equal(w.NextAt) || g.EventType != w.EventType {
			t.Fatalf("log[%d]: got %+v, want %+v", i, g, w)
		}
	}
}

func wantState(t *testing.T, st store.Store, n store.Notification, state string, attempts int) store.Notification {
	t.Helper()
	got, err := st.GetNotification(ctx(t), n.SiteID, n.ID)
	must(t, "GetNotification", err)
	if got.State != state || got.Attempts != attempts {
		t.Fatalf("notification %s: state %s after %d attempts, want %s after %d", n.ID, got.State, got.Attempts, state, attempts)
	}
	return got
}

var outboxTests = []test{
	{"a due notification is handed out once per lease", func(t *testing.T, st store.Store) {
		t0 := now()
		n := newNotification(newID("site"), t0)
		enqueueNotification(t, st, n)
		wantClaimed(t, "first claim", claimNotifications(t, st, t0), n, 1)
		wantNone(t, "claim within the lease", claimNotifications(t, st, t0.Add(outboxLease-time.Second)))
		// The sender died without recording: the next claim after the lease takes it over.
		wantClaimed(t, "claim after the lease", claimNotifications(t, st, t0.Add(outboxLease+time.Second)), n, 2)
	}},
	{"a notification due later waits for its time", func(t *testing.T, st store.Store) {
		t0 := now()
		n := newNotification(newID("site"), t0.Add(time.Hour))
		enqueueNotification(t, st, n)
		wantNone(t, "claim before it is due", claimNotifications(t, st, t0.Add(59*time.Minute)))
		wantClaimed(t, "claim when due", claimNotifications(t, st, t0.Add(time.Hour)), n, 1)
	}},
	{"an ID is enqueued once", func(t *testing.T, st store.Store) {
		n := newNotification(newID("site"), now())
		enqueueNotification(t, st, n)
		wantErr(t, "EnqueueNotification again", st.EnqueueNotification(ctx(t), n), store.ErrConflict)
		wantClaimed(t, "claim", claimNotifications(t, st, n.NextAt), n, 1)
	}},
	{"an attempt is logged and sets when the next is due", func(t *testing.T, st store.Store) {
		t0 := now()
		n := newNotification(newID("site"), t0)
		enqueueNotification(t, st, n)
		c := wantClaimed(t, "claim", claimNotifications(t, st, t0), n, 1)
		retryAt := t0.Add(10 * time.Second)
		first := record(t, st, c, t0, store.NotificationPending, 503, retryAt)
		wantState(t, st, n, store.NotificationPending, 1)
		wantNone(t, "claim before the retry is due", claimNotifications(t, st, retryAt.Add(-time.Second)))
		c = wantClaimed(t, "claim of the retry", claimNotifications(t, st, retryAt), n, 2)
		c.Attempts = 1
		second := record(t, st, c, retryAt, store.NotificationDelivered, 204, time.Time{})
		wantState(t, st, n, store.NotificationDelivered, 2)
		wantNone(t, "claim after delivery", claimNotifications(t, st, retryAt.Add(48*time.Hour)))
		wantLog(t, st, n.SiteID, second, first)
		if got, _ := st.ListDeliveries(ctx(t), newID("site"), 0); len(got) != 0 {
			t.Fatalf("another site's log: %+v", got)
		}
	}},
	{"a late attempt logs but does not undo a newer claim", func(t *testing.T, st store.Store) {
		t0 := now()
		n := newNotification(newID("site"), t0)
		enqueueNotification(t, st, n)
		stale := wantClaimed(t, "claim", claimNotifications(t, st, t0), n, 1)
		fresh := wantClaimed(t, "takeover", claimNotifications(t, st, t0.Add(2*outboxLease)), n, 2)
		late := record(t, st, stale, t0.Add(2*outboxLease), store.NotificationFailed, 400, time.Time{})
		wantState(t, st, n, store.NotificationPending, 0)
		ok := record(t, st, fresh, t0.Add(2*outboxLease+time.Second), store.NotificationDelivered, 200, time.Time{})
		wantState(t, st, n, store.NotificationDelivered, 1)
		wantLog(t, st, n.SiteID, ok, late)
	}},
	{"a replay makes a finished notification due again, whatever is in flight", func(t *testing.T, st store.Store) {
		t0 := now()
		n := newNotification(newID("site"), t0)
		enqueueNotification(t, st, n)
		c := wantClaimed(t, "claim", claimNotifications(t, st, t0), n, 1)
		record(t, st, c, t0, store.NotificationFailed, 410, time.Time{})
		wantNone(t, "claim of a failed notification", claimNotifications(t, st, t0.Add(time.Hour)))

		_, err := st.ReplayNotification(ctx(t), newID("site"), n.ID, t0, t0)
		wantErr(t, "ReplayNotification of another site's", err, store.ErrNotFound)
		_, err = st.ReplayNotification(ctx(t), n.SiteID, "msg_nope", t0, t0)
		wantErr(t, "ReplayNotification of an unknown ID", err, store.ErrNotFound)

		t1 := t0.Add(time.Hour)
		r, err := st.ReplayNotification(ctx(t), n.SiteID, n.ID, t1, t1.Add(24*time.Hour))
		must(t, "ReplayNotification", err)
		if r.State != store.NotificationPending || !r.NextAt.Equal(t1) || !r.GiveUpAt.Equal(t1.Add(24*time.Hour)) || r.Attempts != 1 {
			t.Fatalf("replayed: %+v", r)
		}
		want := n
		want.GiveUpAt = t1.Add(24 * time.Hour)
		inFlight := wantClaimed(t, "claim of the replay", claimNotifications(t, st, t1), want, r.Claim+1)
		inFlight.Attempts = 1
		// A second replay while that attempt is under way: the attempt's
		// failure must not cancel it.
		_, err = st.ReplayNotification(ctx(t), n.SiteID, n.ID, t1, t1.Add(24*time.Hour))
		must(t, "ReplayNotification while in flight", err)
		record(t, st, inFlight, t1, store.NotificationFailed, 404, time.Time{})
		wantState(t, st, n, store.NotificationPending, 1)
		if len(claimNotifications(t, st, t1)) != 1 {
			t.Fatal("the second replay was not handed out")
		}
	}},
	{"other sites cannot see a notification", func(t *testing.T, st store.Store) {
		n := newNotification(newID("site"), now())
		enqueueNotification(t, st, n)
		_, err := st.GetNotification(ctx(t), newID("site"), n.ID)
		wantErr(t, "GetNotification of another site's", err, store.ErrNotFound)
		_, err = st.GetNotification(ctx(t), n.SiteID, "msg_nope")
		wantErr(t, "GetNotification of an unknown ID", err, store.ErrNotFound)
	}},
	{"pending notifications are counted", func(t *testing.T, st store.Store) {
		t0 := now()
		before, err := st.PendingNotifications(ctx(t))
		must(t, "PendingNotifications", err)
		site := newID("site")
		a, b := newNotification(site, t0), newNotification(site, t0.Add(time.Hour))
		enqueueNotification(t, st, a)
		enqueueNotification(t, st, b)
		c := wantClaimed(t, "claim", claimNotifications(t, st, t0), a, 1)
		record(t, st, c, t0, store.NotificationDelivered, 200, time.Time{})
		got, err := st.PendingNotifications(ctx(t))
		must(t, "PendingNotifications", err)
		if got != before+1 {
			t.Fatalf("pending: %d, want %d", got, before+1)
		}
	}},
	{"the log keeps the newest entries", func(t *testing.T, st store.Store) {
		t0 := now()
		n := newNotification(newID("site"), t0)
		enqueueNotification(t, st, n)
		c := wantClaimed(t, "claim", claimNotifications(t, st, t0), n, 1)
		entry := func(i int) store.DeliveryAttempt {
			a := attemptOf(c, t0.Add(time.Duration(i)*time.Second), 500, t0.Add(time.Hour))
			a.Attempt = i
			return a
		}
		// A full log, written concurrently (the embedded store shares
		// commits between writers), then five more one by one.
		var wg sync.WaitGroup
		errs := make(chan error, store.DeliveryLogSize)
		for i := 1; i <= store.DeliveryLogSize; i++ {
			wg.Go(func() {
				if err := st.RecordDelivery(ctx(t), c, entry(i)); err != nil {
					errs <- fmt.Errorf("RecordDelivery %d: %w", i, err)
				}
			})
			if i%50 == 0 {
				wg.Wait()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		const extra = 5
		for i := store.DeliveryLogSize + 1; i <= store.DeliveryLogSize+extra; i++ {
			must(t, "RecordDelivery", st.RecordDelivery(ctx(t), c, entry(i)))
		}
		got, err := st.ListDeliveries(ctx(t), n.SiteID, 0)
		must(t, "ListDeliveries", err)
		seen := map[int]bool{}
		for _, a := range got {
			seen[a.Attempt] = true
		}
		if len(got) != store.DeliveryLogSize || len(seen) != store.DeliveryLogSize {
			t.Fatalf("log has %d entries (%d distinct), want %d", len(got), len(seen), store.DeliveryLogSize)
		}
		for i := range extra {
			if want := store.DeliveryLogSize + extra - i; got[i].Attempt != want {
				t.Fatalf("log[%d] is entry %d, want %d (newest first)", i, got[i].Attempt, want)
			}
		}
		page, err := st.ListDeliveries(ctx(t), n.SiteID, 10)
		must(t, "ListDeliveries with a limit", err)
		if len(page) != 10 || page[0].Attempt != got[0].Attempt || page[9].Attempt != got[9].Attempt {
			t.Fatalf("first 10: %+v, want the newest 10", page)
		}
	}},
	{"finished notifications are removed after their retention", func(t *testing.T, st store.Store) {
		t0 := now()
		site := newID("site")
		old, young := newNotification(site, t0), newNotification(site, t0)
		enqueueNotification(t, st, old)
		enqueueNotification(t, st, young)
		claimed := claimNotifications(t, st, t0)
		if len(claimed) != 2 {
			t.Fatalf("claimed %+v", claimed)
		}
		for _, c := range claimed {
			if c.ID == old.ID {
				record(t, st, c, t0, store.NotificationDelivered, 200, time.Time{})
			}
		}
		wantState(t, st, old, store.NotificationDelivered, 1)
		for _, c := range claimed {
			if c.ID == young.ID {
				record(t, st, c, t0.Add(store.FinishedRetention+time.Minute), store.NotificationDelivered, 200, time.Time{})
			}
		}
		_, err := st.GetNotification(ctx(t), site, old.ID)
		wantErr(t, "GetNotification past retention", err, store.ErrNotFound)
		wantState(t, st, young, store.NotificationDelivered, 1)
	}},
}
