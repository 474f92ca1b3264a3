package validate

import (
	"errors"
	"testing"
	"time"
)

func TestDayRange(t *testing.T) {
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.FixedZone("MSK", 3*3600))
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, c := range []struct {
		from, to         string
		wantFrom, wantTo string
		field            string
	}{
		{"", "", "2026-11-01", "2026-11-30", ""},
		{"", "2026-10-31", "2026-10-02", "2026-10-31", ""},
		{"2026-11-29", "", "2026-11-29", "2026-11-30", ""},
		{"2025-12-01", "2026-11-30", "2025-12-01", "2026-11-30", ""},
		{"2025-11-29", "2026-11-30", "", "", "from"},
		{"2026-12-01", "2026-11-30", "", "", "from"},
		{"30.11.2026", "", "", "", "from"},
		{"", "tomorrow", "", "", "to"},
	} {
		from, to, err := DayRange(c.from, c.to, now)
		var ve *Error
		switch {
		case c.field != "":
			if !errors.As(err, &ve) || ve.Field != c.field {
				t.Errorf("from %q to %q: error %v, want one on %s", c.from, c.to, err, c.field)
			}
		case err != nil:
			t.Errorf("from %q to %q: %v", c.from, c.to, err)
		case !from.Equal(day(c.wantFrom)) || !to.Equal(day(c.wantTo)):
			t.Errorf("from %q to %q: %s–%s, want %s–%s", c.from, c.to, from.Format(time.DateOnly), to.Format(time.DateOnly), c.wantFrom, c.wantTo)
		}
	}
}
