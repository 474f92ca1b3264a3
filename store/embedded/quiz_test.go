package embedded

import (
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// siteKeys counts the keys of a site's bucket under top.
func siteKeys(t *testing.T, st *Store, top []byte, siteID string) int {
	t.Helper()
	n := 0
	err := st.db.View(func(tx *bolt.Tx) error {
		if b := siteBucket(tx, top, siteID); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestExpiredSessionsAreSwept: creates delete expired sessions, a few at a
// time, so the file does not keep them forever; a session updated since
// its expiry entry was written is kept.
func TestExpiredSessionsAreSwept(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	now := time.Now().UTC()
	if err := st.CreateSite(ctx, store.Site{ID: "s1", Key: "k1", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	session := func(id string, updated time.Time) store.QuizSession {
		return store.QuizSession{ID: id, SiteID: "s1", WidgetID: "w1", VisitorID: "v-" + id, CreatedAt: updated, UpdatedAt: updated}
	}
	// Sessions stored as CreateQuizSession stores them, minus its sweep,
	// which would delete the expired ones as they are made.
	put := func(q store.QuizSession, entry time.Time) {
		t.Helper()
		err := st.db.Update(func(tx *bolt.Tx) error {
			sessions, err := nested(tx, bucketQuizSessions, "s1")
			if err != nil {
				return err
			}
			expiry, err := nested(tx, bucketQuizExpiry, "s1")
			if err != nil {
				return err
			}
			if err := putJSON(sessions, q.ID, q); err != nil {
				return err
			}
			return expiry.Put(timeKey(entry, []byte(q.ID)), []byte(q.VisitorID))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	long := now.Add(-store.QuizSessionTTL - time.Hour)
	// The oldest entry: a session created long ago but answered today.
	put(session("answered", now), long.Add(store.QuizSessionTTL))
	const abandoned = 2*sessionSweep - 1
	for i := range abandoned {
		updated := long.Add(time.Duration(i+1) * time.Second)
		put(session(fmt.Sprintf("old%d", i), updated), updated.Add(store.QuizSessionTTL))
	}
	if n := siteKeys(t, st, bucketQuizSessions, "s1"); n != 1+abandoned {
		t.Fatalf("%d sessions before the sweeps, want %d", n, 1+abandoned)
	}
	for i := range 2 {
		if err := st.CreateQuizSession(ctx, session(fmt.Sprintf("new%d", i), now)); err != nil {
			t.Fatal(err)
		}
	}
	// The first create looked at the answered session and three abandoned
	// ones, the second at the next four.
	if n := siteKeys(t, st, bucketQuizSessions, "s1"); n != 3 {
		t.Fatalf("%d sessions after two creates, want 3: the answered one and the new ones", n)
	}
	if n := siteKeys(t, st, bucketQuizExpiry, "s1"); n != 3 {
		t.Fatalf("%d expiry entries after two creates, want 3", n)
	}
	if _, err := st.GetQuizSession(ctx, "s1", "answered"); err != nil {
		t.Fatalf("the session answered today: %v", err)
	}
	// Its entry now is its present expiry: it is no longer swept early.
	if err := st.CreateQuizSession(ctx, session("new2", now)); err != nil {
		t.Fatal(err)
	}
	if n := siteKeys(t, st, bucketQuizSessions, "s1"); n != 4 {
		t.Fatalf("%d sessions, want 4", n)
	}
}
