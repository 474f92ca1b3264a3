package notify

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
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

// BenchmarkPublish is what a lead pays for its notifications: the payload
// built once, the site's channels read, and one durable write per
// destination (here the widget's webhook and three channels), with 16
// leads per CPU at once.
func BenchmarkPublish(b *testing.B) {
	for _, name := range []string{"embedded", "redis"} {
		b.Run(name, func(b *testing.B) {
			st := backings[name](b)()
			var eps endpoints
			eps.set("wq", Webhook{URL: "https://crm.example/hook", Secret: NewSecret()})
			var sites siteTable
			sites.set("site-1", SiteInfo{Channels: Channels{
				Webhook:  &WebhookChannel{URL: "https://crm.example/site", Secret: NewSecret(), Events: EventTypes},
				Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42", Events: EventTypes},
				Bitrix24: &Bitrix24Channel{URL: "https://x.bitrix24.ru/rest/1/abc/", Events: []string{EventLeadSubmitted}},
			}})
			s := New(st, eps.lookup, Options{Logger: slog.New(slog.DiscardHandler), Sites: sites.lookup})
			var n atomic.Int64
			b.SetParallelism(16) // many visitors at once, as in production
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					e := leadEvent("site-1")
					e.Key = "ld_" + strconv.FormatInt(n.Add(1), 10)
					if err := s.Publish(context.Background(), e); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "leads/s")
		})
	}
}
