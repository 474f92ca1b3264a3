package quiz

// Result is a screen shown after the questions: the first whose When holds
// for its formula's value; one without When is the fallback.
type Result struct {
	ID    string `json:"id"`
	Title T      `json:"title,omitempty"`
	Text  T      `json:"text,omitempty"` // may hold {formula} and {step_id} placeholders
	Image string `json:"image,omitempty"`
	When  *Range `json:"when,omitempty"`
	// Summary is the one line a manager reads (store.Lead.Summary).
	Summary T `json:"summary,omitempty"`
}

// Range holds when Min ≤ the value of formula Value < Max; a bound left
// out is open.
type Range struct {
	Value string   `json:"value"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
}
