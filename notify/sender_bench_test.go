package notify

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

// BenchmarkSend is the cost an event pays for its notification: one durable
// write to the outbox (run with BECKON_TEST_REDIS_URL for a real Redis).
func BenchmarkSend(b *testing.B) {
	for _, name := range []string{"embedded", "redis"} {
		b.Run(name, func(b *testing.B) {
			st := backings[name](b)()
			var eps endpoints
			s := New(st, eps.lookup, Options{Logger: slog.New(slog.DiscardHandler)})
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.Send(context.Background(), message("w1")); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkDeliver is the outbox's throughput end to end: b.N messages
// stored, then delivered to a local receiver by one sender.
func BenchmarkDeliver(b *testing.B) {
	for _, name := range []string{"embedded", "redis"} {
		b.Run(name, func(b *testing.B) {
			st := backings[name](b)()
			rc := newReceiver(b, status(http.StatusNoContent))
			var eps endpoints
			eps.set("w1", rc.hook("/"))
			opts := Options{AllowPrivate: true, Workers: 16, Logger: slog.New(slog.DiscardHandler)}
			s := New(st, eps.lookup, opts)
			for range b.N {
				if _, err := s.Send(context.Background(), message("w1")); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); s.Run(ctx) }()
			for {
				n, err := st.PendingNotifications(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			cancel()
			<-done
		})
	}
}
