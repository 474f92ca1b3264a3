package analytics

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/store"
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
		if t.Status == callback.StatusConnected {
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
			if l.Kind != callback.LegManager {
				continue
			}
			name := nameOf(names, c.WidgetID, l.Manager)
			picked := l.Status == callback.LegAnswered || l.Status == callback.LegConfirmed || l.Outcome == string(callback.OutcomeCompleted)
			if l.Outcome == string(callback.OutcomeCanceled) && !picked {
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
		a.m.MedianSecondsToAnswer = callback.MedianSeconds(a.waits)
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
		case t.Status == callback.StatusCallingManager && rang.IsZero():
			rang = t.At
		case t.Status == callback.StatusManagerAnswered && !rang.IsZero():
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
