package analytics

import (
	"encoding/json"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/triggerstats"
	"github.com/beckonhq/beckon/widgets/multibutton"
	"github.com/beckonhq/beckon/widgets/quiz"
)

// callbackType is the type of callback widgets (the callback package
// imports the dashboard's dependencies, so the name is repeated here).
const callbackType = "callback"

// Tally kinds a widget may have.
const (
	kindQuiz     = "quiz"
	kindTriggers = "triggers"
	kindClicks   = "clicks"
)

// Step keys of a funnel, in order.
const (
	StepViews     = "views"
	StepOpens     = "opens"
	StepSubmits   = "submits"
	StepLeads     = "leads"
	StepConnected = "connected"
)

// Step is one step of a funnel. Measured is false when the widget's type
// does not count it; Count is then 0 and means nothing.
type Step struct {
	Key      string
	Count    int64
	Measured bool
}

// Funnel is one widget's steps over the period.
type Funnel struct {
	WidgetID string
	Type     string
	Steps    []Step
}

// Max is the largest measured count, the chart's scale.
func (f Funnel) Max() int64 {
	var m int64
	for _, s := range f.Steps {
		m = max(m, s.Count)
	}
	return m
}

// tallyKinds are the tallies w keeps: a quiz counts its own funnel; a
// widget with triggers counts what its triggered showings became; a
// multibutton counts clicks per channel.
func tallyKinds(w store.Widget) []string {
	kinds := []string{kindViews}
	switch w.Type {
	case quiz.WidgetType:
		kinds = append(kinds, kindQuiz)
	case multibutton.WidgetType:
		kinds = append(kinds, kindClicks)
	}
	if hasTriggers(w) {
		kinds = append(kinds, kindTriggers)
	}
	return kinds
}

func tallyName(kind, widgetID, day string) string {
	switch kind {
	case kindQuiz:
		return quiz.TallyName(widgetID, day)
	case kindClicks:
		return multibutton.ClickTally(widgetID, day)
	case kindViews:
		return ViewTally(widgetID, day)
	default:
		return triggerstats.TallyName(widgetID, day)
	}
}

// hasTriggers reports whether w's settings set triggers: only then do its
// showings reach the trigger tallies.
func hasTriggers(w store.Widget) bool {
	var s struct {
		Triggers json.RawMessage `json:"triggers"`
	}
	if json.Unmarshal(w.Settings, &s) != nil {
		return false
	}
	return len(s.Triggers) > 0 && string(s.Triggers) != "null"
}

// funnels are the widgets' steps: views → opens → submits → leads (and
// connected calls for a callback widget). What each step is, per type:
//
//   - quiz: views, starts, completions and leads from its own tallies;
//   - callback: submits are the requests, connected the bridged ones (its
//     leads are its requests, so it has no leads step);
//   - multibutton: opens are the clicks on its channels;
//   - any widget with triggers: views are its triggered showings;
//   - any other widget: views are the page views that loaded it (views.go);
//   - any widget that makes leads: leads from the inbox.
func funnels(ws []store.Widget, sums map[string]map[string]map[string]int64, leads []store.Lead, calls []store.Callback) []Funnel {
	leadsBy := map[string]int64{}
	for _, l := range leads {
		leadsBy[l.WidgetID]++
	}
	callsBy, connectedBy := map[string]int64{}, map[string]int64{}
	for i := range calls {
		callsBy[calls[i].WidgetID]++
		if connected(&calls[i]) {
			connectedBy[calls[i].WidgetID]++
		}
	}
	out := make([]Funnel, 0, len(ws))
	for _, w := range ws {
		views, opens, submits := Step{Key: StepViews}, Step{Key: StepOpens}, Step{Key: StepSubmits}
		leadStep := Step{Key: StepLeads, Count: leadsBy[w.ID], Measured: makesLeads(w.Type) || leadsBy[w.ID] > 0}
		steps := []*Step{&views, &opens, &submits, &leadStep}
		switch w.Type {
		case quiz.WidgetType:
			q := quiz.SummarizeTallies(sums[kindQuiz][w.ID], "", "")
			views = Step{StepViews, q.Views, true}
			opens = Step{StepOpens, q.Starts, true}
			submits = Step{StepSubmits, q.Completions, true}
			// The quiz's own count, like its other steps: the inbox may have
			// lost leads since (erased on a visitor's request).
			leadStep = Step{StepLeads, q.Leads, true}
		case callbackType:
			// Every request is also a lead: its goal is the connected call.
			submits = Step{StepSubmits, callsBy[w.ID], true}
			steps = []*Step{&views, &opens, &submits, {StepConnected, connectedBy[w.ID], true}}
		case multibutton.WidgetType:
			var clicks int64
			for _, n := range sums[kindClicks][w.ID] {
				clicks += n
			}
			opens = Step{StepOpens, clicks, true}
		}
		if !views.Measured && hasTriggers(w) {
			t := triggerstats.Summarize(sums[kindTriggers][w.ID], "", "")
			views = Step{StepViews, t.Totals.Shown, true}
		}
		if !views.Measured {
			views = Step{StepViews, sums[kindViews][w.ID][ViewField], true}
		}
		f := Funnel{WidgetID: w.ID, Type: w.Type}
		for _, s := range steps {
			f.Steps = append(f.Steps, *s)
		}
		out = append(out, f)
	}
	return out
}

// makesLeads lists the widget types that put leads in the inbox.
func makesLeads(typ string) bool {
	switch typ {
	case quiz.WidgetType, callbackType, "popup", "proactive", "game":
		return true
	}
	return false
}
