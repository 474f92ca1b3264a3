package redisstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// slogLogger passes go-redis's own messages (failed dials, pool trouble) to
// slog, so they arrive as the JSON lines every other log line is, not as
// bare text on stderr.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(format, v...), slog.String("component", "go-redis"))
}

// LogTo sends go-redis's messages to log. go-redis has one logger for the
// whole process, so this is set once, at start.
func LogTo(log *slog.Logger) { redis.SetLogger(slogLogger{log: log}) }
