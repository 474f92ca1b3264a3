package redisstore

import (
	"context"
	"testing"

	"github.com/beckonhq/beckon/store"

	"github.com/beckonhq/beckon/store/storetest"
)

func TestExposureBatchConformance(t *testing.T) {
	storetest.RunExposureBatches(t, func(t *testing.T) storetest.BatchExperimentStore { return newTestStore(t) })
}

// TestExposureBatchLoadsItsScript: a Redis that lost its scripts (a
// restart, SCRIPT FLUSH) still records a batch.
func TestExposureBatchLoadsItsScript(t *testing.T) {
	st := newTestStore(t)
	site := store.Site{ID: "s-flush", Key: "k-flush", Name: "Магазин", Locale: "ru", Timezone: "Europe/Moscow", Region: "RU"}
	if err := st.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	if err := st.client.ScriptFlush(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	firsts, err := st.ExposeVisitors(context.Background(), []store.Exposure{{SiteID: site.ID, ExperimentID: "exp1", VisitorID: "v1", Variant: "b"}})
	if err != nil || firsts != 1 {
		t.Fatalf("batch after SCRIPT FLUSH: %d first, %v", firsts, err)
	}
}
