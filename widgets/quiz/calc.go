package quiz

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/beckonhq/beckon/validate"
)

// The calculator: formulas and rules are expr-lang/expr expressions over
// the answers (each step's id is its answer: a number, or a string for
// text and date steps) and the formulas before them. They are compiled
// once, when the owner saves, and can reach nothing of the host: the
// environment is the answers alone, builtins are cut down to arithmetic
// and string inspection, and every construct that loops or grows memory
// (ranges, list functions such as map and filter, joining strings) is
// refused. What is left runs in time linear in the expression, which
// MaxNodes bounds; the VM's memory budget is a second fence.

// Formula is a named value worked out from the answers (a price, a score).
type Formula struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

// Bounds of the calculator.
const (
	MaxFormulas   = 50
	maxFormulaLen = 1000 // characters of a formula
	maxRuleLen    = 500  // characters of a rule's if
	maxExprNodes  = 300
	memoryBudget  = 10000 // the VM's units: elements of lists and maps made while running
)

// allowedBuiltins are expr's builtins a formula may call: none of them
// loops over more than its arguments or makes anything big.
var allowedBuiltins = []string{"abs", "ceil", "floor", "round", "min", "max", "len", "lower", "upper", "trim", "hasPrefix", "hasSuffix"}

// reservedNames cannot be a step id or formula name: the API's own words
// for places in a quiz, and expr's words and functions.
var reservedNames = []string{"end", "start", "form", "result", "true", "false", "nil", "in", "not", "and", "or",
	"matches", "contains", "let", "if", "else", "abs", "ceil", "floor", "round", "min", "max", "len", "lower", "upper", "trim"}

// ErrFormula is wrapped by errors of running the calculator on answers
// (a division by zero that gave no number).
var ErrFormula = errors.New("quiz: formula gave no number")

type compiledFormula struct {
	name string
	prog *vm.Program
}

type compiledRule struct {
	prog *vm.Program
	next string
}

// envTypes is the calculator's environment for compiling: every step's id
// with the type of its answer, and the formulas named so far.
func envTypes(steps []Step, formulas []Formula) map[string]any {
	env := make(map[string]any, len(steps)+len(formulas))
	for _, s := range steps {
		env[s.ID] = zeroOf(s.Type)
	}
	for _, f := range formulas {
		env[f.Name] = 0.0
	}
	return env
}

// zeroOf is the value of an unanswered step of type typ.
func zeroOf(typ string) any {
	if typ == TypeText || typ == TypeDate {
		return ""
	}
	return 0.0
}

// compileFormulas compiles each formula over the steps and the formulas
// before it.
func compileFormulas(steps []Step, formulas []Formula) ([]compiledFormula, error) {
	if len(formulas) > MaxFormulas {
		return nil, validate.Field("formulas", "at most %d formulas", MaxFormulas)
	}
	out := make([]compiledFormula, 0, len(formulas))
	for i, f := range formulas {
		field := at("formulas", i)
		if !idRe.MatchString(f.Name) || slices.Contains(reservedNames, f.Name) {
			return nil, validate.Field(field+".name", "must be a lowercase latin letter, then up to 39 lowercase letters, digits or _, and not one of %s", strings.Join(reservedNames, ", "))
		}
		prog, err := compileExpr(field+".expr", f.Expr, maxFormulaLen, envTypes(steps, formulas[:i]), expr.AsFloat64())
		if err != nil {
			return nil, err
		}
		out = append(out, compiledFormula{name: f.Name, prog: prog})
	}
	return out, nil
}

// compileExpr compiles one expression; errors name field and the
// character where the expression goes wrong.
func compileExpr(field, src string, maxLen int, env map[string]any, want expr.Option) (*vm.Program, error) {
	if src == "" {
		return nil, validate.Field(field, "is required")
	}
	if err := validate.Text(field, src, true, maxLen); err != nil {
		return nil, err
	}
	opts := []expr.Option{expr.Env(env), want, expr.MaxNodes(maxExprNodes),
		// No constant folding: it would run a part of the expression
		// (a range, a repeat) at save time, before the checks below.
		expr.Optimize(false), expr.DisableAllBuiltins()}
	for _, b := range allowedBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, compileError(field, err)
	}
	node := prog.Node()
	guard := &sandbox{}
	ast.Walk(&node, guard)
	if guard.refused != useNone {
		line, col := position(src, guard.from)
		return nil, guard.refusal(field, line, col)
	}
	return prog, nil
}

// compileError tells the owner why expr refused an expression: where, when
// expr knows, and in the owner's words for what owners get wrong. Each
// refusal is a whole sentence, with the place written out as "character 8"
// on the first line and "line 2, character 8" below it, so that it has its
// translation; expr's other messages are handed on as expr words them.
func compileError(field string, err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		msg := err.Error()
		if got, ok := strings.CutPrefix(msg, "expected float64, but got "); ok {
			return validate.Field(field, "does not compile: must work out a number, not %s", got)
		}
		if got, ok := strings.CutPrefix(msg, "expected bool, but got "); ok {
			return validate.Field(field, "does not compile: must be true or false (a comparison such as rooms >= 3), not %s", got)
		}
		if tooBig(msg) {
			return validate.Field(field, "does not compile: too long: at most %d numbers, names and operators", maxExprNodes)
		}
		return validate.Field(field, "does not compile: %s", msg)
	}
	line, col := fe.Line, fe.Column+1
	switch {
	case tooBig(fe.Message) && line > 1:
		return validate.Field(field, "does not compile at line %d, character %d: too long: at most %d numbers, names and operators", line, col, maxExprNodes)
	case tooBig(fe.Message):
		return validate.Field(field, "does not compile at character %d: too long: at most %d numbers, names and operators", col, maxExprNodes)
	case line > 1:
		return validate.Field(field, "does not compile at line %d, character %d: %s", line, col, fe.Message)
	}
	return validate.Field(field, "does not compile at character %d: %s", col, fe.Message)
}

// tooBig says whether expr refused an expression for its number of nodes.
func tooBig(msg string) bool { return strings.Contains(msg, "maximum allowed nodes") }

// position turns a character offset of src into a line and a column, both
// from 1.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	for i, r := range []rune(src) {
		if i == offset {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// construct is what of expr a formula may not use.
type construct int

const (
	useNone construct = iota
	useRange
	useMatches
	useJoin
	useBuiltin // a builtin other than allowedBuiltins
	useListFunc
	useCall
)

// sandbox finds the first construct a formula may not use.
type sandbox struct {
	refused construct
	builtin string // the builtin called, for useBuiltin
	from    int
}

func (g *sandbox) Visit(node *ast.Node) {
	if g.refused != useNone {
		return
	}
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		switch {
		case n.Operator == "..":
			g.refused = useRange
		case n.Operator == "matches":
			g.refused = useMatches
		case n.Operator == "+" && n.Type() != nil && n.Type().Kind() == reflect.String:
			g.refused = useJoin
		}
	case *ast.BuiltinNode:
		if !slices.Contains(allowedBuiltins, n.Name) {
			g.refused, g.builtin = useBuiltin, n.Name
		}
	case *ast.PredicateNode, *ast.PointerNode:
		g.refused = useListFunc
	case *ast.CallNode:
		g.refused = useCall
	}
	if g.refused != useNone {
		g.from = (*node).Location().From
	}
}

// refusal tells the owner what they may not use and where: each construct
// at a character of the first line, or at a line and character below it.
func (g *sandbox) refusal(field string, line, col int) error {
	first := line == 1
	switch g.refused {
	case useRange:
		if first {
			return validate.Field(field, "ranges (a..b) are not allowed; compare with >= and <= instead (at character %d)", col)
		}
		return validate.Field(field, "ranges (a..b) are not allowed; compare with >= and <= instead (at line %d, character %d)", line, col)
	case useMatches:
		if first {
			return validate.Field(field, "matches is not allowed (at character %d)", col)
		}
		return validate.Field(field, "matches is not allowed (at line %d, character %d)", line, col)
	case useJoin:
		if first {
			return validate.Field(field, "joining texts is not allowed; formulas work out numbers (at character %d)", col)
		}
		return validate.Field(field, "joining texts is not allowed; formulas work out numbers (at line %d, character %d)", line, col)
	case useBuiltin:
		if first {
			return validate.Field(field, "%s() is not allowed; functions are %v (at character %d)", g.builtin, allowedBuiltins, col)
		}
		return validate.Field(field, "%s() is not allowed; functions are %v (at line %d, character %d)", g.builtin, allowedBuiltins, line, col)
	case useListFunc:
		if first {
			return validate.Field(field, "list functions (map, filter, all, sum, …) are not allowed (at character %d)", col)
		}
		return validate.Field(field, "list functions (map, filter, all, sum, …) are not allowed (at line %d, character %d)", line, col)
	}
	if first {
		return validate.Field(field, "calling functions is not allowed (at character %d)", col)
	}
	return validate.Field(field, "calling functions is not allowed (at line %d, character %d)", line, col)
}

// vms are reused between runs: a VM keeps its stack between programs.
var vms = sync.Pool{New: func() any { return &vm.VM{MemoryBudget: memoryBudget} }}

func run(prog *vm.Program, env map[string]any) (any, error) {
	v := vms.Get().(*vm.VM)
	defer vms.Put(v)
	v.MemoryBudget = memoryBudget
	return v.Run(prog, env)
}

// environment is the calculator's environment for answers a: each step's
// answer as a number or a string (unanswered: 0 or ""), then each
// formula's value in order. values are the formulas' values alone.
//
// A formula that gives no number for these answers (a division by zero
// that only some answers reach) is left out of both, and so is every
// formula built on it (it finds no value and fails in turn); err tells of
// the first. The visitor's way through the quiz and their lead never wait
// on it: the owner's mistake costs a price on the result screen, not a
// visitor's contacts.
func (d *Definition) environment(a Answers) (env map[string]any, values map[string]float64, err error) {
	env = make(map[string]any, len(d.steps)+len(d.formulas))
	for id, s := range d.steps {
		env[id] = s.envValue(a[id])
	}
	values = make(map[string]float64, len(d.formulas))
	for i, f := range d.formulas {
		out, runErr := run(f.prog, env)
		v, _ := out.(float64)
		switch {
		case runErr != nil:
			err = cmp.Or[error](err, &formulaError{index: i, name: f.name, err: runErr})
			continue
		case math.IsNaN(v) || math.IsInf(v, 0):
			err = cmp.Or[error](err, &formulaError{index: i, name: f.name, value: v})
			continue
		}
		// Six decimals: 420000 × 1.1 is 462000, not 462000.00000000006.
		v = math.Round(v*1e6) / 1e6
		env[f.name], values[f.name] = v, v
	}
	return env, values, err
}

// formulaError is a formula that gave no number for some answers: it
// failed with err, or (err nil) worked out value, NaN or an infinity.
type formulaError struct {
	index int
	name  string
	err   error
	value float64
}

func (e *formulaError) Error() string { return fmt.Sprintf("%v: %s: %s", ErrFormula, e.name, e.why()) }
func (e *formulaError) Unwrap() error { return ErrFormula }

// why says what the formula gave instead of a number.
func (e *formulaError) why() string {
	if e.err != nil {
		return e.err.Error()
	}
	return fmt.Sprintf("%v (a division by zero?)", e.value)
}

// tryUnanswered runs the formulas and rules with nothing answered yet (every
// answer 0 or ""), as they run after the first answers: one that fails
// then would fail for every visitor, so it is refused on save.
func (d *Definition) tryUnanswered() error {
	env, _, err := d.environment(Answers{})
	var fe *formulaError
	if errors.As(err, &fe) {
		field := at("formulas", fe.index) + ".expr"
		if fe.err != nil {
			return validate.Field(field,
				"gives no number while questions are unanswered (each answer is 0 or \"\" until given): %s; formulas are worked out after every answer, so guard divisions: people > 0 ? 900 / people : 0", fe.err)
		}
		return validate.Field(field,
			"gives no number while questions are unanswered (each answer is 0 or \"\" until given): %v (a division by zero?); formulas are worked out after every answer, so guard divisions: people > 0 ? 900 / people : 0", fe.value)
	}
	for i, st := range d.settings.Steps {
		for j, r := range d.steps[st.ID].rules {
			if _, err := run(r.prog, env); err != nil {
				return validate.Field(at(at("steps", i)+".rules", j)+".if", "fails while questions are unanswered: %v", err)
			}
		}
	}
	return nil
}

// envValue is an answer as the calculator sees it: single and image, the
// chosen option's value; multi, the sum of the chosen; number and rating,
// the number; text and date, the string. Unanswered or skipped: 0 or "".
func (s *Step) envValue(raw json.RawMessage) any {
	zero := zeroOf(s.Type)
	if len(raw) == 0 || string(raw) == "null" {
		return zero
	}
	switch s.Type {
	case TypeSingle, TypeImage:
		var id string
		if json.Unmarshal(raw, &id) == nil {
			if o, ok := s.option(id); ok {
				return o.Value
			}
		}
	case TypeMulti:
		var ids []string
		_ = json.Unmarshal(raw, &ids)
		sum := 0.0
		for _, id := range ids {
			if o, ok := s.option(id); ok {
				sum += o.Value
			}
		}
		return sum
	case TypeNumber, TypeRating:
		var v float64
		if json.Unmarshal(raw, &v) == nil {
			return v
		}
	case TypeText, TypeDate:
		var v string
		if json.Unmarshal(raw, &v) == nil {
			return v
		}
	}
	return zero
}

// isFormula says whether name is one of the quiz's formulas.
func (d *Definition) isFormula(name string) bool {
	return slices.ContainsFunc(d.formulas, func(f compiledFormula) bool { return f.name == name })
}
