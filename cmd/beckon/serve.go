package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "time/tzdata" // site time zones work in minimal containers too

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/widgets/standard"
)

// shutdownGrace is how long in-flight requests may take after SIGTERM.
const shutdownGrace = 10 * time.Second

func serve(args []string) error {
	cfg, err := config.Load(args, os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("close store", slog.Any("err", err))
		}
	}()

	adminHash, generated, err := server.EnsureAdminToken(ctx, st, cfg)
	if err != nil {
		return err
	}
	if generated != "" {
		fmt.Printf("\nAdmin token (shown only this once; keep it, or set BECKON_ADMIN_TOKEN):\n\n    %s\n\n", generated)
	}
	if err := server.NormalizeStoredOrigins(ctx, st, log); err != nil {
		return err
	}
	prov, err := telephony(cfg, log)
	if err != nil {
		return err
	}
	mods := standard.Modules(cfg, prov)
	demoKey, created, err := server.EnsureDemoSite(ctx, st, cfg, mods)
	if err != nil {
		return err
	}
	if created {
		fmt.Printf("Demo site created. Open %s/demo, or paste its snippet into a page served from %s:\n\n    <script async src=\"%s/embed.js\" data-site=\"%s\"></script>\n\n",
			cfg.PublicURL, cfg.PublicOrigin(), cfg.PublicURL, demoKey)
	}
	if generated != "" {
		// The last words of a first start: where the owner goes next.
		fmt.Printf("Then open %s/app and sign in with the admin token above: it creates your account, and everything else is in the browser.\n\n", cfg.PublicURL)
	}

	srv, err := server.New(ctx, cfg, st, server.Options{Logger: log, AdminTokenHash: adminHash, DemoSiteKey: demoKey, Modules: mods})
	if err != nil {
		return err
	}
	listenErr := make(chan error, 1)
	go func() { listenErr <- srv.Listen(cfg.Addr) }()
	log.Info("beckon started", slog.String("addr", cfg.Addr), slog.String("store", st.Kind()), slog.String("public_url", cfg.PublicURL))

	select {
	case err := <-listenErr:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", slog.Duration("grace", shutdownGrace))
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
