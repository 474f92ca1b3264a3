package redisstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// TestQuizKeys: a site's leads, sessions, versions and tallies are in the
// site's slot, among the keys DeleteSite deletes, and none is left after it.
func TestQuizKeys(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	now := time.Now().UTC()
	site, _, _ := fixtures("s1")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ts.CreateSite(ctx, site))
	_, _, err := ts.CreateLead(ctx, store.Lead{ID: "ld1", SiteID: "s1", Type: "quiz", Status: store.LeadNew, VisitorID: "v1", CreatedAt: now})
	must(err)
	must(ts.CreateQuizSession(ctx, store.QuizSession{ID: "qs1", SiteID: "s1", VisitorID: "v1", CreatedAt: now, UpdatedAt: now}))
	_, err = ts.QuizVersion(ctx, "s1", "w1", []byte(`{}`), now)
	must(err)
	must(ts.AddTally(ctx, "s1", "quiz:w1", map[string]int64{"views": 1}))

	deleted := ts.siteDataKeys("s1")
	var data []string
	for _, key := range keysUnder(t, ts.client, ts.prefix) {
		if hashTag(key) == "s:s1" {
			data = append(data, key)
		}
	}
	p := ts.prefix + ":{s:s1}:"
	want := []string{p + "leadentry", p + "leads", p + "leadtimes", p + "leadvis", p + "qs", p + "qsexp", p + "qsvis", p + "qv", p + "qvdefs", p + "site", p + "tallies", p + "tallyidx"}
	if !slices.Equal(data, want) {
		t.Fatalf("the site's keys:\n got %q\nwant %q", data, want)
	}
	for _, key := range data {
		if !slices.Contains(deleted, key) {
			t.Errorf("key %s is not among those DeleteSite deletes", key)
		}
	}
	must(ts.DeleteSite(ctx, "s1"))
	if left := siteKeysUnder(t, ts); len(left) != 0 {
		t.Fatalf("keys left behind: %q", left)
	}
}

// TestExpiredSessionsAreSwept: creates delete expired sessions, a few at a
// time, so Redis does not keep them forever.
func TestExpiredSessionsAreSwept(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	now := time.Now().UTC()
	site, _, _ := fixtures("s1")
	if err := ts.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	// Stored as CreateQuizSession stores them, minus its sweep, which
	// would delete the expired ones as they are made.
	const abandoned = 2*sessionSweep - 1
	for i := range abandoned {
		updated := now.Add(-store.QuizSessionTTL - time.Hour + time.Duration(i)*time.Second)
		q := store.QuizSession{ID: fmt.Sprintf("old%d", i), SiteID: "s1", VisitorID: "v", CreatedAt: updated, UpdatedAt: updated}
		data, _ := json.Marshal(q)
		_, err := ts.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, ts.sessionsKey("s1"), q.ID, data)
			p.ZAdd(ctx, ts.sessionsByExpiry("s1"), redis.Z{Score: float64(sessionExpires(q)), Member: sessionMember(q)})
			p.ZAdd(ctx, ts.sessionsByVisitor("s1"), redis.Z{Member: sessionMember(q)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		q := store.QuizSession{ID: fmt.Sprintf("new%d", i), SiteID: "s1", VisitorID: "v", CreatedAt: now, UpdatedAt: now}
		if err := ts.CreateQuizSession(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{ts.sessionsByExpiry("s1"), ts.sessionsByVisitor("s1")} {
		if n, err := ts.client.ZCard(ctx, key).Result(); err != nil || n != 2 {
			t.Fatalf("%s holds %d entries (%v) after two creates, want the 2 new sessions'", key, n, err)
		}
	}
	if ids, err := ts.client.HKeys(ctx, ts.sessionsKey("s1")).Result(); err != nil || !sameSet(ids, []string{"new0", "new1"}) {
		t.Fatalf("sessions after two creates: %q (%v), want new0 and new1", ids, err)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b)
}

// TestSessionChangedByAnotherReplica: a replica's update of a session it
// read before (and so holds as it was) keeps what another replica wrote
// since, and finds a session deleted since gone.
func TestSessionChangedByAnotherReplica(t *testing.T) {
	a := newTestStore(t)
	b := New(a.client, a.prefix) // another replica: same Redis, own memory
	ctx := t.Context()
	now := time.Now().UTC()
	site, _, _ := fixtures("s1")
	if err := a.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	q := store.QuizSession{ID: "qs1", SiteID: "s1", VisitorID: "v1", CreatedAt: now, UpdatedAt: now}
	if err := a.CreateQuizSession(ctx, q); err != nil {
		t.Fatal(err)
	}
	answer := func(st *Store, step string) {
		t.Helper()
		_, err := st.UpdateQuizSession(ctx, "s1", "qs1", func(q *store.QuizSession) error {
			if q.Answers == nil {
				q.Answers = map[string]json.RawMessage{}
			}
			q.Answers[step] = json.RawMessage(`1`)
			q.Path = append(q.Path, step)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.GetQuizSession(ctx, "s1", "qs1"); err != nil {
		t.Fatal(err)
	}
	answer(b, "rooms")
	answer(a.Store, "area")
	got, err := b.GetQuizSession(ctx, "s1", "qs1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Path, []string{"rooms", "area"}) || len(got.Answers) != 2 {
		t.Fatalf("after updates by two replicas: path %q, answers %d; want both", got.Path, len(got.Answers))
	}
	if n, err := b.DeleteVisitorQuizSessions(ctx, "s1", "v1"); err != nil || n != 1 {
		t.Fatalf("DeleteVisitorQuizSessions: %d, %v", n, err)
	}
	// The replica still holds the session as it was; its update must not
	// bring it back.
	_, err = a.UpdateQuizSession(ctx, "s1", "qs1", func(q *store.QuizSession) error {
		q.Current = "area"
		return nil
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update of a session deleted by another replica: %v, want not found", err)
	}
	if _, err := b.GetQuizSession(ctx, "s1", "qs1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the deleted session after the update: %v, want not found", err)
	}
}

// TestStaleCopyDoesNotDecide: a refusal by fn of the session as this
// replica last saw it is not final when another replica changed it since:
// fn decides on the session as it is.
func TestStaleCopyDoesNotDecide(t *testing.T) {
	a := newTestStore(t)
	b := New(a.client, a.prefix)
	ctx := t.Context()
	now := time.Now().UTC()
	site, _, _ := fixtures("s1")
	if err := a.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if err := a.CreateQuizSession(ctx, store.QuizSession{ID: "qs1", SiteID: "s1", VisitorID: "v1", Current: "rooms", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UpdateQuizSession(ctx, "s1", "qs1", func(q *store.QuizSession) error {
		q.Current = "area"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	errNotThere := errors.New("not at area yet")
	got, err := a.UpdateQuizSession(ctx, "s1", "qs1", func(q *store.QuizSession) error {
		if q.Current != "area" {
			return errNotThere
		}
		q.Current = "done"
		return nil
	})
	if err != nil || got.Current != "done" {
		t.Fatalf("update that needs the other replica's change: %+v, %v", got, err)
	}
}
