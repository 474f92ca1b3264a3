package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// endpointLookupTimeout bounds the read of a widget's webhook before an
// attempt; a notification whose lookup fails is tried again after its lease.
const endpointLookupTimeout = 5 * time.Second

// notifications is the owners' webhook sender, delivering from the store's
// outbox, and the end of its Run.
type notifications struct {
	*notify.Sender
	done chan struct{}
}

// startNotifier starts delivering owners' webhooks until ctx ends. The
// operator's BECKON_WEBHOOK_ALLOW_PRIVATE also decides which notify_url
// values are accepted on save.
func (s *Server) startNotifier(ctx context.Context) {
	callback.AllowPrivateWebhooks.Store(s.cfg.WebhookAllowPrivate)
	n := &notifications{
		Sender: notify.New(s.store, s.webhookOf, notify.Options{AllowPrivate: s.cfg.WebhookAllowPrivate, Logger: s.log}),
		done:   make(chan struct{}),
	}
	go func() {
		defer close(n.done)
		n.Run(ctx)
	}()
	s.notifier = n
}

// wait waits for the attempts under way (each ends within the sender's
// timeout), up to ctx. One cut short is made again after its lease.
func (n *notifications) wait(ctx context.Context) {
	select {
	case <-n.done:
	case <-ctx.Done():
	}
}

// webhookOf is the sender's Endpoint: the widget's notify_url and
// notify_secret as they are now.
func (s *Server) webhookOf(ctx context.Context, siteID, widgetID string) (notify.Webhook, error) {
	ctx, cancel := context.WithTimeout(ctx, endpointLookupTimeout)
	defer cancel()
	w, err := s.store.GetWidget(ctx, siteID, widgetID)
	if errors.Is(err, store.ErrNotFound) {
		return notify.Webhook{}, notify.ErrNoEndpoint
	}
	if err != nil {
		return notify.Webhook{}, err
	}
	var set callback.Settings
	if err := json.Unmarshal(w.Settings, &set); err != nil || set.NotifyURL == "" {
		return notify.Webhook{}, notify.ErrNoEndpoint
	}
	return notify.Webhook{URL: set.NotifyURL, Secret: set.NotifySecret}, nil
}

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

// missedCallback tells the site that a request ended without a
// conversation, so somebody calls the visitor by hand. The message is in
// the outbox when this returns; its ID is the request's, so telling twice
// is one message.
func (s *Server) missedCallback(ctx context.Context, site store.Site, set callback.Settings, c store.Callback) error {
	if set.NotifyURL == "" {
		return nil
	}
	_, err := s.notifier.Send(ctx, notify.Message{
		ID:     notify.MessageID(site.ID + "/callback.missed/" + c.ID),
		SiteID: site.ID, WidgetID: c.WidgetID, EventType: "callback.missed", At: c.UpdatedAt,
		Payload: missedEvent{SiteID: site.ID, WidgetID: c.WidgetID, Callback: c.ID, Phone: c.Phone, Name: c.Name,
			PageURL: c.PageURL, Reason: c.Reason, CreatedAt: c.CreatedAt, Timeline: c.Timeline},
	})
	return err
}

// budgetSpent alerts the owner once a day when intake pauses.
func (s *Server) budgetSpent(ctx context.Context, site store.Site, set callback.Settings) {
	s.log.Warn("callback daily budget spent; intake paused until midnight", slog.String("site_id", site.ID),
		slog.Int("budget", set.Limits.DailyBudget))
	if set.NotifyURL == "" {
		return
	}
	widgetID, err := s.widgetWithWebhook(ctx, site.ID, set)
	if err == nil {
		day := time.Now().In(siteZone(site)).Format(time.DateOnly)
		_, err = s.notifier.Send(ctx, notify.Message{
			ID:     notify.MessageID(site.ID + "/callback.budget_spent/" + day),
			SiteID: site.ID, WidgetID: widgetID, EventType: "callback.budget_spent",
			Payload: map[string]any{"site_id": site.ID, "widget_id": widgetID, "daily_budget": set.Limits.DailyBudget, "day": day},
		})
	}
	if err != nil {
		s.log.Error("budget webhook not stored", slog.String("site_id", site.ID), slog.Any("err", err))
	}
}

// widgetWithWebhook finds the callback widget whose settings are set: the
// intake's hook is told the settings, not the widget.
func (s *Server) widgetWithWebhook(ctx context.Context, siteID string, set callback.Settings) (string, error) {
	list, err := s.store.ListWidgets(ctx, siteID)
	if err != nil {
		return "", err
	}
	for _, w := range list {
		var ws callback.Settings
		if w.Type == "callback" && json.Unmarshal(w.Settings, &ws) == nil &&
			ws.NotifyURL == set.NotifyURL && ws.NotifySecret == set.NotifySecret {
			return w.ID, nil
		}
	}
	return "", fmt.Errorf("no callback widget of site %s sends to this notify_url", siteID)
}

// siteZone is the site's time zone, UTC when it does not load.
func siteZone(site store.Site) *time.Location {
	if loc, err := time.LoadLocation(site.Timezone); err == nil {
		return loc
	}
	return time.UTC
}
