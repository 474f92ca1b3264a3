package quiz

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/validate"
)

// Answers are checked against their step: a bad one is a *validate.Error
// naming value or value[i]; a good one comes back normalized.
func TestCheckAnswer(t *testing.T) {
	d := mustNormalize(t, ruSite, `{"steps":[
	  {"id":"kind","type":"single","title":"Q","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]},
	  {"id":"pic","type":"image","title":"Q","required":false,"options":[{"id":"x","label":"X","image":"https://i.example/x.png"}]},
	  {"id":"adds","type":"multi","title":"Q","min_choices":1,"max_choices":2,"options":[{"id":"a","label":"A"},{"id":"b","label":"B"},{"id":"c","label":"C"}]},
	  {"id":"maybe","type":"multi","title":"Q","required":false,"options":[{"id":"a","label":"A"}]},
	  {"id":"note","type":"text","title":"Q","max_length":10},
	  {"id":"area","type":"number","title":"Q","min":10,"max":300,"step":5},
	  {"id":"thick","type":"number","title":"Q","min":0,"max":1,"step":0.1},
	  {"id":"day","type":"date","title":"Q","min":"2026-01-01","max":"2027-12-31"},
	  {"id":"after","type":"date","title":"Q","min":"2026-01-01"},
	  {"id":"before","type":"date","title":"Q","max":"2027-12-31"},
	  {"id":"stars","type":"rating","title":"Q","max":5}]}`).Definition()
	ok := []struct{ step, in, out string }{
		{"kind", `"b"`, `"b"`},
		{"pic", `null`, `null`},
		{"pic", ``, `null`},
		{"adds", `["c","a"]`, `["c","a"]`},
		{"maybe", `[]`, `null`},
		{"note", `"  ten chars \n"`, `"ten chars"`},
		{"area", `45`, `45`},
		{"area", `300`, `300`},
		{"area", `10.0`, `10`},
		{"thick", `0.3`, `0.3`},
		{"thick", `0.30000000000000004`, `0.3`},
		{"day", `"2026-12-24"`, `"2026-12-24"`},
		{"stars", `4`, `4`},
		{"stars", `5.0`, `5`},
	}
	for _, c := range ok {
		got, err := d.CheckAnswer(c.step, json.RawMessage(c.in))
		if err != nil || string(got) != c.out {
			t.Errorf("%s %s: %s %v, want %s", c.step, c.in, got, err, c.out)
		}
	}
	bad := []struct{ step, in, field, message string }{
		{"kind", `null`, "value", "cannot be skipped"},
		{"kind", `"c"`, "value", `"c" is no option`},
		{"kind", `1`, "value", "id of an option"},
		{"kind", `["a"]`, "value", "id of an option"},
		{"adds", `[]`, "value", "at least 1"},
		{"adds", `["a","b","c"]`, "value", "at most 2"},
		{"adds", `["a","z"]`, "value[1]", `"z" is no option`},
		{"adds", `["a",3]`, "value[1]", "id of an option"},
		{"adds", `["b","b"]`, "value[1]", "chosen twice"},
		{"adds", `"a"`, "value", "list of option ids"},
		{"note", `"eleven char"`, "value", "at most 10"},
		{"note", `"   "`, "value", "required"},
		{"note", `"a\u202eb"`, "value", "bidi"},
		{"note", `5`, "value", "must be a text"},
		{"area", `5`, "value", "between 10 and 300"},
		{"area", `301`, "value", "between 10 and 300"},
		{"area", `12`, "value", "10 plus a multiple of 5"},
		{"area", `"45"`, "value", "must be a number"},
		{"thick", `0.35`, "value", "multiple of 0.1"},
		{"day", `"2025-12-31"`, "value", "between 2026-01-01 and 2027-12-31"},
		{"day", `"2028-01-01"`, "value", "between"},
		{"day", `"24.12.2026"`, "value", "like 2026-12-31"},
		{"day", `"2026-02-30"`, "value", "like 2026-12-31"},
		{"after", `"2025-12-31"`, "value", "must be between 2026-01-01 and any day"},
		{"before", `"2028-01-01"`, "value", "must be between any day and 2027-12-31"},
		{"stars", `0`, "value", "from 1 to 5"},
		{"stars", `6`, "value", "from 1 to 5"},
		{"stars", `4.5`, "value", "whole number"},
	}
	for _, c := range bad {
		_, err := d.CheckAnswer(c.step, json.RawMessage(c.in))
		var ve *validate.Error
		if !errors.As(err, &ve) || ve.Field != c.field || !strings.Contains(ve.Message, c.message) {
			t.Errorf("%s %s: %v, want %s: …%s…", c.step, c.in, err, c.field, c.message)
		}
	}
	if _, err := d.CheckAnswer("nope", json.RawMessage(`1`)); !errors.Is(err, ErrNoStep) {
		t.Errorf("unknown step: %v", err)
	}
}
