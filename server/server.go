// Package server is Beckon's HTTP surface: the admin API, the public widget
// API, the embed assets, health and metrics, on one Fiber app.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/embed"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/countdown/emailgif"
)

// gifCachedFrames bounds the e-mail timer frames kept in memory (about
// 400 bytes each, so up to ~100 MB when full; it fills only with use).
// Evergreen recipients each see their own second, so the cache should
// cover the spread of a campaign's deadlines: 250,000 frames hold about two
// days of distinct seconds for one style, where the renderer serves a GIF
// in microseconds instead of redrawing it.
const gifCachedFrames = 250_000

// adminBodyLimit bounds admin API bodies (a quiz with many questions is the
// largest); the public API has its own, smaller limit.
const adminBodyLimit = 1 << 20

// storeDeadline bounds the store calls of one request, all together: a
// store that does not answer by then gets the client a 503 (see
// storeUnavailable) well within two seconds, instead of a request that
// hangs for as long as the store does. A healthy store answers a request's
// calls in milliseconds, analytics over 20,000 requests in a few hundred.
const storeDeadline = 1500 * time.Millisecond

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
	stop      context.CancelFunc

	engine     *callback.Engine
	intake     *callback.Intake
	notifier   *notifications
	hub        *callbackHub
	engineDone chan struct{}
	gifs       *emailgif.Renderer

	writeTimeout    time.Duration
	streamHeartbeat time.Duration
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
	// Telephony places the callback bridge's calls; nil: the simulator.
	Telephony callback.Provider
	// Consumer names this replica in the callback queue; default: host,
	// pid and a random suffix.
	Consumer string
	// WriteTimeout bounds writing a response (default 15 s); a progress
	// stream, which lasts minutes, bounds each of its writes by it instead.
	WriteTimeout time.Duration
	// StreamHeartbeat is how often an idle progress stream sends a comment
	// line (default 15 s).
	StreamHeartbeat time.Duration
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
	if opts.StreamHeartbeat <= 0 {
		opts.StreamHeartbeat = defaultStreamHeartbeat
	}
	if opts.AdminTokenHash == "" {
		return nil, fmt.Errorf("server: no admin token hash")
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
		ctx:       ctx,
		stop:      stop,
		hub:       newCallbackHub(),
		gifs:      emailgif.NewRenderer(gifCachedFrames),

		writeTimeout:    opts.WriteTimeout,
		streamHeartbeat: opts.StreamHeartbeat,
	}
	s.cache = newConfigCache(s.loadPublicConfig)
	if err := s.subscribeConfigChanges(ctx); err != nil {
		stop()
		return nil, fmt.Errorf("server: subscribe to config changes: %w", err)
	}
	if err := s.startCallbacks(ctx, opts); err != nil {
		stop()
		return nil, fmt.Errorf("server: start the callback bridge: %w", err)
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
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	app := s.app
	app.Use(requestid.New(), s.observe, recover.New(), withStoreDeadline)

	app.Get("/healthz", s.healthz)
	app.Get("/metrics", serveMetrics)
	app.Get("/embed.js", s.assets.Loader)
	app.Get("/embed/:file", s.assets.Bundle)
	app.Get("/demo", s.demoPage)
	app.Get("/demo.js", s.demoScript)
	app.Get("/demo.css", s.demoStyle)
	app.Get("/api/openapi.json", serveOpenAPI)

	// Middleware is attached per route, not per group, so a request refused
	// by it (401, 403, 429) is still counted under its route in /metrics.
	api := func(method, path string, h fiber.Handler) {
		app.Add(method, "/api/v1"+path, s.authenticate, h)
	}
	api(fiber.MethodGet, "/sites", s.listSites)
	api(fiber.MethodPost, "/sites", s.createSite)
	api(fiber.MethodGet, "/sites/:id", s.getSite)
	api(fiber.MethodPatch, "/sites/:id", s.updateSite)
	api(fiber.MethodDelete, "/sites/:id", s.deleteSite)
	api(fiber.MethodGet, "/sites/:id/widgets", s.listWidgets)
	api(fiber.MethodPost, "/sites/:id/widgets", s.createWidget)
	api(fiber.MethodGet, "/sites/:id/widgets/:wid", s.getWidget)
	api(fiber.MethodPatch, "/sites/:id/widgets/:wid", s.updateWidget)
	api(fiber.MethodDelete, "/sites/:id/widgets/:wid", s.deleteWidget)
	api(fiber.MethodGet, "/sites/:id/keys", s.listKeys)
	api(fiber.MethodPost, "/sites/:id/keys", s.createKey)
	api(fiber.MethodDelete, "/sites/:id/keys/:kid", s.revokeKey)
	api(fiber.MethodGet, "/sites/:id/callbacks", s.listCallbacks)
	api(fiber.MethodGet, "/sites/:id/callbacks/:cid", s.getCallbackAdmin)
	api(fiber.MethodGet, "/sites/:id/analytics/callbacks", s.callbackAnalytics)
	api(fiber.MethodGet, "/sites/:id/widgets/:wid/timer-stats", s.timerStats)
	api(fiber.MethodGet, "/sites/:id/deliveries", s.listDeliveries)
	api(fiber.MethodPost, "/sites/:id/deliveries/:did/replay", s.replayDelivery)

	pub := func(method, path string, h fiber.Handler) {
		app.Add(method, "/w/v1/:siteKey"+path, s.rateLimit, s.publicSite, h)
	}
	pub(fiber.MethodOptions, "/*", preflight)
	pub(fiber.MethodGet, "/config", getConfig)
	pub(fiber.MethodPost, "/callbacks", s.createCallback)
	pub(fiber.MethodGet, "/callbacks/availability", s.callbackAvailability)
	pub(fiber.MethodGet, "/callbacks/:id", s.getCallback)
	pub(fiber.MethodGet, "/callbacks/:id/events", s.callbackEvents)
	pub(fiber.MethodPost, "/timers/:widgetId", s.startTimer)
	pub(fiber.MethodGet, "/timers/:widgetId/email.gif", s.timerGIF)

	s.mountTelephony(app)

	app.Use(func(c *fiber.Ctx) error { return errNotFound("route " + c.Method() + " " + c.Path()) })
}

// withStoreDeadline gives the request's context (c.UserContext, which
// handlers pass to the store) its deadline. A progress stream outlives its
// handler and uses contexts of its own.
func withStoreDeadline(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), storeDeadline)
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
	s.stop() // ends progress streams and the workers' claiming
	err := s.app.ShutdownWithContext(ctx)
	s.waitCallbacks(ctx)
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
