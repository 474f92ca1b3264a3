package callback

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	jobsWorked = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_callback_jobs_total",
		Help: "Callback queue jobs worked (a job is one look at one request).",
	})
	transitions = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_callback_transitions_total",
		Help: "Callback request status changes, by the status entered.",
	}, []string{"status"})
	unqueuedRequeued = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_callback_unqueued_requeued_total",
		Help: "Callback requests a crash left stored but not queued, found and queued again by the sweep.",
	})
	providerCalls = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "beckon_callback_provider_call_seconds",
		Help:    "Time the telephony provider took to accept a manager call.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"provider", "result"})
	honeypotHits = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_callback_honeypot_total",
		Help: "Callback requests that filled the honeypot field: answered as usual, dropped.",
	})
)

func resultLabel(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

func itoa(n int) string { return strconv.Itoa(n) }
