package quiz

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/beckonhq/beckon/validate"
)

// End is the next-step target that ends the questions.
const End = "end"

// Rule sends the visitor to Next when If holds: a boolean expression over
// the answers and the formulas, like a formula.
type Rule struct {
	If   string `json:"if"`
	Next string `json:"next"`
}

// edge is one way from a step to another, with the settings path that
// makes it, for errors.
type edge struct {
	to    string
	field string
}

// compileBranching compiles the rules and checks every target: an
// existing step or "end", and no way through the quiz that comes back to
// a step it passed.
func compileBranching(steps []Step, formulas []Formula) error {
	index := make(map[string]int, len(steps))
	for i, s := range steps {
		index[s.ID] = i
	}
	env := envTypes(steps, formulas)
	target := func(field, next string) error {
		if _, ok := index[next]; ok || next == End {
			return nil
		}
		return validate.Field(field, "%q is no step of this quiz; name a step id or \"end\"", next)
	}
	ways := make([][]edge, len(steps))
	for i := range steps {
		s := &steps[i]
		field := at("steps", i)
		if len(s.Rules) > MaxRules {
			return validate.Field(field+".rules", "at most %d rules", MaxRules)
		}
		s.rules = s.rules[:0]
		for j, r := range s.Rules {
			rf := at(field+".rules", j)
			prog, err := compileExpr(rf+".if", r.If, maxRuleLen, env, expr.AsBool())
			if err != nil {
				return err
			}
			if err := target(rf+".next", r.Next); err != nil {
				return err
			}
			s.rules = append(s.rules, compiledRule{prog: prog, next: r.Next})
			ways[i] = append(ways[i], edge{r.Next, rf + ".next"})
		}
		everyOptionBranches := s.branchesByOption() && s.IsRequired()
		for j, o := range s.Options {
			if o.Next == "" {
				everyOptionBranches = false
				continue
			}
			of := at(field+".options", j) + ".next"
			if err := target(of, o.Next); err != nil {
				return err
			}
			ways[i] = append(ways[i], edge{o.Next, of})
		}
		switch {
		case s.Next != "":
			if err := target(field+".next", s.Next); err != nil {
				return err
			}
			ways[i] = append(ways[i], edge{s.Next, field + ".next"})
		case everyOptionBranches:
			// Every answer names its next step: the following one is
			// reached only through them.
		case i+1 < len(steps):
			ways[i] = append(ways[i], edge{steps[i+1].ID, field})
		}
	}
	return findLoop(steps, index, ways)
}

// findLoop refuses a way through the quiz that comes back to a step, naming
// the target that closes the loop and the loop itself.
func findLoop(steps []Step, index map[string]int, ways [][]edge) error {
	const (
		unseen = iota
		open   // on the way being followed
		done
	)
	state := make([]int, len(steps))
	var trail []string
	var visit func(i int) error
	visit = func(i int) error {
		state[i] = open
		trail = append(trail, steps[i].ID)
		for _, e := range ways[i] {
			j, ok := index[e.to]
			if !ok { // "end"
				continue
			}
			switch state[j] {
			case open:
				loop := append([]string{}, trail[slices.Index(trail, e.to):]...)
				loop = append(loop, e.to)
				return validate.Field(e.field, "%q leads back to an earlier step: %s; a quiz cannot go in circles", e.to, strings.Join(loop, " → "))
			case unseen:
				if err := visit(j); err != nil {
					return err
				}
			}
		}
		trail = trail[:len(trail)-1]
		state[i] = done
		return nil
	}
	for i := range steps {
		if state[i] == unseen {
			if err := visit(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// next is the step after s for answers a in environment env: the first
// rule that holds, else the chosen option's next, else the step's next,
// else the following step; "" when the questions end.
func (d *Definition) next(s *Step, a Answers, env map[string]any) (string, error) {
	to := ""
	for _, r := range s.rules {
		// A rule that cannot be worked out (it reads a formula that gave
		// no number for these answers) does not hold.
		if out, err := run(r.prog, env); err == nil && out == true {
			to = r.next
			break
		}
	}
	if to == "" && s.branchesByOption() {
		if o, ok := s.chosen(a[s.ID]); ok {
			to = o.Next
		}
	}
	if to == "" {
		to = s.Next
	}
	if to == "" {
		if i := d.order[s.ID]; i+1 < len(d.settings.Steps) {
			to = d.settings.Steps[i+1].ID
		}
	}
	if to == End {
		to = ""
	}
	return to, nil
}
