package quiz

// End is the next-step target that ends the questions.
const End = "end"

// Rule sends the visitor to Next when If holds (a boolean expression over
// the answers and formulas, like a formula).
type Rule struct {
	If   string `json:"if"`
	Next string `json:"next"`
}
