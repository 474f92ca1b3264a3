package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/embed"
	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/widgets"
)

// moduleSet indexes the modules by type, refusing a list the API could not
// serve honestly: two modules of one type, or a type with no built bundle
// (a widget an owner could switch on and no visitor would see).
func moduleSet(list []widgets.Module, assets *embed.Assets) (map[string]widgets.Module, error) {
	set := make(map[string]widgets.Module, len(list))
	for _, m := range list {
		if _, dup := set[m.Type()]; dup {
			return nil, fmt.Errorf("server: two modules of widget type %q", m.Type())
		}
		if _, ok := assets.BundleURL(m.Bundle()); !ok {
			return nil, fmt.Errorf("server: widget type %q has no bundle %q in the embedded assets; run npm run build in embed/", m.Type(), m.Bundle())
		}
		set[m.Type()] = m
	}
	return set, nil
}

// mountModules hands every module its dependencies and routers.
func (s *Server) mountModules(r widgets.Routes, writeTimeout time.Duration) error {
	deps := widgets.Deps{
		Store: s.store, Log: s.log, Now: time.Now, Sites: s.cache, Activities: &widgets.Activities{}, Notifier: s.notifier.Sender,
		ClientIP: s.clientIP, WriteTimeout: writeTimeout, PublicURL: s.cfg.PublicURL, Conversions: s.experiments(), Variants: s,
	}
	for _, m := range s.order {
		if err := m.Mount(deps, r); err != nil {
			return fmt.Errorf("server: mount the %s widget: %w", m.Type(), err)
		}
	}
	return nil
}

// startModules starts the modules' background work, which runs until ctx
// ends (Shutdown).
func (s *Server) startModules(ctx context.Context) error {
	s.experiments().Start(ctx) // the A/B exposures' background writer
	s.views.Start(ctx)         // the widgets' views' background writer
	for _, m := range s.order {
		if r, ok := m.(widgets.Runner); ok {
			if err := r.Start(ctx); err != nil {
				return fmt.Errorf("server: start the %s widget: %w", m.Type(), err)
			}
		}
	}
	return nil
}

// waitModules waits for the modules' background work to stop, up to ctx.
func (s *Server) waitModules(ctx context.Context) {
	// After the last request: the exposures still queued are written
	// before the store is closed.
	defer s.experiments().Wait(ctx)
	defer s.views.Wait(ctx)
	for _, m := range s.order {
		if r, ok := m.(widgets.Runner); ok {
			r.Wait(ctx)
		}
	}
}

// publicRouter adds routes under /w/v1/{siteKey}, each behind guards.
// Middleware is attached per route, not per group, so a request refused
// by it (403, 404, 429) is still counted under its route in /metrics.
type publicRouter struct {
	app    *fiber.App
	guards []fiber.Handler
}

func (p publicRouter) Add(method, path string, handlers ...fiber.Handler) fiber.Router {
	return p.app.Add(method, "/w/v1/:siteKey"+path, append(append([]fiber.Handler{}, p.guards...), handlers...)...)
}

// adminRouter adds routes under /api/v1, each behind authentication and
// the audit of changes.
type adminRouter struct {
	app   *fiber.App
	auth  fiber.Handler
	audit fiber.Handler
}

func (a adminRouter) Add(method, path string, handlers ...fiber.Handler) fiber.Router {
	return a.app.Add(method, "/api/v1"+path, append([]fiber.Handler{a.auth, a.audit}, handlers...)...)
}

// experiments is the A/B experiments' recorder of exposures (by /config)
// and conversions (by the modules), made once and kept by the cache.
func (s *Server) experiments() *experiments.Service {
	if s.cache.exposures == nil {
		s.cache.exposures = experiments.NewService(s.store, s.log)
	}
	return s.cache.exposures
}

// experimentDeps are the experiments API's dependencies.
func (s *Server) experimentDeps() experiments.Deps {
	return experiments.Deps{Store: s.store, Modules: s.modules, Now: time.Now, Flush: s.experiments().Flush,
		Changed: func(ctx context.Context, siteKey string) { s.configChanged(ctxOnly{ctx}, siteKey) },
	}
}

// ctxOnly gives a context the shape configChanged takes from a request.
type ctxOnly struct{ ctx context.Context }

func (c ctxOnly) UserContext() context.Context { return c.ctx }

// flushQueued writes what this replica still queues for the owner's
// reports (A/B exposures, widget views), so a dashboard page read right
// after counts every visitor served.
func (s *Server) flushQueued(ctx context.Context) {
	s.experiments().Flush(ctx)
	s.views.Flush(ctx)
}
