package quiz

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	sessionsStarted = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_quiz_sessions_started_total",
		Help: "Quiz sessions started.",
	})
	leadsStored = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_quiz_leads_total",
		Help: "Quiz leads stored: partial (contacts before the questions were done) and complete (new, or a partial one completed).",
	}, []string{"state"})
	limited = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_quiz_limited_total",
		Help: "Quiz requests refused by the per-address and per-visitor limits (429), by what they asked for.",
	}, []string{"what"})
	honeypotHits = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_quiz_honeypot_total",
		Help: "Quiz lead submissions that filled the hidden honeypot field: answered like a person, nothing stored.",
	})
)
