package redisstore

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

// BenchmarkGameDraw: new players' draws of one campaign (one Lua script
// each), from 32 and from 128 callers in flight.
func BenchmarkGameDraw(b *testing.B) {
	storetest.BenchmarkGameDraw(b, newTestStore(b).Store)
}
