package analytics

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Statuses and outcomes of callback requests and their legs (the callback
// package's names; it cannot be imported from here).
const (
	statusCallingManager  = "calling_manager"
	statusManagerAnswered = "manager_answered"
	statusConnected       = "connected"
	legManager            = "manager"
	legAnswered           = "answered"
	legConfirmed          = "confirmed"
	outcomeCompleted      = "completed"
	outcomeCanceled       = "canceled"
)

// Manager is one manager's calls over the period.
type Manager struct {
	// Name is the manager's name in the widget's settings; empty on a
	// share link, which shows Number instead.
	Name   string
	Number int
	// Rung counts the calls to the manager's phone that rang out or were
	// answered (a call cancelled because a colleague answered first is
	// not the manager's to answer); Answered those picked up.
	Rung, Answered int
	AnswerRate     float64
	// MedianSecondsToAnswer is how long the requests the manager answered
	// had been ringing managers (from the first ring); nil without any.
	MedianSecondsToAnswer *float64
	// Connected counts the requests the manager took and talked through.
	Connected int
}

func connected(c *store.Callback) bool {
	for _, t := range c.Timeline {
		if t.Status == statusConnected {
			return true
		}
	}
	return false
}

// managers groups the manager legs of calls by manager: a leg names its
// manager by position in the widget's list, so the names are today's
// settings' (a list reordered since shows the new names).
func managers(calls []store.Callback, ws []store.Widget) []Manager {
	names := managerNames(ws)
	type acc struct {
		m     Manager
		waits []time.Duration
	}
	by := map[string]*acc{}
	get := func(name string) *acc {
		if by[name] == nil {
			by[name] = &acc{m: Manager{Name: name}}
		}
		return by[name]
	}
	for i := range calls {
		c := &calls[i]
		for _, l := range c.Legs {
			if l.Kind != legManager {
				continue
			}
			name := nameOf(names, c.WidgetID, l.Manager)
			picked := l.Status == legAnswered || l.Status == legConfirmed || l.Outcome == outcomeCompleted
			if l.Outcome == outcomeCanceled && !picked {
				continue
			}
			a := get(name)
			a.m.Rung++
			if picked {
				a.m.Answered++
			}
		}
		if name, wait, ok := answerWait(c); ok {
			get(name).waits = append(get(name).waits, wait)
		}
		if c.Manager != "" && connected(c) {
			get(c.Manager).m.Connected++
		}
	}
	out := make([]Manager, 0, len(by))
	for _, a := range by {
		a.m.AnswerRate = ratio(a.m.Answered, a.m.Rung)
		a.m.MedianSecondsToAnswer = medianSeconds(a.waits)
		out = append(out, a.m)
	}
	slices.SortFunc(out, func(x, y Manager) int {
		return cmp.Or(cmp.Compare(y.Rung, x.Rung), cmp.Compare(x.Name, y.Name))
	})
	return out
}

// answerWait is who answered c first and how long after the first ring.
func answerWait(c *store.Callback) (name string, wait time.Duration, ok bool) {
	var rang time.Time
	for _, t := range c.Timeline {
		switch {
		case t.Status == statusCallingManager && rang.IsZero():
			rang = t.At
		case t.Status == statusManagerAnswered && !rang.IsZero():
			return t.Detail, max(t.At.Sub(rang), 0), t.Detail != ""
		}
	}
	return "", 0, false
}

// managerNames are the names in each callback widget's settings.
func managerNames(ws []store.Widget) map[string][]string {
	out := map[string][]string{}
	for _, w := range ws {
		if w.Type != callbackType {
			continue
		}
		var s struct {
			Managers []struct {
				Name string `json:"name"`
			} `json:"managers"`
		}
		if json.Unmarshal(w.Settings, &s) != nil {
			continue
		}
		for _, m := range s.Managers {
			out[w.ID] = append(out[w.ID], m.Name)
		}
	}
	return out
}

func nameOf(names map[string][]string, widgetID string, i int) string {
	if list := names[widgetID]; i >= 0 && i < len(list) && list[i] != "" {
		return list[i]
	}
	return "#" + strconv.Itoa(i+1)
}

// medianSeconds is the median of ds in seconds (the mean of the middle two
// for an even count), nil for none. It sorts ds.
func medianSeconds(ds []time.Duration) *float64 {
	if len(ds) == 0 {
		return nil
	}
	slices.Sort(ds)
	mid := len(ds) / 2
	m := ds[mid].Seconds()
	if len(ds)%2 == 0 {
		m = (ds[mid-1].Seconds() + m) / 2
	}
	return &m
}
