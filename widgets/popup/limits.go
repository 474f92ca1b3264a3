package popup

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

// Limits bound how many new leads one address and one visitor may leave
// per LeadWindow. A zero field takes its default; a negative one switches
// that limit off.
type Limits struct {
	LeadsPerIP      int
	LeadsPerVisitor int
}

// Default limits, as the quiz's: 4 leads per 20 minutes.
const (
	DefaultLeadsPerIP      = 4
	DefaultLeadsPerVisitor = 4
	LeadWindow             = 20 * time.Minute
	// InvalidLeadsFactor caps refused submissions from one address at
	// that many times LeadsPerIP per LeadWindow: typos cost a visitor
	// nothing, a script cannot probe forever.
	InvalidLeadsFactor = 3
)

func (l Limits) withDefaults() Limits {
	if l.LeadsPerIP == 0 {
		l.LeadsPerIP = DefaultLeadsPerIP
	}
	if l.LeadsPerVisitor == 0 {
		l.LeadsPerVisitor = DefaultLeadsPerVisitor
	}
	return l
}

var (
	leadsStored = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_popup_leads_total", Help: "Leads the pop-up form stored (retries of a stored lead not counted).",
	})
	leadsRefused = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_popup_leads_refused_total", Help: "Pop-up lead submissions refused, by reason: limited (too many from an address or visitor), honeypot (a bot filled the hidden field).",
	}, []string{"reason"})
)

// limit counts one more hit of name in the site's window and refuses it
// (429 with Retry-After) past most; most < 0 counts nothing.
func limit(ctx context.Context, c store.Counters, siteID, name string, most int) error {
	if most < 0 {
		return nil
	}
	n, left, err := c.Incr(ctx, siteID, "popup:"+name, LeadWindow)
	if err != nil {
		return fmt.Errorf("popup: count %s: %w", name, err)
	}
	if n > int64(most) {
		leadsRefused.WithLabelValues("limited").Inc()
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many requests from this address or visitor; try again later", RetryAfter: max(1, int(left.Seconds()+0.999))}
	}
	return nil
}

// leadAllowed counts a new lead by address and visitor.
func (m *Module) leadAllowed(ctx context.Context, siteID, ip, visitor string) error {
	if err := limit(ctx, m.deps.Store, siteID, "lead:ip:"+ip, m.opts.Limits.LeadsPerIP); err != nil {
		return err
	}
	return limit(ctx, m.deps.Store, siteID, "lead:visitor:"+visitor, m.opts.Limits.LeadsPerVisitor)
}

// refused counts a submission that failed its checks and returns err, or
// a 429 once the address has sent too many.
func (m *Module) refused(ctx context.Context, siteID, ip string, err error) error {
	per := m.opts.Limits.LeadsPerIP
	if per < 0 {
		return err
	}
	if lerr := limit(ctx, m.deps.Store, siteID, "invalid:ip:"+ip, InvalidLeadsFactor*per); lerr != nil {
		if _, ok := lerr.(*api.Error); ok {
			return lerr
		}
	}
	return err
}
