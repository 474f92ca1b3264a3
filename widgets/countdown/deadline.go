package countdown

import (
	"slices"
	"time"
)

// Deadline states a visitor's timer can be in.
const (
	StateRunning = "running"
	StateExpired = "expired"
)

// Evergreen reports whether deadlines are per subject (kept in the store).
func (s *Settings) Evergreen() bool { return s.Mode == "evergreen" }

// Duration and Cooldown of an evergreen timer.
func (s *Settings) Duration() time.Duration { return time.Duration(s.DurationSeconds) * time.Second }
func (s *Settings) Cooldown() time.Duration { return time.Duration(s.CooldownSeconds) * time.Second }

// SharedDeadline is the deadline of a fixed or recurring timer at now: the
// same for everyone, so nothing is stored. loc is the site's time zone.
func (s *Settings) SharedDeadline(now time.Time, loc *time.Location) time.Time {
	if s.Mode == "recurring" {
		return nextRecurring(s.Time, s.Weekdays, now, loc)
	}
	d, _ := time.Parse(time.RFC3339, s.Deadline) // validated by Normalize
	return d
}

// nextRecurring is the first hh:mm wall-clock time in loc after now on one
// of weekdays (0=Sunday; none: every day). A time that does not exist on a
// DST day (skipped by the clock change) is taken as time.Date normalises it,
// the first instant after the gap.
func nextRecurring(hhmm string, weekdays []int, now time.Time, loc *time.Location) time.Time {
	clock, _ := time.Parse("15:04", hhmm) // validated by Normalize
	local := now.In(loc)
	for day := 0; day <= 7; day++ {
		t := time.Date(local.Year(), local.Month(), local.Day()+day, clock.Hour(), clock.Minute(), 0, 0, loc)
		if len(weekdays) > 0 && !slices.Contains(weekdays, int(t.Weekday())) {
			continue
		}
		if t.After(now) {
			return t
		}
	}
	return time.Time{} // unreachable: weekdays are validated 0..6
}

// StateAt says whether a deadline still runs at now.
func StateAt(deadline, now time.Time) string {
	if deadline.After(now) {
		return StateRunning
	}
	return StateExpired
}
