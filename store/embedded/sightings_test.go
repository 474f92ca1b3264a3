package embedded

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

func TestSightingsConformance(t *testing.T) {
	storetest.RunSightings(t, func(t *testing.T) storetest.SightingStore {
		st, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
