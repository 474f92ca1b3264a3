package main

import (
	"context"
	"log/slog"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/store/redisstore"
)

// openStore is the one place that chooses the store: Redis when a URL is
// configured, the embedded store otherwise. Everything else sees store.Store.
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	if cfg.RedisURL != "" {
		redisstore.LogTo(slog.Default())
		return redisstore.Open(ctx, cfg.RedisURL)
	}
	return embedded.Open(cfg.DataDir)
}
