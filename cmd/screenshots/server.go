package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/standard"
)

// adminToken is the operator's token of the throwaway server.
const adminToken = "screenshots-admin-token"

// instance is Beckon running in this process on a loopback port, on an
// embedded store in a temporary directory.
type instance struct {
	base    string
	cfg     config.Config
	st      store.Store
	srv     *server.Server
	modules []widgets.Module
}

// quickCalls are the simulator's delays: a visitor's test call ends in
// about a second.
var quickCalls = sim.Delays{Ring: 100 * time.Millisecond, Answer: 200 * time.Millisecond,
	Press: 200 * time.Millisecond, Talk: 500 * time.Millisecond}

// start opens the store in dir, lets seed fill it before the server reads
// it, and serves until ctx ends.
func start(ctx context.Context, dir string, seed func(context.Context, store.Store, []widgets.Module) error) (*instance, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg.AdminToken, cfg.PublicURL, cfg.DataDir = adminToken, base, dir
	st, err := embedded.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open the store: %w", err)
	}
	mods := standard.Modules(cfg, sim.New(quickCalls))
	if err := seed(ctx, st, mods); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	hash, _, err := server.EnsureAdminToken(ctx, st, cfg)
	if err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv, err := server.New(ctx, cfg, st, server.Options{Logger: log, AdminTokenHash: hash, Modules: mods})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	go srv.Serve(ln)
	return &instance{base: base, cfg: cfg, st: st, srv: srv, modules: mods}, nil
}

// stop ends the server and closes the store.
func (in *instance) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := in.srv.Shutdown(ctx); err != nil {
		slog.Warn("shutdown", slog.Any("err", err))
	}
	if err := in.st.Close(); err != nil {
		slog.Warn("close the store", slog.Any("err", err))
	}
}

// types are the widget types the server offers, in its order.
func (in *instance) types() []string {
	out := make([]string, len(in.modules))
	for i, m := range in.modules {
		out[i] = m.Type()
	}
	return out
}
