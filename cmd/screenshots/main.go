// Command screenshots photographs every dashboard page and every widget,
// on a desktop (1280×800) and a phone (360×740), into docs/screenshots/:
//
//	go run ./cmd/screenshots
//
// It runs Beckon in this process on a throwaway embedded store, seeds a
// renovation company's site in Russian (seed.go), sets the operator up
// through /app/setup in a headless Chromium and opens the pages listed in
// pages.go. A listed page the server does not serve yet (404) is skipped
// with a note. It is a command rather than a test: it writes into the
// repository, needs Chromium, and takes half a minute, none of which
// `go test ./...` should do; TestEveryPageIsPhotographed keeps its list
// complete.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

func main() {
	out := flag.String("out", "docs/screenshots", "directory the PNGs are written to")
	chromium := flag.String("chromium", "", "Chromium's path (default: chromium, chromium-browser or google-chrome from PATH)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *out, *chromium); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out, chromium string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "beckon-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	now := time.Now().UTC()
	c := clock{day: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
	in, err := start(ctx, dir, func(ctx context.Context, st store.Store, mods []widgets.Module) error {
		return seedStore(ctx, st, mods, c)
	})
	if err != nil {
		return err
	}
	defer in.stop()
	v := values{"site": siteID, "lead_callback": leadCallback, "lead_quiz": leadQuiz}
	for _, typ := range in.types() {
		v["widget_"+typ] = widgetID(typ)
	}
	if err := seedAPI(ctx, in.st, in.base, c, v); err != nil {
		return err
	}
	b, err := newBrowser(ctx, chromium, in.base, out)
	if err != nil {
		return err
	}
	defer b.close()
	shot := &photographer{b: b, in: in, v: v}
	if err := shot.dashboard(ctx); err != nil {
		return err
	}
	if err := shot.widgets(ctx); err != nil {
		return err
	}
	// Only a run that took every listed picture knows which are stale.
	if shot.skipped == 0 {
		if err := b.removeStale(); err != nil {
			return err
		}
	}
	slog.Info("done", slog.String("dir", out), slog.Int("pictures", len(b.written)), slog.Int("skipped", shot.skipped))
	return nil
}
