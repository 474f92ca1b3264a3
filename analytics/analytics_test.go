package analytics

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func TestDaysAreTheSiteZones(t *testing.T) {
	moscow, _ := time.LoadLocation("Europe/Moscow")
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	p := Period{From: day("2026-03-01"), To: day("2026-03-02"), Loc: moscow}
	leads := []store.Lead{
		{CreatedAt: time.Date(2026, 2, 28, 21, 30, 0, 0, time.UTC)}, // 00:30 on 1 March in Moscow
		{CreatedAt: time.Date(2026, 3, 2, 20, 59, 0, 0, time.UTC)},  // 23:59 on 2 March
		{CreatedAt: time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC)},   // 3 March: outside
	}
	got := daily(p, leads, nil)
	if len(got) != 2 || got[0].Leads != 1 || got[1].Leads != 1 {
		t.Fatalf("daily = %+v, want one lead on each day", got)
	}
	if !p.start().Equal(time.Date(2026, 2, 28, 21, 0, 0, 0, time.UTC)) || !p.end().Equal(time.Date(2026, 3, 2, 21, 0, 0, 0, time.UTC)) {
		t.Fatalf("period bounds %v – %v", p.start(), p.end())
	}
}

func TestManagersAnswerRate(t *testing.T) {
	ws := []store.Widget{{ID: "w", Type: "callback", Settings: json.RawMessage(`{"managers":[{"name":"Anna"},{"name":"Boris"}]}`)}}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	calls := []store.Callback{
		{WidgetID: "w", Manager: "Anna", Timeline: []store.Transition{{Status: "calling_manager", At: at},
			{Status: "manager_answered", At: at.Add(8 * time.Second), Detail: "Anna"}, {Status: "connected", At: at.Add(12 * time.Second)}},
			Legs: []store.Leg{{Kind: "manager", Manager: 0, Status: "ended", Outcome: "completed"},
				// Rung at once, cancelled when Anna answered: not Boris's miss.
				{Kind: "manager", Manager: 1, Status: "ended", Outcome: "canceled"},
				{Kind: "visitor", Manager: 0, Status: "ended", Outcome: "completed"}}},
		{WidgetID: "w", Legs: []store.Leg{{Kind: "manager", Manager: 1, Status: "ended", Outcome: "no_answer"},
			{Kind: "manager", Manager: 7, Status: "ended", Outcome: "busy"}}},
	}
	got := managers(calls, ws)
	// Equal rings: by name.
	want := []Manager{{Name: "#8", Rung: 1}, {Name: "Anna", Rung: 1, Answered: 1, AnswerRate: 1, Connected: 1}, {Name: "Boris", Rung: 1}}
	if len(got) != len(want) {
		t.Fatalf("managers = %+v", got)
	}
	for i := range want {
		g := got[i]
		g.MedianSecondsToAnswer = nil
		if g != want[i] {
			t.Fatalf("manager %d = %+v, want %+v", i, g, want[i])
		}
	}
	if m := got[1].MedianSecondsToAnswer; m == nil || *m != 8 {
		t.Fatalf("Anna's median time to answer = %v, want 8 s", m)
	}
	r := Report{Managers: got}
	r.HideManagerNames()
	if r.Managers[0].Name != "" || r.Managers[2].Number != 3 {
		t.Fatalf("hidden names: %+v", r.Managers)
	}
}

func TestFunnelStepsNotMeasured(t *testing.T) {
	ws := []store.Widget{
		{ID: "p", Type: "popup", Settings: json.RawMessage(`{}`)},
		{ID: "t", Type: "popup", Settings: json.RawMessage(`{"triggers":{"rules":[]}}`)},
	}
	sums := map[string]map[string]map[string]int64{kindTriggers: {"t": {"shown|exit_intent": 7}},
		kindViews: {"p": {ViewField: 40}, "t": {ViewField: 90}}}
	got := funnels(ws, sums, []store.Lead{{WidgetID: "p"}, {WidgetID: "t"}}, nil)
	if s := got[0].Steps; !s[0].Measured || s[0].Count != 40 || s[1].Measured || s[2].Measured || !s[3].Measured || s[3].Count != 1 {
		t.Fatalf("popup without triggers: %+v, want 40 page views, opens and submits not measured, and 1 lead", s)
	}
	if s := got[1].Steps; !s[0].Measured || s[0].Count != 7 {
		t.Fatalf("popup with triggers: %+v, want its 7 triggered showings, not its page views", s)
	}
}
