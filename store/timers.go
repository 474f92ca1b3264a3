package store

import (
	"context"
	"time"
)

// Timers keeps the per-subject deadlines of evergreen countdowns: a subject
// is a visitor ("v:<id>") or an e-mail recipient ("r:<id>") of one widget.
type Timers interface {
	// StartDeadline returns subject's deadline for the widget. The first
	// call sets it to now+duration. Later calls return it unchanged: a
	// deadline never moves, so reloads, tabs and devices agree, except
	// that with cooldown > 0 a deadline that ended at least cooldown before
	// now starts a new cycle (now+duration). Concurrent first calls for one
	// subject get one deadline. started reports whether this call set it.
	StartDeadline(ctx context.Context, siteID, widgetID, subject string, now time.Time, duration, cooldown time.Duration) (deadline time.Time, started bool, err error)
	// TimerStats counts the widget's subjects: Started (cycles begun),
	// Running (deadline after now) and Expired (deadline at or before now).
	TimerStats(ctx context.Context, siteID, widgetID string, now time.Time) (TimerStats, error)
}

// TimerStats are the counts of TimerStats.
type TimerStats struct {
	Started int64 `json:"started"`
	Running int64 `json:"running"`
	Expired int64 `json:"expired"`
}
