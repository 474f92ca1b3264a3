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
// widgets.Conversions. Exposures go through a queue written in the
// background once Start runs (exposures.go).
type Service struct {
	store store.Experiments
	log   *slog.Logger
	seen  *seenSet
	queue *exposureQueue
}

// NewService records into st.
func NewService(st store.Experiments, log *slog.Logger) *Service {
	return &Service{store: st, log: log, seen: newSeenSet(seenPerGeneration), queue: newExposureQueue()}
}

// Expose records that visitorID was shown variant of the site's
// experiment e (the first /config of a visitor while e runs counts; see
// docs/EXPERIMENTS.md). A visitor this process recorded already costs no
// store call; a new one is queued for the background writer and the
// request goes on at once. Before Start (and after the writer stopped)
// the exposure is written here, bounded by exposureTimeout. Failures are
// logged: the config is served regardless, and the next page view tries
// again.
func (s *Service) Expose(ctx context.Context, siteID string, e *store.Experiment, visitorID, variant string) {
	key := exposureKey(e.ID, visitorID)
	if s.seen.has(key) {
		return
	}
	x := store.Exposure{SiteID: siteID, ExperimentID: e.ID, VisitorID: visitorID, Variant: variant}
	if s.enqueue(x) {
		return
	}
	s.exposeNow(ctx, x)
}

// exposeNow writes one exposure on the caller's path.
func (s *Service) exposeNow(ctx context.Context, x store.Exposure) {
	ctx, cancel := context.WithTimeout(ctx, exposureTimeout)
	defer cancel()
	first, err := s.store.ExposeVisitor(ctx, x.SiteID, x.ExperimentID, x.VisitorID, x.Variant)
	if err != nil {
		recordErrors.WithLabelValues("exposure").Inc()
		s.log.Warn("experiment exposure not recorded", slog.String("site_id", x.SiteID), slog.String("experiment", x.ExperimentID), slog.Any("err", err))
		return
	}
	if first {
		exposuresCounted.Inc()
	}
	s.seen.add(exposureKey(x.ExperimentID, x.VisitorID))
}

// Converted implements widgets.Conversions: the widget's running
// experiment counts the visitor's conversion once, for the variant the
// visitor was exposed to; a visitor never exposed is not counted. A
// visitor whose exposure is still queued has it written first.
func (s *Service) Converted(ctx context.Context, site *widgets.Site, widgetID, visitorID string) {
	w, ok := site.Widget(widgetID)
	if !ok || !w.Experiment.Running() {
		return
	}
	if x, queued := s.pendingExposure(exposureKey(w.Experiment.ID, visitorID)); queued {
		s.exposeNow(ctx, x)
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

// exposureTimeout bounds an exposure written on a request's path (before
// the writer starts, at a conversion whose exposure is still queued).
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
