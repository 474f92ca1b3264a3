package storetest

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// BenchmarkClaimCode measures visitors claiming codes of one pool, each a
// new visitor (the write path), from 32 and from 128 callers in flight.
// The pool is filled with b.N codes first, 10 000 per AddCodes as the API
// uploads them.
func BenchmarkClaimCode(b *testing.B, st store.Store) {
	ctx := b.Context()
	site := newSite()
	if err := st.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	for _, callers := range quizCallers {
		perProc := max(callers/runtime.GOMAXPROCS(0), 1)
		b.Run(fmt.Sprintf("callers=%d", perProc*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			p := newPool(site.ID, "bench")
			if err := st.CreateCodePool(ctx, p, nil, b.N); err != nil {
				b.Fatal(err)
			}
			all := codes(p.ID, b.N)
			for len(all) > 0 {
				n := min(len(all), 10_000)
				if _, _, err := st.AddCodes(ctx, site.ID, p.ID, all[:n], b.N); err != nil {
					b.Fatal(err)
				}
				all = all[n:]
			}
			var visitor atomic.Int64
			b.SetParallelism(perProc)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := st.ClaimCode(ctx, site.ID, p.ID, fmt.Sprintf("v%d", visitor.Add(1))); err != nil {
						b.Fatalf("ClaimCode: %v", err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
		})
	}
}

// BenchmarkAddCodes measures one upload of 10 000 new codes, the API's
// most per request (on Redis, one Lua script: how long Redis is busy).
func BenchmarkAddCodes(b *testing.B, st store.Store) {
	ctx := b.Context()
	site := newSite()
	if err := st.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		p := newPool(site.ID, "bench")
		if err := st.CreateCodePool(ctx, p, nil, store.MaxPoolCodes); err != nil {
			b.Fatal(err)
		}
		if _, _, err := st.AddCodes(ctx, site.ID, p.ID, codes(fmt.Sprint(i), 10_000), store.MaxPoolCodes); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/upload")
}
