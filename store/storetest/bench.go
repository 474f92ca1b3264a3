package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// IntakeParallelism is how many intakes per GOMAXPROCS BenchmarkIntake runs
// at once: 16 on two cores is 32 requests in flight, the load of
// cmd/beckonbench's default 32 connections.
const IntakeParallelism = 16

// BenchmarkIntake measures what one callback request asks of the store: the
// request with its job, and five rate-limit counters (per IP, per visitor,
// per phone, the site's day and the whole server's day). Both stores'
// benchmarks call it, so their numbers compare.
func BenchmarkIntake(b *testing.B, st store.Store) {
	ctx := b.Context()
	site := newSite()
	if err := st.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	b.SetParallelism(IntakeParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			c := newCallback(site.ID)
			c.Phone = fmt.Sprintf("+1555%07d", n)
			c.IP = fmt.Sprintf("198.51.%d.%d", n/250%20, n%250)
			if _, created, err := st.CreateCallback(ctx, c, c.CreatedAt.Add(-dedupeWindow)); err != nil || !created {
				b.Fatalf("CreateCallback: created=%v, %v", created, err)
			}
			for _, counter := range []struct {
				scope, name string
				window      time.Duration
			}{
				{"", "ip:" + c.IP, time.Minute},
				{site.ID, "visitor:" + c.VisitorID, time.Hour},
				{site.ID, "phone:" + c.Phone, time.Hour},
				{site.ID, "day", 24 * time.Hour},
				{"", "day", 24 * time.Hour},
			} {
				if _, _, err := st.Incr(ctx, counter.scope, counter.name, counter.window); err != nil {
					b.Fatalf("Incr: %v", err)
				}
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "intakes/s")
}

// BenchmarkHandoff measures how soon a job reaches a claimer that waits for
// one, as the callback bridge's claimer does: from the call of EnqueueJob to
// the return of ClaimJobs, as p50 and p99 in milliseconds; and from the
// return of EnqueueJob (the job is stored) to the return of ClaimJobs, as
// wake-p99. This is the store's share of "a request reaches the telephony
// provider within 100 ms".
func BenchmarkHandoff(b *testing.B, st store.Store) {
	ctx, cancel := context.WithCancel(b.Context())
	got := make(chan time.Time, 1)
	var claimer sync.WaitGroup
	claimer.Go(func() {
		for ctx.Err() == nil {
			jobs, err := st.ClaimJobs(ctx, "bench", 10, time.Minute, time.Second)
			at := time.Now()
			if err != nil {
				b.Errorf("ClaimJobs: %v", err)
				return
			}
			for _, j := range jobs {
				if err := st.AckJob(ctx, j); err != nil {
					b.Errorf("AckJob: %v", err)
				}
				got <- at
			}
		}
	})
	defer claimer.Wait()
	defer cancel()

	var took, woke []time.Duration
	for b.Loop() {
		time.Sleep(2 * time.Millisecond) // the claimer is back to waiting
		start := time.Now()
		if err := st.EnqueueJob(ctx, store.Job{SiteID: "bench", CallbackID: newID("callback"), Due: now()}); err != nil {
			b.Fatal(err)
		}
		stored := time.Now()
		at := <-got
		took, woke = append(took, at.Sub(start)), append(woke, max(at.Sub(stored), 0))
	}
	ms := func(d []time.Duration, q float64) float64 {
		slices.Sort(d)
		return float64(d[int(q*float64(len(d)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(0, "ns/op") // the sleeps make it meaningless
	b.ReportMetric(ms(took, 0.5), "p50-ms")
	b.ReportMetric(ms(took, 0.99), "p99-ms")
	b.ReportMetric(ms(woke, 0.99), "wake-p99-ms")
}
