package quiz

import "github.com/expr-lang/expr/vm"

// Formula is a named value worked out from the answers (a price, a score).
type Formula struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

type compiledFormula struct {
	name string
	prog *vm.Program
}

type compiledRule struct {
	prog *vm.Program
	next string
}
