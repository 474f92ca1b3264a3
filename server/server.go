// Package server is Beckon's HTTP surface: the admin API, the public widget
// API, the embed assets, health and metrics, on one Fiber app.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/codepools"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/dashboard"
	"github.com/beckonhq/beckon/embed"
	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/leads"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/triggerstats"
	"github.com/beckonhq/beckon/widgets"
)

// adminBodyLimit bounds admin API bodies (a widget whose settings hold many
// steps is the largest); the public API has its own, smaller limit.
const adminBodyLimit = 1 << 20

// Server wires the store, caches and handlers into a Fiber app.
type Server struct {
	cfg       config.Config
	store     store.Store
	log       *slog.Logger
	assets    *embed.Assets
	app       *fiber.App
	cache     *configCache
	limiter   *ipLimiter
	adminHash string
	demoKey   string
	ctx       context.Context // ends at Shutdown
	clock     func() time.Time
	stop      context.CancelFunc

	// modules are the widget types served, by type name; order is the
	// module list's, kept for mounting and starting.
	modules  map[string]widgets.Module
	order    []widgets.Module
	notifier *notifications
	openAPI  []byte    // the document at /api/openapi.json, with the modules' routes
	seen     sightings // the install check's throttled writes (snippet_seen.go)

	views *viewCounter // the widgets' views for analytics (widget_views.go)

	accOnce sync.Once
	acc     *accounts.Service // dashboard sessions calling the API (auth_session.go)
}

// Options are the parts a caller may supply; zero values get defaults.
type Options struct {
	Logger *slog.Logger
	Assets *embed.Assets // default: the bundles compiled into the binary
	// AdminTokenHash is the SHA-256 (hex) of the operator's token; see
	// EnsureAdminToken.
	AdminTokenHash string
	// DemoSiteKey is the site the /demo page embeds; see EnsureDemoSite.
	DemoSiteKey string
	// Modules are the widget types this server offers, in order (see
	// widgets/standard). Each must have its bundle in Assets.
	Modules []widgets.Module
	// WriteTimeout bounds writing a response (default 15 s); a response
	// that streams for minutes bounds each of its writes by it instead.
	WriteTimeout time.Duration
	// Clock is the dashboard's clock (sessions, lockouts; nil: time.Now),
	// so tests move past a 14-day timeout without waiting.
	Clock func() time.Time
}

// New builds the server and starts its background work (cache invalidation
// subscription, rate-limiter sweeping) until Shutdown.
func New(ctx context.Context, cfg config.Config, st store.Store, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Assets == nil {
		opts.Assets = embed.Default()
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 15 * time.Second
	}
	if opts.AdminTokenHash == "" {
		return nil, fmt.Errorf("server: no admin token hash")
	}
	modules, err := moduleSet(opts.Modules, opts.Assets)
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(ctx)
	s := &Server{
		cfg:       cfg,
		store:     st,
		log:       opts.Logger,
		assets:    opts.Assets,
		limiter:   newIPLimiter(cfg.PublicRate, cfg.PublicBurst),
		adminHash: opts.AdminTokenHash,
		demoKey:   opts.DemoSiteKey,
		clock:     opts.Clock,
		ctx:       ctx,
		stop:      stop,
		modules:   modules,
		order:     opts.Modules,
		views:     newViewCounter(st, opts.Logger),
	}
	if s.openAPI, err = openAPIDocument(s.order, s.typeNames()); err != nil {
		stop()
		return nil, err
	}
	s.cache = newConfigCache(s.loadPublicConfig, s.siteKeyOf)
	if err := s.subscribeConfigChanges(ctx); err != nil {
		stop()
		return nil, fmt.Errorf("server: subscribe to config changes: %w", err)
	}
	if err := s.startNotifier(ctx); err != nil {
		stop()
		return nil, fmt.Errorf("server: notifications: %w", err)
	}
	go s.sweepLimiter(ctx)
	s.app = fiber.New(fiber.Config{
		AppName:               "beckon",
		BodyLimit:             adminBodyLimit,
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		// Params, headers and query values stay valid after the handler
		// returns: they end up as cache keys and in stored records, and
		// fasthttp otherwise reuses their bytes for the next request.
		Immutable:    true,
		ReadTimeout:  15 * time.Second,
		WriteTimeout: opts.WriteTimeout,
		IdleTimeout:  120 * time.Second,
	})
	s.app.Server().HeaderReceived = publicRequestLimits
	if err := s.routes(opts.WriteTimeout); err != nil {
		stop()
		return nil, err
	}
	if err := s.startModules(ctx); err != nil {
		stop()
		s.waitModules(context.Background())
		return nil, err
	}
	return s, nil
}

func (s *Server) routes(writeTimeout time.Duration) error {
	app := s.app
	app.Use(requestid.New(), s.observe, recover.New(), withStoreDeadline)

	app.Get("/healthz", s.healthz)
	app.Get("/metrics", serveMetrics)
	app.Get("/embed.js", s.assets.Loader)
	app.Get("/embed/:file", s.assets.Bundle)
	app.Get("/demo", s.demoPage)
	app.Get("/demo.js", s.demoScript)
	app.Get("/demo.css", s.demoStyle)
	app.Get("/api/openapi.json", s.serveOpenAPI)

	admin := adminRouter{app: app, auth: s.authenticate, audit: s.auditChange}
	adm := func(method, path string, h fiber.Handler) { admin.Add(method, path, h) }
	adm(fiber.MethodGet, "/sites", s.listSites)
	adm(fiber.MethodPost, "/sites", s.createSite)
	adm(fiber.MethodGet, "/sites/:id", s.getSite)
	adm(fiber.MethodPatch, "/sites/:id", s.updateSite)
	adm(fiber.MethodDelete, "/sites/:id", s.deleteSite)
	adm(fiber.MethodGet, "/sites/:id/widgets", s.listWidgets)
	adm(fiber.MethodPost, "/sites/:id/widgets", s.createWidget)
	adm(fiber.MethodGet, "/sites/:id/widgets/:wid", s.getWidget)
	adm(fiber.MethodPatch, "/sites/:id/widgets/:wid", s.updateWidget)
	adm(fiber.MethodDelete, "/sites/:id/widgets/:wid", s.deleteWidget)
	adm(fiber.MethodGet, "/sites/:id/keys", s.listKeys)
	adm(fiber.MethodPost, "/sites/:id/keys", s.createKey)
	adm(fiber.MethodDelete, "/sites/:id/keys/:kid", s.revokeKey)
	adm(fiber.MethodGet, "/sites/:id/deliveries", s.listDeliveries)
	adm(fiber.MethodPost, "/sites/:id/deliveries/:did/replay", s.replayDelivery)
	adm(fiber.MethodGet, "/sites/:id/channels", s.getChannels)
	adm(fiber.MethodPut, "/sites/:id/channels", s.putChannels)
	adm(fiber.MethodPost, "/sites/:id/channels/:kind/test", s.testChannel)
	leads.Mount(admin, leads.Deps{Store: s.store, Log: s.log, Ctx: s.ctx, WriteTimeout: writeTimeout, Modules: s.order})
	experiments.Mount(admin, s.experimentDeps())

	pub := publicRouter{app: app, guards: []fiber.Handler{s.rateLimit, s.publicSite}}
	pub.Add(fiber.MethodOptions, "/*", preflight)
	pub.Add(fiber.MethodGet, "/config", s.getConfig)
	codepools.Mount(admin, pub, codepools.Deps{Store: s.store, Log: s.log, ClientIP: s.clientIP, Conversions: s.experiments(), Variants: s})
	triggerstats.Mount(admin, pub, triggerstats.Deps{Store: s.store, Sites: s.cache, Log: s.log, ClientIP: s.clientIP})
	if err := dashboard.Mount(app, dashboard.Deps{Store: s.store, Log: s.log, Cfg: s.cfg, AdminTokenHash: s.adminHash, ClientIP: s.clientIP, Now: s.clock, Sites: dashboardSites{s}, Widgets: dashboardPreview{s}, Accounts: s.accounts(), Flush: s.flushQueued}); err != nil {
		return err
	}

	if err := s.mountModules(widgets.Routes{Public: pub, Admin: admin, Hooks: app}, writeTimeout); err != nil {
		return err
	}
	app.Use(func(c *fiber.Ctx) error { return api.NotFound(fmt.Sprintf("route %s %s", c.Method(), c.Path())) })
	return nil
}

// withStoreDeadline gives the request's context (c.UserContext, which
// handlers pass to the store) its deadline. A progress stream outlives its
// handler and uses contexts of its own.
func withStoreDeadline(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), api.StoreDeadline)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// App is the Fiber app, for tests and for Listen.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen(s.app.Config().Network, addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown, within the connection caps
// (BECKON_MAX_CONNS, lowered to fit the open-files limit, and
// BECKON_MAX_CONNS_PER_IP).
func (s *Server) Serve(ln net.Listener) error {
	total := connCap(s.cfg.MaxConns, openFilesLimit())
	if total < s.cfg.MaxConns {
		s.log.Warn("connection cap lowered to fit the open-files limit (raise ulimit -n for more)",
			slog.Int("max_conns", total), slog.Uint64("open_files_limit", openFilesLimit()))
	}
	return s.app.Listener(newConnLimitListener(ln, total, s.cfg.MaxConnsPerIP, s.trusted, s.log))
}

// Shutdown stops accepting connections, waits for in-flight requests up to
// ctx's deadline, and stops background work. The caller closes the store
// afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop() // ends the modules' background work and long responses
	err := s.app.ShutdownWithContext(ctx)
	s.waitModules(ctx)
	s.notifier.wait(ctx)
	return err
}

func (s *Server) sweepLimiter(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.limiter.sweep(now, 3*time.Minute)
		}
	}
}
