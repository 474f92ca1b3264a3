package quiz

// TallyName is the name of widgetID's analytics tally of day (YYYY-MM-DD
// of the site's time zone), for the dashboard's analytics, which sums
// days without going through the admin API.
func TallyName(widgetID, day string) string { return tallyName(widgetID, day) }

// SummarizeTallies turns the summed fields of a range of days' tallies into
// the quiz's Analytics, as GET …/quiz/analytics answers (steps without an
// order: by the counted ids). Counts of the last second of other replicas,
// and of this one, may not be written yet.
func SummarizeTallies(sum map[string]int64, from, to string) Analytics {
	return summarize(sum, nil, from, to)
}

// WidgetType is the type of quiz widgets (store.Widget.Type).
const WidgetType = widgetType
