package leads

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	exports = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_lead_exports_total",
		Help: "Lead inbox exports streamed to the end, by format (csv, jsonl).",
	}, []string{"format"})
	exportFailures = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_lead_export_failures_total",
		Help: "Lead inbox exports cut short after they started (the store failed or the client went away), by format.",
	}, []string{"format"})
	visitorsErased = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_lead_visitor_erasures_total",
		Help: "Visitors whose data was erased on an owner's request (DELETE …/visitors/{visitor_id}).",
	})
)
