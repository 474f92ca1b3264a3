package redisstore

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

// BenchmarkCreateCallbackParallel: the intake's writes (a request with its
// job, and five counters) from 32 requests in flight on two cores. Set
// BECKON_TEST_REDIS_URL to measure a real Redis; miniredis measures little.
func BenchmarkCreateCallbackParallel(b *testing.B) {
	storetest.BenchmarkIntake(b, newTestStore(b).Store)
}

// BenchmarkHandoff: from EnqueueJob to the return of a waiting ClaimJobs.
func BenchmarkHandoff(b *testing.B) {
	storetest.BenchmarkHandoff(b, newTestStore(b).Store)
}

// BenchmarkCreateLead: new leads from 32 and from 128 callers in flight.
// Target: 1,500 leads/s.
func BenchmarkCreateLead(b *testing.B) {
	storetest.BenchmarkCreateLead(b, newTestStore(b).Store)
}

// BenchmarkLeadQuizSession: a session, five answers and the lead, from 32
// and from 128 visitors in flight. Target: 500 sessions/s.
func BenchmarkLeadQuizSession(b *testing.B) {
	storetest.BenchmarkQuizSession(b, newTestStore(b).Store)
}
