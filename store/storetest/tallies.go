package storetest

import (
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/store"
)

func wantTally(t *testing.T, st store.Store, siteID, name string, want map[string]int64) {
	t.Helper()
	got, err := st.Tally(ctx(t), siteID, name)
	must(t, "Tally", err)
	if !maps.Equal(got, want) {
		t.Fatalf("Tally(%s): %v, want %v", name, got, want)
	}
}

var tallyTests = []test{
	{"add and read", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		wantTally(t, st, site.ID, "quiz:w1", map[string]int64{})
		must(t, "AddTally", st.AddTally(ctx(t), site.ID, "quiz:w1", map[string]int64{"views": 1, "step:rooms": 2}))
		must(t, "AddTally", st.AddTally(ctx(t), site.ID, "quiz:w1", map[string]int64{"views": 3, "leads": 1}))
		must(t, "AddTally", st.AddTally(ctx(t), site.ID, "quiz:w1:2026-11-30", map[string]int64{"views": 7}))
		must(t, "AddTally", st.AddTally(ctx(t), site.ID, "quiz", map[string]int64{"views": 9}))
		must(t, "AddTally", st.AddTally(ctx(t), other.ID, "quiz:w1", map[string]int64{"views": 5}))
		wantTally(t, st, site.ID, "quiz:w1", map[string]int64{"views": 4, "step:rooms": 2, "leads": 1})
		wantTally(t, st, site.ID, "quiz:w1:2026-11-30", map[string]int64{"views": 7})
		wantTally(t, st, site.ID, "quiz", map[string]int64{"views": 9})
		wantTally(t, st, other.ID, "quiz:w1", map[string]int64{"views": 5})
		wantTally(t, st, site.ID, "quiz:w", map[string]int64{})
	}},
	{"concurrent adds lose nothing", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		const each = 10
		var wg sync.WaitGroup
		for i := range concurrency {
			wg.Go(func() {
				for range each {
					deltas := map[string]int64{"views": 1, "starts": 2, fmt.Sprintf("step:s%d", i): 1}
					if err := st.AddTally(ctx(t), site.ID, "quiz:w1", deltas); err != nil {
						t.Errorf("AddTally: %v", err)
					}
				}
			})
		}
		wg.Wait()
		want := map[string]int64{"views": concurrency * each, "starts": 2 * concurrency * each}
		for i := range concurrency {
			want[fmt.Sprintf("step:s%d", i)] = each
		}
		wantTally(t, st, site.ID, "quiz:w1", want)
	}},
	{"a missing site is not found", func(t *testing.T, st store.Store) {
		// Nothing is stored for a site that does not exist.
		err := st.AddTally(ctx(t), "no-such-site", "quiz:w1", map[string]int64{"views": 1})
		wantErr(t, "AddTally", err, store.ErrNotFound)
		wantTally(t, st, "no-such-site", "quiz:w1", map[string]int64{})
	}},
}

// quizDataTests: deleting a site takes its leads, quiz sessions, versions
// and tallies with it, and a site created again with its ID starts empty.
var quizDataTests = []test{
	{"deleting a site deletes its leads, sessions, versions and tallies", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		fill := func(siteID string) (store.Lead, store.QuizSession) {
			l := createLead(t, st, newLead(siteID))
			q := newQuizSession(siteID)
			q.VisitorID = l.VisitorID
			createQuizSession(t, st, q)
			_, err := st.QuizVersion(ctx(t), siteID, "w1", []byte(`{"steps":[]}`), now())
			must(t, "QuizVersion", err)
			must(t, "AddTally", st.AddTally(ctx(t), siteID, "quiz:w1", map[string]int64{"views": 1}))
			return l, q
		}
		l, q := fill(site.ID)
		ol, oq := fill(other.ID)
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))

		empty := func(what string) {
			_, err := st.GetLead(ctx(t), site.ID, l.ID)
			wantErr(t, what+": GetLead", err, store.ErrNotFound)
			wantIDs(t, what+": ListLeads", listLeads(t, st, site.ID, store.LeadFilter{}), nil)
			visitor, err := st.VisitorLeads(ctx(t), site.ID, l.VisitorID)
			must(t, "VisitorLeads", err)
			wantIDs(t, what+": VisitorLeads", leadIDs(visitor), nil)
			_, err = st.GetQuizSession(ctx(t), site.ID, q.ID)
			wantErr(t, what+": GetQuizSession", err, store.ErrNotFound)
			_, err = st.GetQuizVersion(ctx(t), site.ID, "w1", 1)
			wantErr(t, what+": GetQuizVersion", err, store.ErrNotFound)
			versions, err := st.ListQuizVersions(ctx(t), site.ID, "w1")
			must(t, "ListQuizVersions", err)
			if len(versions) != 0 {
				t.Fatalf("%s: ListQuizVersions %+v", what, versions)
			}
			wantTally(t, st, site.ID, "quiz:w1", map[string]int64{})
		}
		empty("after DeleteSite")
		// Created again, the site has nothing of the deleted one.
		must(t, "CreateSite again", st.CreateSite(ctx(t), site))
		empty("recreated site")
		n, err := st.DeleteVisitorQuizSessions(ctx(t), site.ID, q.VisitorID)
		must(t, "DeleteVisitorQuizSessions", err)
		if n != 0 {
			t.Fatalf("recreated site: DeleteVisitorQuizSessions found %d", n)
		}
		if v, err := st.QuizVersion(ctx(t), site.ID, "w1", []byte(`{"steps":[1]}`), now()); err != nil || v != 1 {
			t.Fatalf("recreated site: QuizVersion of a new definition = %d, %v; want 1", v, err)
		}
		createLead(t, st, l)

		// The other site keeps everything.
		got, err := st.GetLead(ctx(t), other.ID, ol.ID)
		must(t, "other site's lead", err)
		wantLead(t, "other site's lead", got, ol)
		wantSession(t, "other site's session", getSession(t, st, oq), oq)
		if _, err := st.GetQuizVersion(ctx(t), other.ID, "w1", 1); err != nil {
			t.Fatalf("other site's version: %v", err)
		}
		wantTally(t, st, other.ID, "quiz:w1", map[string]int64{"views": 1})
	}},
}
