package servertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/standard"
)

// AdminToken is the operator's token of every test server.
const AdminToken = "test-admin-token"

// Config is the default configuration (as with no environment at all),
// with AdminToken.
func Config() config.Config {
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	cfg.AdminToken = AdminToken
	return cfg
}

// FastCalls makes the simulator's calls take milliseconds.
var FastCalls = sim.Delays{Ring: 20 * time.Millisecond, Answer: 40 * time.Millisecond,
	Press: 40 * time.Millisecond, Talk: 150 * time.Millisecond}

// Modules are the binary's modules (widgets/standard) for cfg, with
// telephony placing calls through prov.
func Modules(cfg config.Config, prov callback.Provider) []widgets.Module {
	return standard.Modules(cfg, prov)
}

// Options tune Start; the zero value is a server with Modules and
// FastCalls.
type Options struct {
	// Config changes the configuration before the server starts.
	Config func(*config.Config)
	// Modules replace the default modules; given the final configuration.
	Modules func(cfg config.Config) []widgets.Module
	// Server are further server options (Assets, WriteTimeout …); its
	// Logger, AdminTokenHash and Modules are filled in.
	Server server.Options
	// Demo creates the demo site (with the modules' demo widgets) and
	// makes the public URL the server's own address, as cmd/beckon does.
	Demo bool
	// OwnPublicURL makes the public URL the server's own address without
	// a demo site: a telephony provider built in Modules calls it back.
	OwnPublicURL bool
}

// Server is a running test server.
type Server struct {
	T     testing.TB
	Srv   *server.Server
	Store store.Store
	Cfg   config.Config
	// Base is http://127.0.0.1:port of the listening app.
	Base string
	// DemoKey is the demo site's key when Options.Demo was set.
	DemoKey string
}

// Start runs a server on st on a loopback port until the test ends.
func Start(t testing.TB, st store.Store, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := Config()
	if opts.Demo || opts.OwnPublicURL {
		cfg.PublicURL = base
	}
	if opts.Config != nil {
		opts.Config(&cfg)
	}
	mods := Modules(cfg, sim.New(FastCalls))
	if opts.Modules != nil {
		mods = opts.Modules(cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hash, _, err := server.EnsureAdminToken(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := &Server{T: t, Store: st, Cfg: cfg, Base: base}
	if opts.Demo {
		if ts.DemoKey, _, err = server.EnsureDemoSite(ctx, st, cfg, mods); err != nil {
			t.Fatal(err)
		}
		opts.Server.DemoSiteKey = ts.DemoKey
	}
	so := opts.Server
	if so.Logger == nil {
		so.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	so.AdminTokenHash, so.Modules = hash, mods
	srv, err := server.New(ctx, cfg, st, so)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	ts.Srv = srv
	return ts
}
