package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newQuizSession(siteID string) store.QuizSession {
	t := now()
	return store.QuizSession{
		ID:        newID("qs"),
		SiteID:    siteID,
		WidgetID:  newID("widget"),
		Version:   1,
		VisitorID: newID("visitor"),
		Answers:   map[string]json.RawMessage{"rooms": json.RawMessage(`"r3"`)},
		Path:      []string{"rooms"},
		Current:   "area",
		Lang:      "uk",
		PageURL:   "https://shop.example/?utm_source=ads",
		UTM:       map[string]string{"utm_source": "ads"},
		Hidden:    map[string]string{"manager": "Ірина"},
		Source:    "ads",
		IP:        "203.0.113.7",
		CreatedAt: t,
		UpdatedAt: t,
	}
}

func createQuizSession(t *testing.T, st store.Store, q store.QuizSession) store.QuizSession {
	t.Helper()
	must(t, "CreateQuizSession", st.CreateQuizSession(ctx(t), q))
	return q
}

// sessionJSON is q as JSON with its times in UTC.
func sessionJSON(q store.QuizSession) string {
	q.CreatedAt, q.UpdatedAt = q.CreatedAt.UTC(), q.UpdatedAt.UTC()
	raw, err := json.Marshal(q)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

func wantSession(t *testing.T, what string, got, want store.QuizSession) {
	t.Helper()
	if g, w := sessionJSON(got), sessionJSON(want); g != w {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func getSession(t *testing.T, st store.Store, q store.QuizSession) store.QuizSession {
	t.Helper()
	got, err := st.GetQuizSession(ctx(t), q.SiteID, q.ID)
	must(t, "GetQuizSession", err)
	return got
}

var quizSessionTests = []test{
	{"create and get", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		q := createQuizSession(t, st, newQuizSession(site.ID))
		wantSession(t, "GetQuizSession", getSession(t, st, q), q)
	}},
	{"a taken ID conflicts, a missing site is not found", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		q := createQuizSession(t, st, newQuizSession(site.ID))
		dup := newQuizSession(site.ID)
		dup.ID = q.ID
		wantErr(t, "CreateQuizSession with a taken ID", st.CreateQuizSession(ctx(t), dup), store.ErrConflict)
		wantSession(t, "session after the refused create", getSession(t, st, q), q)
		wantErr(t, "CreateQuizSession for a missing site", st.CreateQuizSession(ctx(t), newQuizSession("no-such-site")), store.ErrNotFound)
		_, err := st.GetQuizSession(ctx(t), site.ID, "no-such-session")
		wantErr(t, "GetQuizSession", err, store.ErrNotFound)
		_, err = st.UpdateQuizSession(ctx(t), site.ID, "no-such-session", func(*store.QuizSession) error {
			t.Error("UpdateQuizSession called fn for a missing session")
			return nil
		})
		wantErr(t, "UpdateQuizSession", err, store.ErrNotFound)
	}},
	{"update keeps the session's identity and changes the rest", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		q := createQuizSession(t, st, newQuizSession(site.ID))
		want := q
		want.Answers = map[string]json.RawMessage{"rooms": json.RawMessage(`"r3"`), "area": json.RawMessage(`72.5`)}
		want.Path, want.Current, want.LeadID, want.Done = []string{"rooms", "area"}, "", "ld-1", true
		want.Contact = &store.LeadContact{Phone: "+380441234567"}
		want.Version, want.UpdatedAt = 3, q.UpdatedAt.Add(time.Minute)
		got, err := st.UpdateQuizSession(ctx(t), site.ID, q.ID, func(cur *store.QuizSession) error {
			wantSession(t, "fn's session", *cur, q)
			cur.Answers, cur.Path, cur.Current, cur.LeadID, cur.Done = want.Answers, want.Path, want.Current, want.LeadID, want.Done
			cur.Contact, cur.Version, cur.UpdatedAt = want.Contact, want.Version, want.UpdatedAt
			// None of these may move.
			cur.ID, cur.SiteID, cur.WidgetID, cur.VisitorID, cur.CreatedAt = "other", "other-site", "other-widget", "other-visitor", q.CreatedAt.Add(-time.Hour)
			return nil
		})
		must(t, "UpdateQuizSession", err)
		wantSession(t, "UpdateQuizSession result", got, want)
		wantSession(t, "GetQuizSession after update", getSession(t, st, q), want)
		// The visitor is still its owner.
		n, err := st.DeleteVisitorQuizSessions(ctx(t), site.ID, q.VisitorID)
		must(t, "DeleteVisitorQuizSessions", err)
		if n != 1 {
			t.Fatalf("DeleteVisitorQuizSessions of its visitor: %d, want 1", n)
		}
	}},
	{"update fn error changes nothing", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		q := createQuizSession(t, st, newQuizSession(site.ID))
		errRefused := errors.New("refused by fn")
		_, err := st.UpdateQuizSession(ctx(t), site.ID, q.ID, func(cur *store.QuizSession) error {
			cur.Current = "half-done"
			return errRefused
		})
		if err != errRefused {
			t.Fatalf("UpdateQuizSession returned %v, want fn's error unchanged", err)
		}
		wantSession(t, "session after a refused update", getSession(t, st, q), q)
	}},
	{"concurrent updates lose nothing", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		q := createQuizSession(t, st, newQuizSession(site.ID))
		var wg sync.WaitGroup
		want := slices.Collect(maps.Keys(q.Answers))
		for i := range concurrency {
			step := fmt.Sprintf("s%d", i)
			want = append(want, step)
			wg.Go(func() {
				_, err := st.UpdateQuizSession(ctx(t), site.ID, q.ID, func(cur *store.QuizSession) error {
					cur.Answers[step] = json.RawMessage(`1`)
					cur.Path = append(cur.Path, step)
					cur.UpdatedAt = now()
					return nil
				})
				if err != nil {
					t.Errorf("UpdateQuizSession: %v", err)
				}
			})
		}
		wg.Wait()
		got := getSession(t, st, q)
		if steps := slices.Collect(maps.Keys(got.Answers)); !sameStrings(steps, want) || !sameStrings(got.Path, want) {
			t.Fatalf("after %d concurrent updates: answers %q, path %q; want %q", concurrency, steps, got.Path, want)
		}
	}},
	{"a session not changed for the TTL is gone", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		old := newQuizSession(site.ID)
		old.CreatedAt = now().Add(-store.QuizSessionTTL - time.Hour)
		old.UpdatedAt = now().Add(-store.QuizSessionTTL - time.Minute)
		createQuizSession(t, st, old)
		_, err := st.GetQuizSession(ctx(t), site.ID, old.ID)
		wantErr(t, "GetQuizSession of an expired session", err, store.ErrNotFound)
		_, err = st.UpdateQuizSession(ctx(t), site.ID, old.ID, func(*store.QuizSession) error {
			t.Error("UpdateQuizSession called fn for an expired session")
			return nil
		})
		wantErr(t, "UpdateQuizSession of an expired session", err, store.ErrNotFound)

		// Changed a minute within the TTL: still there.
		recent := newQuizSession(site.ID)
		recent.CreatedAt = old.CreatedAt
		recent.UpdatedAt = now().Add(-store.QuizSessionTTL + time.Minute)
		createQuizSession(t, st, recent)
		wantSession(t, "GetQuizSession of a session changed within the TTL", getSession(t, st, recent), recent)

		// The expiry follows UpdatedAt as the last update set it.
		_, err = st.UpdateQuizSession(ctx(t), site.ID, recent.ID, func(cur *store.QuizSession) error {
			cur.UpdatedAt = now().Add(-store.QuizSessionTTL - time.Second)
			return nil
		})
		must(t, "UpdateQuizSession", err)
		_, err = st.GetQuizSession(ctx(t), site.ID, recent.ID)
		wantErr(t, "GetQuizSession after an update to an expired time", err, store.ErrNotFound)
		// An expired session is not counted as the visitor's.
		n, err := st.DeleteVisitorQuizSessions(ctx(t), site.ID, old.VisitorID)
		must(t, "DeleteVisitorQuizSessions", err)
		if n != 0 {
			t.Fatalf("DeleteVisitorQuizSessions counted %d expired sessions", n)
		}
	}},
	{"delete a visitor's sessions", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		visitor := newID("visitor")
		var mine []store.QuizSession
		for range 3 {
			q := newQuizSession(site.ID)
			q.VisitorID = visitor
			mine = append(mine, createQuizSession(t, st, q))
		}
		keep := []store.QuizSession{createQuizSession(t, st, newQuizSession(site.ID))}
		elsewhere := newQuizSession(other.ID) // the same visitor on another site
		elsewhere.VisitorID = visitor
		prefix := newQuizSession(site.ID) // a visitor whose ID starts with this one's
		prefix.VisitorID = visitor + "x"
		keep = append(keep, createQuizSession(t, st, elsewhere), createQuizSession(t, st, prefix))

		n, err := st.DeleteVisitorQuizSessions(ctx(t), site.ID, visitor)
		must(t, "DeleteVisitorQuizSessions", err)
		if n != len(mine) {
			t.Fatalf("DeleteVisitorQuizSessions: %d, want %d", n, len(mine))
		}
		for _, q := range mine {
			_, err := st.GetQuizSession(ctx(t), site.ID, q.ID)
			wantErr(t, "GetQuizSession of a deleted visitor's session", err, store.ErrNotFound)
		}
		for _, q := range keep {
			wantSession(t, "another visitor's or site's session", getSession(t, st, q), q)
		}
		n, err = st.DeleteVisitorQuizSessions(ctx(t), site.ID, visitor)
		must(t, "DeleteVisitorQuizSessions again", err)
		if n != 0 {
			t.Fatalf("DeleteVisitorQuizSessions again: %d, want 0", n)
		}
	}},
	{"another site's session is not found", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		q := createQuizSession(t, st, newQuizSession(site.ID))
		_, err := st.GetQuizSession(ctx(t), other.ID, q.ID)
		wantErr(t, "GetQuizSession from another site", err, store.ErrNotFound)
		_, err = st.UpdateQuizSession(ctx(t), other.ID, q.ID, func(*store.QuizSession) error {
			t.Error("UpdateQuizSession called fn for another site's session")
			return nil
		})
		wantErr(t, "UpdateQuizSession from another site", err, store.ErrNotFound)
		n, err := st.DeleteVisitorQuizSessions(ctx(t), other.ID, q.VisitorID)
		must(t, "DeleteVisitorQuizSessions", err)
		if n != 0 {
			t.Fatalf("DeleteVisitorQuizSessions of another site deleted %d", n)
		}
		wantSession(t, "the session", getSession(t, st, q), q)
	}},
}

var quizVersionTests = []test{
	{"numbers definitions as first seen", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		t0 := now()
		defs := [][]byte{[]byte(`{"steps":[1]}`), []byte(`{"steps":[1,2]}`)}
		for i, c := range []struct {
			widget string
			def    []byte
			want   int
		}{{"w1", defs[0], 1}, {"w1", defs[0], 1}, {"w1", defs[1], 2}, {"w1", defs[0], 1}, {"w2", defs[1], 1}} {
			v, err := st.QuizVersion(ctx(t), site.ID, c.widget, c.def, t0.Add(time.Duration(i)*time.Minute))
			must(t, "QuizVersion", err)
			if v != c.want {
				t.Fatalf("call %d: QuizVersion(%s, %s) = %d, want %d", i, c.widget, c.def, v, c.want)
			}
		}
		for v, def := range map[int][]byte{1: defs[0], 2: defs[1]} {
			got, err := st.GetQuizVersion(ctx(t), site.ID, "w1", v)
			must(t, "GetQuizVersion", err)
			if string(got) != string(def) {
				t.Fatalf("GetQuizVersion(w1, %d) = %s, want %s", v, got, def)
			}
		}
		for _, v := range []int{0, 3} {
			_, err := st.GetQuizVersion(ctx(t), site.ID, "w1", v)
			wantErr(t, fmt.Sprintf("GetQuizVersion(w1, %d)", v), err, store.ErrNotFound)
		}
		_, err := st.GetQuizVersion(ctx(t), site.ID, "w2", 2)
		wantErr(t, "GetQuizVersion(w2, 2)", err, store.ErrNotFound)
		list, err := st.ListQuizVersions(ctx(t), site.ID, "w1")
		must(t, "ListQuizVersions", err)
		if len(list) != 2 || list[0].Version != 1 || !list[0].CreatedAt.Equal(t0) || list[1].Version != 2 || !list[1].CreatedAt.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("ListQuizVersions: %+v, want 1 at %v and 2 at %v", list, t0, t0.Add(2*time.Minute))
		}
		list, err = st.ListQuizVersions(ctx(t), site.ID, "w3")
		must(t, "ListQuizVersions", err)
		if len(list) != 0 {
			t.Fatalf("ListQuizVersions of a widget with none: %+v", list)
		}
	}},
	{"concurrent first calls agree", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		versions := make([]int, concurrency)
		var wg sync.WaitGroup
		for i := range concurrency {
			wg.Go(func() {
				var err error
				// Half call with one definition, half with another.
				versions[i], err = st.QuizVersion(ctx(t), site.ID, "w1", fmt.Appendf(nil, `{"v":%d}`, i%2), now())
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		a, b := versions[0], versions[1]
		if !sameInts([]int{a, b}, []int{1, 2}) {
			t.Fatalf("the two definitions got versions %d and %d, want 1 and 2", a, b)
		}
		for i, v := range versions {
			if v != versions[i%2] {
				t.Fatalf("calls with one definition got versions %d and %d", versions[i%2], v)
			}
		}
		list, err := st.ListQuizVersions(ctx(t), site.ID, "w1")
		must(t, "ListQuizVersions", err)
		if len(list) != 2 {
			t.Fatalf("ListQuizVersions after concurrent calls: %+v, want 2 versions", list)
		}
	}},
	{"a missing site is not found", func(t *testing.T, st store.Store) {
		_, err := st.QuizVersion(ctx(t), "no-such-site", "w1", []byte(`{}`), now())
		wantErr(t, "QuizVersion", err, store.ErrNotFound)
		_, err = st.GetQuizVersion(ctx(t), "no-such-site", "w1", 1)
		wantErr(t, "GetQuizVersion", err, store.ErrNotFound)
	}},
}

func sameInts(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
