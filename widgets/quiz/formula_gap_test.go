package quiz_test

import (
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// perPerson divides by zero for a party of three: the save-time check
// cannot see it (with nothing answered, people is 0 and the guard holds),
// but a visitor who answers 3 reaches it.
const perPerson = `{
  "steps": [
    {"id":"people","type":"number","title":"How many people?","min":1,"max":10},
    {"id":"city","type":"text","title":"Where?","required":false,
     "rules":[{"if":"share > 100","next":"end"}]},
    {"id":"extra","type":"text","title":"Anything else?","required":false}
  ],
  "formulas": [{"name":"share","expr":"people == 0 ? 0 : 900 / (people - 3)"},
               {"name":"total","expr":"share * people"}],
  "results": [{"id":"cheap","title":"About {total}","when":{"value":"total","max":1000}},
              {"id":"other","title":"We will work it out: {total}"}],
  "form": {"fields":[{"name":"phone","required":true}]}
}`

// A formula that gives no number for one visitor's answers never costs
// that visitor their way through the quiz or their lead: the formula (and
// the one built on it) is left out, its rules do not hold, the result
// screen keyed on it is not chosen, and the lead is stored.
func TestFormulaWithoutANumberKeepsTheLead(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), perPerson, nil)
		sid := q.startSession("v1", nil)
		a := q.mustAnswer(sid, "v1", "people", 3)
		if a["next"] != "city" {
			t.Fatalf("after people=3: %v", a)
		}
		if v := a["values"].(map[string]any); len(v) != 0 {
			t.Fatalf("values %v: share and total have no number for 3 people", v)
		}
		// share > 100 cannot be worked out: the rule does not hold and
		// the quiz goes on to the next step.
		if a := q.mustAnswer(sid, "v1", "city", "Tver"); a["next"] != "extra" {
			t.Fatalf("after city: %v", a)
		}
		done := q.mustAnswer(sid, "v1", "extra", nil)
		res := done["result"].(map[string]any)
		if done["next"] != "" || res["screen"] != "other" || res["title"] != "We will work it out: —" {
			t.Fatalf("last answer: %v", done)
		}
		r := q.lead(sid, "v1", map[string]any{"phone": "+7 916 123-45-67"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		l, ok := q.storedLead("ld_" + sid)
		if !ok || l.Contact.Phone != "+79161234567" || l.Result == nil || l.Result.Screen != "other" || len(l.Result.Values) != 0 {
			t.Fatalf("stored lead %+v (found %v)", l, ok)
		}
	})
}
