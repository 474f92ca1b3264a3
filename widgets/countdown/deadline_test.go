package countdown

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRecurringDeadline(t *testing.T) {
	msk, ny, kyiv := mustLoc(t, "Europe/Moscow"), mustLoc(t, "America/New_York"), mustLoc(t, "Europe/Kyiv")
	cases := []struct {
		name     string
		loc      *time.Location
		clock    string
		weekdays []int
		now      string
		want     string // local wall clock of the deadline
		wantZone string // zone abbreviation, where DST decides it
	}{
		{"later today", msk, "23:59", nil, "2026-11-25 10:00", "2026-11-25 23:59", "MSK"},
		{"passed today: tomorrow", msk, "23:59", nil, "2026-11-25 23:59", "2026-11-26 23:59", ""},
		{"chosen weekdays: Tuesday to Wednesday", msk, "18:00", []int{1, 3}, "2026-11-24 19:00", "2026-11-25 18:00", ""},
		{"chosen weekdays: Wednesday evening to Monday", msk, "18:00", []int{1, 3}, "2026-11-25 19:00", "2026-11-30 18:00", ""},
		{"only today's weekday, passed: a week on", msk, "09:00", []int{3}, "2026-11-25 10:00", "2026-12-02 09:00", ""},
		{"spring forward: the night before", ny, "23:59", nil, "2026-03-07 23:00", "2026-03-07 23:59", "EST"},
		{"spring forward: the day after the change", ny, "23:59", nil, "2026-03-08 00:30", "2026-03-08 23:59", "EDT"},
		{"fall back: Kyiv, after the change", kyiv, "23:59", nil, "2026-10-25 01:00", "2026-10-25 23:59", "EET"},
		{"fall back: Kyiv, summer time before", kyiv, "12:00", nil, "2026-10-24 13:00", "2026-10-25 12:00", "EET"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Settings{Mode: "recurring", Time: tc.clock, Weekdays: tc.weekdays}
			got := s.SharedDeadline(at(t, tc.loc, tc.now), tc.loc).In(tc.loc)
			if got.Format("2006-01-02 15:04") != tc.want {
				t.Fatalf("deadline %v, want %s", got, tc.want)
			}
			if zone, _ := got.Zone(); tc.wantZone != "" && zone != tc.wantZone {
				t.Fatalf("zone %s, want %s", zone, tc.wantZone)
			}
		})
	}
}

// TestRecurringAcrossSpringForward: "ends at 23:59 every day" is a wall
// clock promise, so the day the clocks go forward lasts 23 hours.
func TestRecurringAcrossSpringForward(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	s := Settings{Mode: "recurring", Time: "23:59"}
	first := s.SharedDeadline(at(t, ny, "2026-03-07 12:00"), ny)
	second := s.SharedDeadline(first, ny)
	if d := second.Sub(first); d != 23*time.Hour {
		t.Fatalf("from one 23:59 to the next across spring forward: %v, want 23h", d)
	}
	third := s.SharedDeadline(second, ny)
	if d := third.Sub(second); d != 24*time.Hour {
		t.Fatalf("an ordinary day: %v", d)
	}
}

// TestRecurringInTheGap: 02:30 does not exist in New York on 8 March 2026;
// the deadline falls right after the gap, never before now, never skipped.
func TestRecurringInTheGap(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	s := Settings{Mode: "recurring", Time: "02:30"}
	now := at(t, ny, "2026-03-08 00:00")
	got := s.SharedDeadline(now, ny)
	if !got.After(now) || got.Sub(now) > 4*time.Hour {
		t.Fatalf("deadline %v for now %v", got.In(ny), now)
	}
}

// TestSameClockDifferentZones: "23:59" is each site's own evening.
func TestSameClockDifferentZones(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	s := Settings{Mode: "recurring", Time: "23:59"}
	vl := s.SharedDeadline(now, mustLoc(t, "Asia/Vladivostok"))
	la := s.SharedDeadline(now, mustLoc(t, "America/Los_Angeles"))
	// At 00:00 UTC it is 10:00 on the 25th in Vladivostok (ends 13:59 UTC)
	// and 16:00 on the 24th in Los Angeles (ends 07:59 UTC on the 25th).
	if d := vl.Sub(la); d != 6*time.Hour {
		t.Fatalf("Vladivostok ends %v after Los Angeles, want 6h", d)
	}
}

func TestFixedDeadlineAndState(t *testing.T) {
	s := Settings{Mode: "fixed", Deadline: "2026-12-31T23:59:00+03:00"}
	d := s.SharedDeadline(time.Now(), time.UTC)
	if d.UTC().Format(time.RFC3339) != "2026-12-31T20:59:00Z" {
		t.Fatalf("fixed deadline %v", d)
	}
	if StateAt(d, d.Add(-time.Second)) != StateRunning || StateAt(d, d) != StateExpired {
		t.Fatal("a deadline runs until its instant and has expired at it")
	}
}
