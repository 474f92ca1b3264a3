package proactive

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

// Limits bound how many new replies one address and one visitor may send
// per ReplyWindow. A zero field takes its default; a negative one switches
// that limit off.
type Limits struct {
	RepliesPerIP      int
	RepliesPerVisitor int
}

// Default limits, as the pop-up's and the quiz's: 4 per 20 minutes.
const (
	DefaultRepliesPerIP      = 4
	DefaultRepliesPerVisitor = 4
	ReplyWindow              = 20 * time.Minute
	// InvalidRepliesFactor caps refused replies from one address at that
	// many times RepliesPerIP per ReplyWindow: typos cost a visitor
	// nothing, a script cannot probe forever.
	InvalidRepliesFactor = 3
)

func (l Limits) withDefaults() Limits {
	if l.RepliesPerIP == 0 {
		l.RepliesPerIP = DefaultRepliesPerIP
	}
	if l.RepliesPerVisitor == 0 {
		l.RepliesPerVisitor = DefaultRepliesPerVisitor
	}
	return l
}

var (
	repliesStored = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_proactive_replies_total", Help: "Replies to proactive messages stored as leads (retries of a stored reply not counted).",
	})
	repliesRefused = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_proactive_replies_refused_total", Help: "Replies to proactive messages refused, by reason: limited (too many from an address or visitor), honeypot (a bot filled the hidden field).",
	}, []string{"reason"})
)

// limit counts one more hit of name in the site's window and refuses it
// (429 with Retry-After) past most; most < 0 counts nothing.
func limit(ctx context.Context, c store.Counters, siteID, name string, most int) error {
	if most < 0 {
		return nil
	}
	n, left, err := c.Incr(ctx, siteID, "proactive:"+name, ReplyWindow)
	if err != nil {
		return fmt.Errorf("proactive: count %s: %w", name, err)
	}
	if n > int64(most) {
		repliesRefused.WithLabelValues("limited").Inc()
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many replies from this address or visitor; try again later", RetryAfter: max(1, int(left.Seconds()+0.999))}
	}
	return nil
}

// replyAllowed counts a new reply by address and visitor.
func (m *Module) replyAllowed(ctx context.Context, siteID, ip, visitor string) error {
	if err := limit(ctx, m.deps.Store, siteID, "reply:ip:"+ip, m.opts.Limits.RepliesPerIP); err != nil {
		return err
	}
	return limit(ctx, m.deps.Store, siteID, "reply:visitor:"+visitor, m.opts.Limits.RepliesPerVisitor)
}

// refused counts a reply that failed its checks and returns err, or a 429
// once the address has sent too many.
func (m *Module) refused(ctx context.Context, siteID, ip string, err error) error {
	per := m.opts.Limits.RepliesPerIP
	if per < 0 {
		return err
	}
	if lerr := limit(ctx, m.deps.Store, siteID, "invalid:ip:"+ip, InvalidRepliesFactor*per); lerr != nil {
		if _, ok := lerr.(*api.Error); ok {
			return lerr
		}
	}
	return err
}
