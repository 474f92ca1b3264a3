package experiments

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/store"
)

// Exposures are written off the request path: /config puts a new
// visitor's exposure in a bounded queue and a background writer stores
// the queue in batches (store.ExposureBatcher: one bbolt transaction, one
// Redis pipeline). See docs/EXPERIMENTS.md, "Exposures are written in the
// background".
const (
	// queueSize bounds the exposures waiting for the writer: about 100
	// bytes each, so 10,000 are 1 MB; at 2 ms a batch the writer empties
	// a full queue in well under a second.
	queueSize = 10_000
	// maxBatch bounds one store write.
	maxBatch = 500
	// batchTimeout bounds one batch's store write: while the store is out
	// the queue fills and new exposures are dropped (and retried at the
	// visitor's next page view), requests never wait.
	batchTimeout = 2 * time.Second
)

var exposuresDropped = promauto.NewCounter(prometheus.CounterOpts{
	Name: "beckon_experiment_exposures_dropped_total",
	Help: "New visitors' exposures not queued because the exposure queue was full (the store is slow or out); each is tried again at the visitor's next page view.",
})

// exposureQueue is the queue, its writer's state and the exposures
// queued but not yet written (a conversion of such a visitor writes its
// exposure first).
type exposureQueue struct {
	items   chan store.Exposure
	flushes chan chan struct{}
	mu      sync.Mutex
	pending map[string]store.Exposure // key → queued exposure
	running bool                      // a writer drains items
	done    chan struct{}             // closed when the writer stops
}

func newExposureQueue() *exposureQueue {
	return &exposureQueue{items: make(chan store.Exposure, queueSize), flushes: make(chan chan struct{}),
		pending: map[string]store.Exposure{}}
}

func exposureKey(experimentID, visitorID string) string { return experimentID + "\x00" + visitorID }

// Start runs the background writer until ctx ends; Wait then writes what
// is left. Without Start, exposures are written on the request path.
func (s *Service) Start(ctx context.Context) {
	q := s.queue
	q.mu.Lock()
	q.running, q.done = true, make(chan struct{})
	q.mu.Unlock()
	go s.writeQueue(ctx)
}

// Wait waits for the writer to stop (ctx of Start ended), then writes the
// exposures still queued, up to waitCtx: the server's shutdown calls it
// after the last request, so no accepted exposure is left unwritten.
func (s *Service) Wait(waitCtx context.Context) {
	q := s.queue
	q.mu.Lock()
	done := q.done
	q.mu.Unlock()
	if done != nil {
		select {
		case <-done:
		case <-waitCtx.Done():
			return
		}
	}
	s.drain(waitCtx)
}

// Flush writes every exposure queued before the call: the results read
// on this replica then count every visitor it has served.
func (s *Service) Flush(ctx context.Context) {
	q := s.queue
	q.mu.Lock()
	running := q.running
	q.mu.Unlock()
	if !running { // no writer: nothing races the drain
		s.drain(ctx)
		return
	}
	done := make(chan struct{})
	select {
	case q.flushes <- done:
	case <-q.done: // the writer stopped meanwhile; Wait writes the rest
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// enqueue queues a new visitor's exposure without waiting; it reports
// false when the writer is not running (the caller writes it itself).
func (s *Service) enqueue(x store.Exposure) bool {
	q, key := s.queue, exposureKey(x.ExperimentID, x.VisitorID)
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.running {
		return false
	}
	if _, queued := q.pending[key]; queued {
		return true // an earlier page view's is on its way
	}
	select {
	case q.items <- x:
		q.pending[key] = x
	default:
		// Dropped: the visitor is not marked seen, so the next page view
		// queues it again; a visitor who never comes back is not counted
		// (nor is a conversion of theirs), whatever their variant.
		exposuresDropped.Inc()
	}
	return true
}

// pendingExposure is the queued (or being written) exposure of key, if
// any: a converting visitor's exposure is written at once, so that the
// conversion finds it (a second write of it changes nothing).
func (s *Service) pendingExposure(key string) (store.Exposure, bool) {
	q := s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	x, ok := q.pending[key]
	return x, ok
}

// written forgets the batch's pending exposures once their write ended.
func (s *Service) written(batch []store.Exposure) {
	q := s.queue
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, x := range batch {
		delete(q.pending, exposureKey(x.ExperimentID, x.VisitorID))
	}
}

// writeQueue is the writer: a batch of whatever is queued, as soon as
// there is something.
func (s *Service) writeQueue(ctx context.Context) {
	q := s.queue
	defer func() {
		q.mu.Lock()
		q.running = false
		close(q.done)
		q.mu.Unlock()
	}()
	// Writes outlive ctx's end by batchTimeout each: what was dequeued is
	// written, not lost to the shutdown.
	wctx := context.WithoutCancel(ctx)
	for {
		if ctx.Err() != nil { // Wait writes the rest, after the last request
			return
		}
		select {
		case <-ctx.Done():
			return
		case x := <-q.items:
			s.writeBatch(wctx, s.collect(x))
		case done := <-q.flushes:
			s.drain(wctx)
			close(done)
		}
	}
}

// collect is first and whatever else is queued, up to maxBatch.
func (s *Service) collect(first store.Exposure) []store.Exposure {
	batch := []store.Exposure{first}
	for len(batch) < maxBatch {
		select {
		case x := <-s.queue.items:
			batch = append(batch, x)
		default:
			return batch
		}
	}
	return batch
}

// drain writes everything queued now, batch by batch, until the queue is
// empty or ctx ends.
func (s *Service) drain(ctx context.Context) {
	for ctx.Err() == nil {
		select {
		case x := <-s.queue.items:
			s.writeBatch(ctx, s.collect(x))
		default:
			return
		}
	}
}

// writeBatch stores a batch. Written exposures are marked seen; on an
// error none is, and each visitor's next page view queues theirs again.
func (s *Service) writeBatch(ctx context.Context, batch []store.Exposure) {
	ctx, cancel := context.WithTimeout(ctx, batchTimeout)
	defer cancel()
	defer s.written(batch)
	firsts, err := s.exposeAll(ctx, batch)
	exposuresCounted.Add(float64(firsts))
	if err != nil {
		recordErrors.WithLabelValues("exposure").Add(float64(len(batch)))
		s.log.Warn("experiment exposures not recorded", slog.Int("exposures", len(batch)), slog.Any("err", err))
		return
	}
	for _, x := range batch {
		s.seen.add(exposureKey(x.ExperimentID, x.VisitorID))
	}
}

// exposeAll writes a batch in one store call where the store can, else
// one call per exposure.
func (s *Service) exposeAll(ctx context.Context, batch []store.Exposure) (int, error) {
	if b, ok := s.store.(store.ExposureBatcher); ok {
		return b.ExposeVisitors(ctx, batch)
	}
	firsts := 0
	for _, x := range batch {
		first, err := s.store.ExposeVisitor(ctx, x.SiteID, x.ExperimentID, x.VisitorID, x.Variant)
		if err != nil {
			return firsts, err
		}
		if first {
			firsts++
		}
	}
	return firsts, nil
}
