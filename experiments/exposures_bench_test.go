package experiments_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// BenchmarkExposeNewVisitor is what recording a new visitor's exposure
// adds to its /config: with the background writer running, the request
// only queues it (the store writes happen in the writer's batches,
// counted in "written/op" once the queue is flushed at the end).
//
//	go test -run '^$' -bench BenchmarkExposeNewVisitor ./experiments/
func BenchmarkExposeNewVisitor(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			ts := servertest.Start(b, servertest.NewStore(b, kind), servertest.Options{})
			siteID := ts.CreateSite("Магазин")["id"].(string)
			svc := experiments.NewService(ts.Store, slog.New(slog.NewTextHandler(io.Discard, nil)))
			ctx, cancel := context.WithCancel(context.Background())
			svc.Start(ctx)
			exp := &store.Experiment{ID: fmt.Sprintf("exp_bench_%d", b.N), Variants: []store.ExperimentVariant{{ID: "control", Weight: 1}, {ID: "b", Weight: 1}}}
			b.ResetTimer()
			for i := range b.N {
				svc.Expose(ctx, siteID, exp, fmt.Sprintf("%032x", i), "b")
			}
			b.StopTimer()
			svc.Flush(context.Background())
			cancel()
			svc.Wait(context.Background())
			counts, err := ts.Store.Tally(context.Background(), siteID, store.ExperimentTally(exp.ID))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(counts["b:exposures"])/float64(b.N), "written/op")
		})
	}
}
