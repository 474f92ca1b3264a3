package i18n

// CountdownTexts is i18n/countdown_widget.json: what the countdown widget
// shows, which the e-mail image shows too.
type CountdownTexts struct {
	Title          string           `json:"title"`
	Expired        string           `json:"expired"`
	Close          string           `json:"close"`
	LessThanMinute string           `json:"lessThanMinute"`
	Units          map[string]Forms `json:"units"` // d, h, m, s
}

// Countdown is the countdown widget's texts per language.
var Countdown = MustLoad[CountdownTexts]("countdown_widget")
