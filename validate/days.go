package validate

import "time"

// Day ranges of the owner's reports (?from=&to=): the last
// DefaultRangeDays days unless the query says otherwise, at most
// MaxRangeDays (reports read the store once per day).
const (
	DefaultRangeDays = 30
	MaxRangeDays     = 366
)

// DayRange reads a report's from and to (YYYY-MM-DD, both inclusive, days
// of the site's zone; now is the site's time): to defaults to now's day,
// from to DefaultRangeDays days up to to. Errors name the query field.
func DayRange(fromQ, toQ string, now time.Time) (from, to time.Time, err error) {
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if toQ != "" {
		if to, err = time.Parse(time.DateOnly, toQ); err != nil {
			return from, to, Field("to", "must be a date such as 2026-12-31")
		}
	}
	from = to.AddDate(0, 0, -(DefaultRangeDays - 1))
	if fromQ != "" {
		if from, err = time.Parse(time.DateOnly, fromQ); err != nil {
			return from, to, Field("from", "must be a date such as 2026-12-01")
		}
	}
	switch {
	case from.After(to):
		return from, to, Field("from", "is after to")
	case to.Sub(from) >= MaxRangeDays*24*time.Hour:
		return from, to, Field("from", "is more than %d days before to", MaxRangeDays)
	}
	return from, to, nil
}
