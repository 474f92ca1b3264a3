package callback

import (
	"context"
	"log/slog"
	"time"

	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// missedEvent is the body of a "callback.missed" webhook.
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

// missed tells the site that a request ended without a
// conversation, so somebody calls the visitor by hand. The message is in
// the outbox when this returns; its ID is the request's, so telling twice
// is one message.
func (m *Module) missed(ctx context.Context, site store.Site, set Settings, c store.Callback) error {
	if set.NotifyURL == "" {
		return nil
	}
	_, err := m.deps.Notifier.Send(ctx, notify.Message{
		ID:     notify.MessageID(site.ID + "/callback.missed/" + c.ID),
		SiteID: site.ID, WidgetID: c.WidgetID, EventType: "callback.missed", At: c.UpdatedAt,
		Payload: missedEvent{SiteID: site.ID, WidgetID: c.WidgetID, Callback: c.ID, Phone: c.Phone, Name: c.Name,
			PageURL: c.PageURL, Reason: c.Reason, CreatedAt: c.CreatedAt, Timeline: c.Timeline},
	})
	return err
}

// budgetSpent alerts the owner once a day when intake pauses.
func (m *Module) budgetSpent(ctx context.Context, site store.Site, w store.Widget, set Settings, day string) {
	m.deps.Log.Warn("callback daily budget spent; intake paused until midnight", slog.String("site_id", site.ID),
		slog.Int("budget", set.Limits.DailyBudget))
	if set.NotifyURL == "" {
		return
	}
	_, err := m.deps.Notifier.Send(ctx, notify.Message{
		ID:     notify.MessageID(site.ID + "/callback.budget_spent/" + day),
		SiteID: site.ID, WidgetID: w.ID, EventType: "callback.budget_spent",
		Payload: map[string]any{"site_id": site.ID, "widget_id": w.ID, "daily_budget": set.Limits.DailyBudget, "day": day},
	})
	if err != nil {
		m.deps.Log.Error("budget webhook not stored", slog.String("site_id", site.ID), slog.Any("err", err))
	}
}
