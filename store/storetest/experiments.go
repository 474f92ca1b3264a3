package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// ExperimentStore is a store with A/B experiment records.
type ExperimentStore interface {
	store.Store
	store.Experiments
}

// RunExperiments is the conformance suite of store.Experiments.
func RunExperiments(t *testing.T, newStore func(t *testing.T) ExperimentStore) {
	for _, tc := range experimentTests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

var experimentTests = []struct {
	name string
	run  func(t *testing.T, st ExperimentStore)
}{
	{"a visitor is exposed and converts once", func(t *testing.T, st ExperimentStore) {
		site, other := createSite(t, st), createSite(t, st)
		name := store.ExperimentTally("exp1")
		first, err := st.ExposeVisitor(ctx(t), site.ID, "exp1", "v1", "b")
		must(t, "ExposeVisitor", err)
		if !first {
			t.Fatal("a visitor's first exposure was not first")
		}
		// A later exposure, even naming another variant, changes nothing:
		// the visitor stays in the arm it was first shown.
		first, err = st.ExposeVisitor(ctx(t), site.ID, "exp1", "v1", "control")
		must(t, "ExposeVisitor", err)
		if first {
			t.Fatal("a repeated exposure counted as first")
		}
		wantTally(t, st, site.ID, name, map[string]int64{"b:exposures": 1})
		for i, want := range []string{"b", ""} {
			got, err := st.ConvertVisitor(ctx(t), site.ID, "exp1", "v1")
			must(t, "ConvertVisitor", err)
			if got != want {
				t.Fatalf("conversion %d: variant %q, want %q", i+1, got, want)
			}
		}
		wantTally(t, st, site.ID, name, map[string]int64{"b:exposures": 1, "b:conversions": 1})
		// Another experiment and another site know nothing of it.
		if got, err := st.ConvertVisitor(ctx(t), site.ID, "exp2", "v1"); err != nil || got != "" {
			t.Fatalf("conversion in another experiment: %q, %v", got, err)
		}
		if got, err := st.ConvertVisitor(ctx(t), other.ID, "exp1", "v1"); err != nil || got != "" {
			t.Fatalf("conversion on another site: %q, %v", got, err)
		}
		wantTally(t, st, other.ID, name, map[string]int64{})
	}},
	{"a visitor never exposed does not convert", func(t *testing.T, st ExperimentStore) {
		site := createSite(t, st)
		got, err := st.ConvertVisitor(ctx(t), site.ID, "exp1", "stranger")
		must(t, "ConvertVisitor", err)
		if got != "" {
			t.Fatalf("an unexposed visitor converted in %q", got)
		}
		wantTally(t, st, site.ID, store.ExperimentTally("exp1"), map[string]int64{})
	}},
	{"records stay out of tallies", func(t *testing.T, st ExperimentStore) {
		// Visitor records share the site's tallies; no tally read may
		// list them, not even a tally with an empty name.
		site := createSite(t, st)
		_, err := st.ExposeVisitor(ctx(t), site.ID, "exp1", "v1", "control")
		must(t, "ExposeVisitor", err)
		wantTally(t, st, site.ID, "", map[string]int64{})
		wantTally(t, st, site.ID, "experiment", map[string]int64{})
	}},
	{"racing exposures and conversions count each visitor once", func(t *testing.T, st ExperimentStore) {
		site := createSite(t, st)
		const visitors = 10
		var firsts, converted atomic.Int64
		var wg sync.WaitGroup
		for i := range concurrency {
			wg.Go(func() {
				for v := range visitors {
					variant := []string{"control", "b"}[v%2]
					id := fmt.Sprintf("v%d", v)
					first, err := st.ExposeVisitor(ctx(t), site.ID, "exp1", id, variant)
					if err != nil {
						t.Errorf("ExposeVisitor: %v", err)
					}
					if first {
						firsts.Add(1)
					}
					if i%2 == 0 {
						got, err := st.ConvertVisitor(ctx(t), site.ID, "exp1", id)
						if err != nil {
							t.Errorf("ConvertVisitor: %v", err)
						}
						if got != "" {
							converted.Add(1)
						}
					}
				}
			})
		}
		wg.Wait()
		if firsts.Load() != visitors || converted.Load() != visitors {
			t.Fatalf("%d first exposures and %d conversions of %d visitors", firsts.Load(), converted.Load(), visitors)
		}
		wantTally(t, st, site.ID, store.ExperimentTally("exp1"), map[string]int64{
			"control:exposures": visitors / 2, "b:exposures": visitors / 2,
			"control:conversions": visitors / 2, "b:conversions": visitors / 2})
	}},
	{"a missing site is not found, deleting a site takes its records", func(t *testing.T, st ExperimentStore) {
		_, err := st.ExposeVisitor(ctx(t), "no-such-site", "exp1", "v1", "b")
		wantErr(t, "ExposeVisitor", err, store.ErrNotFound)
		_, err = st.ConvertVisitor(ctx(t), "no-such-site", "exp1", "v1")
		wantErr(t, "ConvertVisitor", err, store.ErrNotFound)
		site := createSite(t, st)
		_, err = st.ExposeVisitor(ctx(t), site.ID, "exp1", "v1", "b")
		must(t, "ExposeVisitor", err)
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))
		// A new site of the same id starts with nothing.
		must(t, "CreateSite", st.CreateSite(ctx(t), site))
		first, err := st.ExposeVisitor(ctx(t), site.ID, "exp1", "v1", "b")
		must(t, "ExposeVisitor", err)
		if !first {
			t.Fatal("a visitor of a deleted site was remembered")
		}
		wantTally(t, st, site.ID, store.ExperimentTally("exp1"), map[string]int64{"b:exposures": 1})
	}},
}
