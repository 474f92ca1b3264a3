package quiz

// Public implements widgets.Settings: what the browser needs to draw the
// quiz, never the formulas, rules, option values, result ranges or
// summaries (results are worked out by the server only).
func (s *Settings) Public() any {
	return nil
}
