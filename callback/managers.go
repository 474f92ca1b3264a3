package callback

import (
	"time"

	"github.com/beckonhq/beckon/store"
)

// available lists the managers working at t, in priority order (Normalize
// sorted them).
func (s *Settings) available(t time.Time, loc *time.Location) []int {
	var out []int
	for i, m := range s.Managers {
		hours := m.Hours
		if len(hours) == 0 {
			hours = s.WorkingHours
		}
		if openAt(hours, t, loc) {
			out = append(out, i)
		}
	}
	return out
}

// nextManager is the next available manager after those already rung in
// c's attempt (in_order), or -1.
func (s *Settings) nextManager(c store.Callback, t time.Time, loc *time.Location) int {
	rung := map[int]bool{}
	for _, l := range c.Legs {
		if l.Kind == LegManager && l.Attempt == c.Attempt {
			rung[l.Manager] = true
		}
	}
	for _, i := range s.available(t, loc) {
		if !rung[i] {
			return i
		}
	}
	return -1
}

// OpenAt reports whether the widget takes "call me now" requests at t.
func (s *Settings) OpenAt(t time.Time, loc *time.Location) bool {
	return len(s.available(t, loc)) > 0
}

// managerWindow is how long a manager's leg may go without ending or
// being confirmed before the provider is asked about it.
func (s *Settings) managerWindow() time.Duration {
	return time.Duration(s.ManagerRingSeconds)*time.Second + answerWindow
}

func (s *Settings) visitorWindow() time.Duration {
	return time.Duration(s.VisitorRingSeconds)*time.Second + visitorWindow
}
