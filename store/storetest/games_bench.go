package storetest

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// BenchmarkGameDraw measures new players' draws of one campaign (the
// write path: each a new visitor id and contact, four prizes, one of them
// with a stock that runs out mid-run), from 32 and from 128 callers in
// flight.
func BenchmarkGameDraw(b *testing.B, st store.Store) {
	ctx := b.Context()
	site := newSite()
	if err := st.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	prizes := []store.GamePrize{{ID: "ten", Weight: 30}, {ID: "ship", Weight: 25},
		{ID: "gift", Weight: 5, Stock: stock(50)}, {ID: "tv", Weight: 1, Stock: stock(1)}}
	for _, callers := range quizCallers {
		perProc := max(callers/runtime.GOMAXPROCS(0), 1)
		b.Run(fmt.Sprintf("callers=%d", perProc*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			campaign := newID("c")
			var player atomic.Uint64
			b.SetParallelism(perProc)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := player.Add(1)
					d := store.GameDraw{SiteID: site.ID, WidgetID: "w1", Campaign: campaign, ID: fmt.Sprint("d", n),
						Keys:   []string{fmt.Sprint("v:", n), fmt.Sprint("c:", n)},
						Prizes: prizes, NoPrize: 39, Rand: n * 2654435761, At: now()}
					if _, _, err := st.GameDraw(ctx, d); err != nil {
						b.Fatalf("GameDraw: %v", err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "draws/s")
		})
	}
}
