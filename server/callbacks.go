package server

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// startCallbacks wires the callback bridge: intake, the engine and its
// workers, the provider's webhooks, owners' notifications and the progress
// streams' subscription. It runs until ctx ends; waitCallbacks waits.
func (s *Server) startCallbacks(ctx context.Context, opts Options) error {
	prov := opts.Telephony
	if prov == nil {
		prov = sim.New(sim.DefaultDelays)
	}
	s.notifier = notify.New(notify.Options{AllowPrivate: s.cfg.WebhookAllowPrivate, Logger: s.log})
	consumer := opts.Consumer
	if consumer == "" {
		host, _ := os.Hostname()
		consumer = host + "-" + itoa(os.Getpid()) + "-" + randomToken(4)
	}
	s.engine = callback.NewEngine(s.store, prov, callback.Options{
		Consumer: consumer, Workers: s.cfg.CallbackWorkers, Logger: s.log, Missed: s.missedCallback,
	})
	s.intake = &callback.Intake{St: s.store, Now: time.Now, BudgetSpent: s.budgetSpent}
	if b, ok := prov.(interface{ Bind(callback.Reporter) }); ok {
		b.Bind(s.engine)
	}
	if err := s.store.Subscribe(ctx, callback.ChangesChannel, func(p []byte) { s.hub.notify(string(p)) }); err != nil {
		return err
	}
	s.engineDone = make(chan struct{})
	go func() {
		defer close(s.engineDone)
		if s.cfg.CallbackWorkers > 0 {
			s.engine.Run(ctx)
		} else {
			// An intake-only replica: it stores requests and answers the
			// provider's webhooks; other replicas' workers dial.
			<-ctx.Done()
		}
		if c, ok := prov.(interface{ Close() }); ok {
			c.Close()
		}
	}()
	return nil
}

// mountTelephony registers the provider's webhooks, for providers that
// have them (Twilio).
func (s *Server) mountTelephony(app *fiber.App) {
	if m, ok := s.engine.Provider().(interface {
		Mount(fiber.Router, callback.Reporter)
	}); ok {
		m.Mount(app, s.engine)
	}
}

// waitCallbacks waits for the workers' jobs in hand and the notifications
// in flight, up to ctx.
func (s *Server) waitCallbacks(ctx context.Context) {
	select {
	case <-s.engineDone:
	case <-ctx.Done():
	}
	if err := s.notifier.Close(ctx); err != nil {
		s.log.Warn("webhooks still in flight at shutdown", slog.Any("err", err))
	}
}

// missedEvent is the body of a "callback.missed" webhook.
type missedEvent struct {
	SiteID    string             `json:"site_id"`
	Callback  string             `json:"callback_id"`
	Phone     string             `json:"phone"`
	Name      string             `json:"name,omitempty"`
	PageURL   string             `json:"page_url,omitempty"`
	Reason    string             `json:"reason"`
	CreatedAt time.Time          `json:"created_at"`
	Timeline  []store.Transition `json:"timeline"`
}

// missedCallback tells the site that a request ended without a
// conversation, so somebody calls the visitor by hand.
func (s *Server) missedCallback(ctx context.Context, site store.Site, set callback.Settings, c store.Callback) {
	if set.NotifyURL == "" {
		return
	}
	err := s.notifier.Send(ctx, notify.Webhook{URL: set.NotifyURL, Secret: set.NotifySecret}, "callback.missed", missedEvent{
		SiteID: site.ID, Callback: c.ID, Phone: c.Phone, Name: c.Name, PageURL: c.PageURL,
		Reason: c.Reason, CreatedAt: c.CreatedAt, Timeline: c.Timeline})
	if err != nil {
		s.log.Warn("missed-callback webhook", slog.String("callback_id", c.ID), slog.Any("err", err))
	}
}

// budgetSpent alerts the owner once a day when intake pauses.
func (s *Server) budgetSpent(ctx context.Context, site store.Site, set callback.Settings) {
	s.log.Warn("callback daily budget spent; intake paused until midnight", slog.String("site_id", site.ID),
		slog.Int("budget", set.Limits.DailyBudget))
	if set.NotifyURL == "" {
		return
	}
	err := s.notifier.Send(ctx, notify.Webhook{URL: set.NotifyURL, Secret: set.NotifySecret}, "callback.budget_spent",
		map[string]any{"site_id": site.ID, "daily_budget": set.Limits.DailyBudget})
	if err != nil {
		s.log.Warn("budget webhook", slog.String("site_id", site.ID), slog.Any("err", err))
	}
}
