package i18n

import "time"

type durationTexts struct {
	InSeconds Forms `json:"in_seconds"`
	InMinutes Forms `json:"in_minutes"`
	InHours   Forms `json:"in_hours"`
}

var durations = MustLoad[durationTexts]("duration")

// In says "after d" the way people say it aloud: whole hours as hours,
// whole minutes as minutes, anything else in seconds («через 21 секунду»,
// «через минуту», «через 90 секунд», «через час»). Under a second counts
// as one.
func In(lang string, d time.Duration) string {
	t := durations[Lang(lang)]
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s < 1:
		return t.InSeconds.For(lang, 1)
	case s%3600 == 0:
		return t.InHours.For(lang, s/3600)
	case s%60 == 0:
		return t.InMinutes.For(lang, s/60)
	}
	return t.InSeconds.For(lang, s)
}
