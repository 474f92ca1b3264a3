package callback

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Requests stored but never queued. A store that cannot write a request and
// its job in one step (Redis) marks the request until its job is in; a
// process killed between the two leaves the mark, and a request no worker
// would ever see. Every engine sweeps the marks when it starts and every
// Options.UnqueuedSweep after, and queues each such request again; the
// worker that takes it dials it, or ends it as expired when it is more than
// MaxLate overdue (see startAttempt). So every stored request reaches a
// final state.

// MaxLate is how overdue an attempt may start. Later, the request ends
// failed with ReasonExpired instead of ringing anyone: a visitor who asked
// for a call a quarter of an hour ago has most likely left, and a call out
// of the blue helps nobody, while the owner's missed-callback notification
// lets a person decide. Only an outage (no worker running, or a request
// stranded by a crash) makes an attempt this late.
const MaxLate = 15 * time.Minute

// unqueuedGrace is how old a mark must be to be swept: a younger one may
// belong to a creator still queueing the job. Queueing twice would be
// harmless (workers re-check), merely wasteful.
const unqueuedGrace = 30 * time.Second

// unqueuedBatch bounds the requests one sweep takes; the next takes the rest.
const unqueuedBatch = 500

// sweepUnqueued sweeps at once and then every interval until ctx ends.
func (e *Engine) sweepUnqueued(ctx context.Context) {
	tick := time.NewTicker(e.opts.UnqueuedSweep)
	defer tick.Stop()
	for {
		if err := e.requeueUnqueued(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("sweep requests not yet queued", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// requeueUnqueued queues every request marked "not yet queued" for longer
// than the grace, then clears its mark. A request that ended meanwhile
// needs no job, only its mark cleared.
func (e *Engine) requeueUnqueued(ctx context.Context) error {
	list, err := e.st.UnqueuedCallbacks(ctx, e.now().Add(-unqueuedGrace), unqueuedBatch)
	if err != nil {
		return fmt.Errorf("callback: list requests not yet queued: %w", err)
	}
	for _, c := range list {
		queue := !Final(c.Status)
		if queue {
			if err := e.wake(ctx, c, c.DueAt); err != nil {
				return err
			}
		}
		if err := e.st.MarkQueued(ctx, c.SiteID, c.ID); err != nil {
			return fmt.Errorf("callback: clear the mark of %s: %w", c.ID, err)
		}
		if queue {
			unqueuedRequeued.Inc()
			e.log.Warn("queued a request a crash left unqueued", slog.String("site_id", c.SiteID),
				slog.String("callback_id", c.ID), slog.String("status", c.Status), slog.Time("due_at", c.DueAt))
		}
	}
	return nil
}
