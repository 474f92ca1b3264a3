package triggerstats

// TallyName is the name of widgetID's trigger tally of day (YYYY-MM-DD of
// the site's time zone), for the dashboard's analytics.
func TallyName(widgetID, day string) string { return tallyName(widgetID, day) }

// Summarize turns the summed fields of a range of days' tallies into
// Stats, as GET …/trigger-stats answers.
func Summarize(sum map[string]int64, from, to string) Stats { return summarize(sum, from, to) }
