package storetest

import (
	"fmt"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// BatchExperimentStore is a store that records exposures in batches.
type BatchExperimentStore interface {
	ExperimentStore
	store.ExposureBatcher
}

// RunExposureBatches is the conformance suite of store.ExposureBatcher:
// a batch counts each visitor once, agrees with ExposeVisitor, and skips
// a deleted site's exposures without losing the others.
func RunExposureBatches(t *testing.T, newStore func(t *testing.T) BatchExperimentStore) {
	t.Run("a batch counts each visitor once", func(t *testing.T) {
		st := newStore(t)
		site := createSite(t, st)
		first, err := st.ExposeVisitor(ctx(t), site.ID, "exp1", "v0", "b")
		must(t, "ExposeVisitor", err)
		if !first {
			t.Fatal("first exposure not first")
		}
		var batch []store.Exposure
		for i := range 50 {
			variant := []string{"control", "b"}[i%2]
			batch = append(batch, store.Exposure{SiteID: site.ID, ExperimentID: "exp1", VisitorID: fmt.Sprintf("v%d", i), Variant: variant})
		}
		// The same visitor twice in one batch, under another variant the
		// second time: still one exposure, in the first variant.
		batch = append(batch, store.Exposure{SiteID: site.ID, ExperimentID: "exp1", VisitorID: "v1", Variant: "control"})
		firsts, err := st.ExposeVisitors(ctx(t), batch)
		must(t, "ExposeVisitors", err)
		if firsts != 49 {
			t.Fatalf("%d first exposures in the batch, want 49 (v0 was exposed before, v1 twice)", firsts)
		}
		wantTally(t, st, site.ID, store.ExperimentTally("exp1"), map[string]int64{"control:exposures": 24, "b:exposures": 26}) // v0 stays in b
		// Batched visitors convert like any exposed visitor.
		got, err := st.ConvertVisitor(ctx(t), site.ID, "exp1", "v1")
		must(t, "ConvertVisitor", err)
		if got != "b" {
			t.Fatalf("v1 converted in %q, want b", got)
		}
		again, err := st.ExposeVisitors(ctx(t), batch)
		must(t, "ExposeVisitors", err)
		if again != 0 {
			t.Fatalf("the same batch again counted %d", again)
		}
	})
	t.Run("a deleted site's exposures are skipped", func(t *testing.T) {
		st := newStore(t)
		site := createSite(t, st)
		firsts, err := st.ExposeVisitors(ctx(t), []store.Exposure{
			{SiteID: "no-such-site", ExperimentID: "exp1", VisitorID: "v1", Variant: "b"},
			{SiteID: site.ID, ExperimentID: "exp1", VisitorID: "v1", Variant: "b"},
		})
		must(t, "ExposeVisitors", err)
		if firsts != 1 {
			t.Fatalf("%d first exposures, want 1 (the existing site's)", firsts)
		}
		wantTally(t, st, site.ID, store.ExperimentTally("exp1"), map[string]int64{"b:exposures": 1})
		if _, err := st.ExposeVisitors(ctx(t), nil); err != nil {
			t.Fatalf("an empty batch: %v", err)
		}
	})
}
