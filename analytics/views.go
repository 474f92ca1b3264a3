package analytics

// kindViews is the tally of a widget's views: the page views that loaded
// the site's config with the widget in it (server/widget_views.go counts
// them), the first step of a funnel for a widget that counts none of its
// own.
const kindViews = "views"

// ViewTally names the tally of widget's views on day (YYYY-MM-DD in the
// site's time zone); its one field is ViewField.
func ViewTally(widgetID, day string) string { return "views:" + widgetID + ":" + day }

// ViewField is the field of a view tally.
const ViewField = "views"
