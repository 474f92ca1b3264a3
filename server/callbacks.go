package server

import (
	"context"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
)

// startCallbacks wires the callback bridge: intake, the engine and its
// workers, the provider's webhooks, owners' notifications and the progress
// streams' subscription. It runs until ctx ends; waitCallbacks waits.
func (s *Server) startCallbacks(ctx context.Context, opts Options) error {
	prov := opts.Telephony
	if prov == nil {
		prov = sim.New(sim.DefaultDelays)
	}
	s.startNotifier(ctx)
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
	s.notifier.wait(ctx)
}
