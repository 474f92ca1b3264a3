package embedded

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

func TestExposureBatchConformance(t *testing.T) {
	storetest.RunExposureBatches(t, func(t *testing.T) storetest.BatchExperimentStore {
		st, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
