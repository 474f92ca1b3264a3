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

// BenchmarkClaimCode: new visitors claiming codes of one pool, from 32 and
// from 128 callers in flight (one Lua script each).
func BenchmarkClaimCode(b *testing.B) {
	storetest.BenchmarkClaimCode(b, newTestStore(b).Store)
}

// BenchmarkAddCodes: one upload of 10 000 codes (one Lua script).
func BenchmarkAddCodes(b *testing.B) {
	storetest.BenchmarkAddCodes(b, newTestStore(b).Store)
}
