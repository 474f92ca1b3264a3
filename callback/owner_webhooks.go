package callback

import (
	"context"
	"log/slog"
	"time"

	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// The owner's notifications of the callback widget go through
// notify.Publish: to the widget's notify_url (the payloads below, as they
// always were, with the request's inbox lead added as "lead") and to every
// site channel subscribed to the event (Telegram, e-mail, Bitrix24 …).

// missedEvent is the data of a "callback.missed" event.
type missedEvent struct {
	SiteID    string             `json:"site_id"`
	WidgetID  string             `json:"widget_id"`
	Callback  string             `json:"callback_id"`
	Phone     string             `json:"phone"`
	Name      string             `json:"name,omitempty"`
	PageURL   string             `json:"page_url,omitempty"`
	Reason    string             `json:"reason"`
	CreatedAt time.Time          `json:"created_at"`
	Timeline  []store.Transition `json:"timeline"`
}

// completedEvent is the data of a "callback.completed" event: the
// visitor and a manager were put through.
type completedEvent struct {
	SiteID      string             `json:"site_id"`
	WidgetID    string             `json:"widget_id"`
	Callback    string             `json:"callback_id"`
	Phone       string             `json:"phone"`
	Name        string             `json:"name,omitempty"`
	PageURL     string             `json:"page_url,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
	ConnectedAt time.Time          `json:"connected_at"`
	Timeline    []store.Transition `json:"timeline"`
}

// missed tells the site that a request ended without a conversation, so
// somebody calls the visitor by hand. The messages are in the outbox when
// this returns; their ids derive from the request's, so telling twice is
// one message per destination.
func (m *Module) missed(ctx context.Context, site store.Site, _ Settings, c store.Callback) error {
	return m.deps.Notifier.Publish(ctx, notify.Event{
		Type: notify.EventCallbackMissed, SiteID: site.ID, WidgetID: c.WidgetID, Key: c.ID, At: c.UpdatedAt,
		Lead: m.requestLead(ctx, c),
		Data: missedEvent{SiteID: site.ID, WidgetID: c.WidgetID, Callback: c.ID, Phone: c.Phone, Name: c.Name,
			PageURL: c.PageURL, Reason: c.Reason, CreatedAt: c.CreatedAt, Timeline: c.Timeline},
	})
}

// connectedCall is the engine's Connected hook: social proof hears of it
// (connected) and the site's channels subscribed to callback.completed
// are told. The widget's own notify_url is not (the event has no
// WidgetID): its receivers were built for the two events above and keep
// getting just those. The engine calls this once, when the request is
// bridged, and cannot retry it: a message the store refused is logged
// loudly.
func (m *Module) connectedCall(ctx context.Context, site store.Site, c store.Callback) {
	m.connected(ctx, site, c)
	connectedAt := c.UpdatedAt
	if n := len(c.Timeline); n > 0 {
		connectedAt = c.Timeline[n-1].At
	}
	err := m.deps.Notifier.Publish(ctx, notify.Event{
		Type: notify.EventCallbackCompleted, SiteID: site.ID, Key: c.ID, At: connectedAt,
		Lead: m.requestLead(ctx, c),
		Data: completedEvent{SiteID: site.ID, WidgetID: c.WidgetID, Callback: c.ID, Phone: c.Phone, Name: c.Name,
			PageURL: c.PageURL, CreatedAt: c.CreatedAt, ConnectedAt: connectedAt, Timeline: c.Timeline},
	})
	if err != nil {
		m.deps.Log.Error("callback.completed notification not stored", slog.String("site_id", site.ID),
			slog.String("callback_id", c.ID), slog.Any("err", err))
	}
}

// budgetSpent alerts the owner once a day when intake pauses.
func (m *Module) budgetSpent(ctx context.Context, site store.Site, w store.Widget, set Settings, day string) {
	m.deps.Log.Warn("callback daily budget spent; intake paused until midnight", slog.String("site_id", site.ID),
		slog.Int("budget", set.Limits.DailyBudget))
	err := m.deps.Notifier.Publish(ctx, notify.Event{
		Type: notify.EventCallbackBudgetSpent, SiteID: site.ID, WidgetID: w.ID, Key: day,
		Data: map[string]any{"site_id": site.ID, "widget_id": w.ID, "daily_budget": set.Limits.DailyBudget, "day": day},
	})
	if err != nil {
		m.deps.Log.Error("budget notification not stored", slog.String("site_id", site.ID), slog.Any("err", err))
	}
}

// requestLead is the inbox entry of request c for the owner's messages:
// the stored lead (with the quiz's summary when the visitor asked from a
// quiz's result, and the owner's status), or, when it cannot be read
// (erased, not written yet, the store failing), the same made from the
// request, so the message is never held up by the inbox.
func (m *Module) requestLead(ctx context.Context, c store.Callback) *store.Lead {
	if l, err := m.deps.Store.GetLead(ctx, c.SiteID, LeadID(c.ID)); err == nil {
		return &l
	}
	l := leadOf(c, "")
	return &l
}
