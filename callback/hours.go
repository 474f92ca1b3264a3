package callback

import (
	"slices"
	"time"
)

// openAt reports whether t falls in hours, read in loc. No hours means
// always open.
func openAt(hours []Hours, t time.Time, loc *time.Location) bool {
	if len(hours) == 0 {
		return true
	}
	local := t.In(loc)
	minute := local.Hour()*60 + local.Minute()
	for _, h := range hours {
		if len(h.Days) > 0 && !slices.Contains(h.Days, int(local.Weekday())) {
			continue
		}
		if from, to := clockMinutes(h.From), clockMinutes(h.To); minute >= from && minute < to {
			return true
		}
	}
	return false
}

// clockMinutes turns a validated "HH:MM" into minutes after midnight.
func clockMinutes(hhmm string) int {
	t, _ := time.Parse("15:04", hhmm)
	return t.Hour()*60 + t.Minute()
}

// Slots lists up to n times after after, on a grid of SlotMinutes from
// local midnight, at which a manager works: what the widget offers as "call
// me at …". Wall-clock times are built with time.Date in loc, so a DST
// change never shifts the grid. It looks at most 14 days ahead.
func (s *Settings) Slots(after time.Time, loc *time.Location, n int) []time.Time {
	var out []time.Time
	local := after.In(loc)
	step := max(s.SlotMinutes, 5)
	for day := 0; day < 14 && len(out) < n; day++ {
		for m := 0; m < 24*60 && len(out) < n; m += step {
			t := time.Date(local.Year(), local.Month(), local.Day()+day, m/60, m%60, 0, 0, loc)
			// A wall time that falls in a DST gap resolves to an instant
			// already listed; keep each instant once, in order.
			if t.After(after) && (len(out) == 0 || t.After(out[len(out)-1])) && s.OpenAt(t, loc) {
				out = append(out, t)
			}
		}
	}
	return out
}
