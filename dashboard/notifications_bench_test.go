package dashboard_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// BenchmarkNotificationPages times the pages that read whole lists, at
// their fullest: the delivery log with the 1,000 attempts a site keeps
// (500 messages, two attempts each) and the audit page with the 1,000
// entries the site's list keeps plus its members' own (the issue asks
// ≤ 200 ms a page), on both stores; figures in docs/dashboard/notifications.md.
func BenchmarkNotificationPages(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) { benchNotificationPages(b, kind) })
	}
}

func benchNotificationPages(b *testing.B, kind string) {
	d := startDash(b, servertest.NewStore(b, kind), nil)
	br := d.browser(b, "bench")
	br.setup()
	site := d.CreateSite("Bench", "https://bench.example")["id"].(string)
	ctx := b.Context()
	now := time.Now().UTC()
	for i := range store.DeliveryLogSize / 2 {
		n := store.Notification{ID: fmt.Sprintf("msg_bench%04d", i), SiteID: site, Channel: "webhook", EventType: "lead.submitted",
			Body: []byte(`{}`), CreatedAt: now, GiveUpAt: now.Add(time.Hour), State: store.NotificationPending, NextAt: now.Add(time.Hour)}
		if err := d.Store.EnqueueNotification(ctx, n); err != nil {
			b.Fatal(err)
		}
		for attempt := 1; attempt <= 2; attempt++ {
			n.Attempts = attempt
			a := store.DeliveryAttempt{NotificationID: n.ID, Channel: n.Channel, EventType: n.EventType, Attempt: attempt, At: now,
				URL: "https://receiver.example/hook", Status: 500, Error: "receiver answered 500 Internal Server Error", NextAt: now.Add(time.Minute)}
			if err := d.Store.RecordDelivery(ctx, n, a); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range store.MaxAuditEntries {
		e := store.AuditEntry{At: now.Add(time.Duration(i) * time.Second), Action: "api_change", SiteID: site, IP: "203.0.113.7",
			Detail: "PATCH /api/v1/sites/" + site + "/widgets/wdg_bench · owner@bench.example"}
		if err := d.Store.AppendAudit(ctx, "site:"+site, e); err != nil {
			b.Fatal(err)
		}
	}
	for _, path := range []string{"/notifications", "/notifications/log", "/notifications/log?failed=1", "/audit"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				if p := br.get("/app/sites/" + site + path); p.Status != http.StatusOK {
					b.Fatalf("%s: %d", path, p.Status)
				}
			}
		})
	}
}
