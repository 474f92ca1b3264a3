package embedded

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

// BenchmarkGameDraw: new players' draws of one campaign, from 32 and from
// 128 callers in flight.
func BenchmarkGameDraw(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchmarkGameDraw(b, st)
}
