package experiments

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

var (
	exposuresCounted = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_experiment_exposures_total",
		Help: "Visitors exposed to a variant of an A/B experiment for the first time.",
	})
	conversionsCounted = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_experiment_conversions_total",
		Help: "Conversions counted for A/B experiments (one per exposed visitor and experiment).",
	})
	recordErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_experiment_record_errors_total",
		Help: "Exposures or conversions the store failed to record (the visitor's request was served).",
	}, []string{"what"})
)

// Service records exposures and conversions. It implements
// widgets.Conversions.
type Service struct {
	store store.Experiments
	log   *slog.Logger
	seen  *seenSet
}

// NewService records into st.
func NewService(st store.Experiments, log *slog.Logger) *Service {
	return &Service{store: st, log: log, seen: newSeenSet(seenPerGeneration)}
}

// Expose records that visitorID was shown variant of the site's
// experiment e (the first /config of a visitor while e runs counts; see
// docs/EXPERIMENTS.md). A visitor this process recorded already costs no
// store call. Failures are logged: the config is served regardless, and
// the next page view tries again.
func (s *Service) Expose(ctx context.Context, siteID string, e *store.Experiment, visitorID, variant string) {
	key := e.ID + "\x00" + visitorID
	if s.seen.has(key) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, exposureTimeout)
	defer cancel()
	first, err := s.store.ExposeVisitor(ctx, siteID, e.ID, visitorID, variant)
	if err != nil {
		recordErrors.WithLabelValues("exposure").Inc()
		s.log.Warn("experiment exposure not recorded", slog.String("site_id", siteID), slog.String("experiment", e.ID), slog.Any("err", err))
		return
	}
	if first {
		exposuresCounted.Inc()
	}
	s.seen.add(key)
}

// Converted implements widgets.Conversions: the widget's running
// experiment counts the visitor's conversion once, for the variant the
// visitor was exposed to; a visitor never exposed is not counted.
func (s *Service) Converted(ctx context.Context, site *widgets.Site, widgetID, visitorID string) {
	w, ok := site.Widget(widgetID)
	if !ok || !w.Experiment.Running() {
		return
	}
	variant, err := s.store.ConvertVisitor(ctx, site.ID, w.Experiment.ID, visitorID)
	if err != nil {
		recordErrors.WithLabelValues("conversion").Inc()
		s.log.Warn("experiment conversion not recorded", slog.String("site_id", site.ID), slog.String("widget_id", widgetID), slog.String("experiment", w.Experiment.ID), slog.Any("err", err))
		return
	}
	if variant != "" {
		conversionsCounted.Inc()
	}
}

// exposureTimeout bounds the exposure's store write, which a new
// visitor's config waits for: while the store is out, the config is still
// served (from the replica's cache) at most this much later, not after the
// request's whole store deadline.
const exposureTimeout = 200 * time.Millisecond

// seenPerGeneration bounds the memory of visitors already recorded: two
// generations of this many (about 100 bytes each), the older dropped
// when the newer fills. A visitor forgotten costs one store call that
// changes nothing.
const seenPerGeneration = 100_000

type seenSet struct {
	mu        sync.Mutex
	cur, prev map[string]struct{}
	limit     int
}

func newSeenSet(limit int) *seenSet {
	return &seenSet{cur: map[string]struct{}{}, prev: map[string]struct{}{}, limit: limit}
}

func (s *seenSet) has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cur[key]; ok {
		return true
	}
	_, ok := s.prev[key]
	return ok
}

func (s *seenSet) add(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cur) >= s.limit {
		s.prev, s.cur = s.cur, make(map[string]struct{}, s.limit)
	}
	s.cur[key] = struct{}{}
}
