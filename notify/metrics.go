package notify

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Outcomes of an attempt, as in the metric's result label.
const (
	OutcomeOK        = "ok"
	OutcomeFailed    = "failed"    // a final answer (4xx, redirect trouble, a bad secret) or retries used up
	OutcomeRefused   = "refused"   // the receiver's address is internal
	OutcomeCancelled = "cancelled" // the widget or its notify_url is gone
	OutcomeDropped   = "dropped"   // the store did not take the message (Send failed)
	resultRetry      = "retry"     // the attempt failed, another is scheduled
)

var (
	deliveries = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_webhook_deliveries_total",
		Help: "Owners' webhook attempts by result: ok, retry (another attempt is scheduled), failed, refused (internal address), cancelled (no notify_url any more); dropped counts messages the outbox did not take.",
	}, []string{"result"})
	channelAttempts = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_notification_attempts_total",
		Help: "Owners' notification attempts by channel (widget: a widget's notify_url; webhook, telegram, email, bitrix24: the site's channels) and result (as beckon_webhook_deliveries_total).",
	}, []string{"channel", "result"})
	pending = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "beckon_webhook_outbox_pending",
		Help: "Owners' webhooks in the outbox not yet delivered or given up, all replicas (read every 10 s).",
	})
)

func init() {
	// Export every series from the start, so rate() and alerts see zeros.
	for _, r := range []string{OutcomeOK, resultRetry, OutcomeFailed, OutcomeRefused, OutcomeCancelled, OutcomeDropped} {
		deliveries.WithLabelValues(r)
		for _, ch := range append([]string{"widget"}, ChannelKinds...) {
			channelAttempts.WithLabelValues(ch, r)
		}
	}
}

// channelLabel is a notification's channel as the metric names it.
func channelLabel(channel string) string {
	if channel == "" {
		return "widget"
	}
	return channel
}
