package socialproof

import (
	"context"
	"log/slog"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Beckon's own events: what visitors did through the site's other widgets,
// stored as events of these types with no name and no city, and shown only
// by the widgets whose beckon_events switch them on.
var beckonEventTypes = map[string]string{
	widgets.ActivityCallbackConnected: "callback",
	widgets.ActivityLeadSubmitted:     "lead",
}

// onActivity stores an activity of the site as an event when one of the
// site's enabled social-proof widgets shows its kind. Its id comes from
// the activity's, so hearing it twice stores it once.
func (m *Module) onActivity(ctx context.Context, act widgets.Activity) {
	typ, known := beckonEventTypes[act.Kind]
	if !known {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, api.StoreDeadline)
	defer cancel()
	site, err := m.deps.Sites.ByID(ctx, act.SiteID)
	if err != nil {
		m.deps.Log.Warn("social proof: site of an activity", slog.String("site_id", act.SiteID), slog.Any("err", err))
		return
	}
	wanted := false
	for _, w := range site.Widgets {
		if w.Type == widgetType && w.Enabled && showsBeckonType(w.Parsed.(*Settings), typ) {
			wanted = true
		}
	}
	if !wanted {
		return
	}
	ev := store.Event{ID: "beckon-" + typ + "-" + act.ID, SiteID: act.SiteID, Type: typ,
		Time: act.At, Source: "beckon", CreatedAt: m.deps.Now().UTC()}
	if _, err := m.addEvents(ctx, act.SiteID, []store.Event{ev}); err != nil {
		m.deps.Log.Warn("social proof: store Beckon's event", slog.String("site_id", act.SiteID), slog.String("kind", act.Kind), slog.Any("err", err))
	}
}

// showsBeckonType says whether a widget with set shows Beckon's events of
// typ; events of other sources always pass.
func showsBeckonType(set *Settings, typ string) bool {
	switch typ {
	case "callback":
		return set.BeckonEvents.CallbackConnected
	case "lead":
		return set.BeckonEvents.LeadSubmitted
	}
	return false
}

// shows says whether the widget with set shows ev at all.
func shows(set *Settings, ev store.Event) bool {
	return ev.Source != "beckon" || showsBeckonType(set, ev.Type)
}
