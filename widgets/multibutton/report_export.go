package multibutton

// ClickTally is the name of widgetID's tally of channel clicks on day
// (YYYY-MM-DD of the site's time zone); each field is one channel's count.
func ClickTally(widgetID, day string) string { return clickTally(widgetID, day) }

// WidgetType is the type of multibutton widgets (store.Widget.Type).
const WidgetType = widgetType
