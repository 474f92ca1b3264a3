package proactive

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/widgets/submitlimit"
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

// limited is the refusal past a limit: submitlimit answers with its
// message (a 429 with Retry-After). Written as the api.Error it becomes,
// so the catalogue of refusals (i18n/refusals) finds it and tells it in
// the dashboard's language.
var limited = api.Error{Message: "too many replies from this address or visitor; try again later"}

// limiter counts the replies.
func (m *Module) limiter() submitlimit.Counter {
	return submitlimit.Counter{Store: m.deps.Store, Prefix: "proactive", Window: ReplyWindow, Refused: repliesRefused,
		Message: limited.Message}
}

// replyAllowed counts a new reply by address and visitor.
func (m *Module) replyAllowed(ctx context.Context, siteID, ip, visitor string) error {
	if err := m.limiter().Hit(ctx, siteID, "reply:ip:"+ip, m.opts.Limits.RepliesPerIP); err != nil {
		return err
	}
	return m.limiter().Hit(ctx, siteID, "reply:visitor:"+visitor, m.opts.Limits.RepliesPerVisitor)
}

// refused counts a reply that failed its checks and returns err, or a 429
// once the address has sent too many.
func (m *Module) refused(ctx context.Context, siteID, ip string, err error) error {
	return m.limiter().Invalid(ctx, siteID, ip, m.opts.Limits.RepliesPerIP, InvalidRepliesFactor, err)
}
