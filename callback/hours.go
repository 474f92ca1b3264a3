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

// Slots lists up to n times from after, on a grid of step minutes from
// each span's start, that fall within hours in loc: what the widget offers
// as "call me at …". Wall-clock times are built with time.Date in loc, so
// a DST change moves nothing a visitor sees. It looks at most 14 days ahead.
func Slots(hours []Hours, after time.Time, loc *time.Location, step, n int) []time.Time {
	if len(hours) == 0 {
		hours = []Hours{{From: "00:00", To: "23:59"}}
	}
	var out []time.Time
	local := after.In(loc)
	for day := 0; day < 14 && len(out) < n; day++ {
		d := time.Date(local.Year(), local.Month(), local.Day()+day, 0, 0, 0, 0, loc)
		var today []time.Time
		for _, h := range hours {
			if len(h.Days) > 0 && !slices.Contains(h.Days, int(d.Weekday())) {
				continue
			}
			for m := clockMinutes(h.From); m < clockMinutes(h.To); m += step {
				t := time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, loc)
				if t.After(after) {
					today = append(today, t)
				}
			}
		}
		slices.SortFunc(today, func(a, b time.Time) int { return a.Compare(b) })
		today = slices.CompactFunc(today, func(a, b time.Time) bool { return a.Equal(b) })
		out = append(out, today...)
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}
