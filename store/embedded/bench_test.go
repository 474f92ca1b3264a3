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

// BenchmarkCreateLead: new leads from 32 and from 128 callers in flight.
// Target: 3,000 leads/s.
func BenchmarkCreateLead(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkCreateLead(b, st)
}

// BenchmarkLeadQuizSession: a session, five answers and the lead, from 32
// and from 128 visitors in flight. Target: 1,000 sessions/s.
func BenchmarkLeadQuizSession(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkQuizSession(b, st)
}

// BenchmarkClaimCode: new visitors claiming codes of one pool, from 32 and
// from 128 callers in flight.
func BenchmarkClaimCode(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkClaimCode(b, st)
}

// BenchmarkAddCodes: one upload of 10 000 codes.
func BenchmarkAddCodes(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkAddCodes(b, st)
}
