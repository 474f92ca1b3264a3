package quiz

import (
	"errors"
	"testing"
)

// Next: a rule that holds, else the chosen option's next, else the step's
// next, else the following step; "end" and the last step end the questions.
func TestNextFollowsRulesOptionsAndOrder(t *testing.T) {
	d := renovation(t)
	cases := []struct {
		step    string
		answers Answers
		want    string
	}{
		{"rooms", answers("rooms", `"r3"`), "area"},
		{"rooms", answers("rooms", `"studio"`), "style"}, // the option's next
		{"area", answers("rooms", `"r3"`, "area", "60"), "extras"},
		{"area", answers("rooms", `"r3"`, "area", "150"), "when"}, // the rule
		{"extras", answers("extras", "null"), "style"},
		{"style", answers("style", `"loft"`), "when"},
		{"mark", answers("mark", "5"), ""}, // the last step
	}
	for _, c := range cases {
		got, err := d.Next(c.step, c.answers)
		if err != nil || got != c.want {
			t.Errorf("Next(%s, %v) = %q, %v; want %q", c.step, c.answers, got, err, c.want)
		}
	}
	if _, err := d.Next("nope", Answers{}); !errors.Is(err, ErrNoStep) {
		t.Errorf("unknown step: %v", err)
	}
}

// Rules see formulas and go in order: the first that holds wins; "end"
// finishes the questions early.
func TestRulesInOrderAndEnd(t *testing.T) {
	s := mustNormalize(t, ruSite, `{"steps":[
	  {"id":"budget","type":"number","title":"Q","min":0,"max":1000000,"step":1000,
	   "rules":[{"if":"total < 10000","next":"end"},{"if":"total < 100000","next":"small"}]},
	  {"id":"big","type":"text","title":"Q","next":"end"},
	  {"id":"small","type":"text","title":"Q"}],
	 "formulas":[{"name":"total","expr":"budget * 2"}]}`)
	d := s.Definition()
	for budget, want := range map[string]string{"1000": "", "20000": "small", "60000": "big"} {
		if got, err := d.Next("budget", answers("budget", budget)); err != nil || got != want {
			t.Errorf("budget %s: next %q %v, want %q", budget, got, err, want)
		}
	}
	if got, _ := d.Next("big", answers("big", `"x"`)); got != "" {
		t.Errorf("big has next end: got %q", got)
	}
}

// A step whose every option names its next step never falls through to the
// following one, so a way back from that one is no loop.
func TestEveryOptionBranchingIsNoLoop(t *testing.T) {
	mustNormalize(t, ruSite, `{"steps":[
	  {"id":"a","type":"single","title":"Q","options":[{"label":"A","next":"c"},{"label":"B","next":"end"}]},
	  {"id":"b","type":"text","title":"Q","next":"a"},
	  {"id":"c","type":"text","title":"Q"}]}`)
	// The same step made optional may fall through (skipped): a → b → a.
	_, err := normalize(t, ruSite, `{"steps":[
	  {"id":"a","type":"single","title":"Q","required":false,"options":[{"label":"A","next":"c"},{"label":"B","next":"end"}]},
	  {"id":"b","type":"text","title":"Q","next":"a"},
	  {"id":"c","type":"text","title":"Q"}]}`)
	if err == nil || err.Error() != `steps[1].next: "a" leads back to an earlier step: a → b → a; a quiz cannot go in circles` {
		t.Fatalf("optional a: %v", err)
	}
}

// Complete: the path starts at the first step, each step is where the one
// before leads, required steps are answered and the last one ends.
func TestCompleteChecksTheWholeWay(t *testing.T) {
	d := renovation(t)
	full := answers("rooms", `"r3"`, "area", "60", "extras", `["heating"]`, "style", `"classic"`, "when", "null", "wish", "null", "mark", "4")
	path := []string{"rooms", "area", "extras", "style", "when", "wish", "mark"}
	if !d.Complete(full, path) {
		t.Fatal("a whole way is not complete")
	}
	studio := answers("rooms", `"studio"`, "style", `"loft"`, "when", `"2026-05-01"`, "wish", "null", "mark", "null")
	if !d.Complete(studio, []string{"rooms", "style", "when", "wish", "mark"}) {
		t.Fatal("the studio's shorter way is not complete")
	}
	cases := map[string]struct {
		a    Answers
		path []string
	}{
		"empty":                {full, nil},
		"not from the first":   {full, path[1:]},
		"ends early":           {full, path[:4]},
		"skips a step":         {full, []string{"rooms", "area", "style", "when", "wish", "mark"}},
		"required unanswered":  {answers("rooms", `"r3"`, "area", "60", "extras", "null", "style", "null"), path},
		"answers off the path": {answers("rooms", `"studio"`, "style", `"loft"`), path},
		"unknown step":         {full, append(append([]string{}, path...), "nope")},
		"rule sends elsewhere": {answers("rooms", `"r3"`, "area", "200", "extras", "null", "style", `"loft"`), path},
	}
	for name, c := range cases {
		if d.Complete(c.a, c.path) {
			t.Errorf("%s: complete", name)
		}
	}
}
