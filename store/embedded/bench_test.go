package embedded

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

// BenchmarkCreateCallbackParallel: the intake's writes (a request and five
// counters) from 32 requests in flight on two cores. Target: 2,000 intakes/s.
func BenchmarkCreateCallbackParallel(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkIntake(b, st)
}

// BenchmarkHandoff: from EnqueueJob to the return of a waiting ClaimJobs.
func BenchmarkHandoff(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkHandoff(b, st)
}
