package embedded

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

func TestExperimentsConformance(t *testing.T) {
	storetest.RunExperiments(t, func(t *testing.T) storetest.ExperimentStore {
		st, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
