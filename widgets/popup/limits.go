package popup

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/widgets/submitlimit"
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

// limited is the refusal past a limit: submitlimit answers with its
// message (a 429 with Retry-After). Written as the api.Error it becomes,
// so the catalogue of refusals (i18n/refusals) finds it and tells it in
// the dashboard's language.
var limited = api.Error{Message: "too many requests from this address or visitor; try again later"}

// limiter counts the pop-up's submissions.
func (m *Module) limiter() submitlimit.Counter {
	return submitlimit.Counter{Store: m.deps.Store, Prefix: "popup", Window: LeadWindow, Refused: leadsRefused,
		Message: limited.Message}
}

// leadAllowed counts a new lead by address and visitor.
func (m *Module) leadAllowed(ctx context.Context, siteID, ip, visitor string) error {
	if err := m.limiter().Hit(ctx, siteID, "lead:ip:"+ip, m.opts.Limits.LeadsPerIP); err != nil {
		return err
	}
	return m.limiter().Hit(ctx, siteID, "lead:visitor:"+visitor, m.opts.Limits.LeadsPerVisitor)
}

// refused counts a submission that failed its checks and returns err, or
// a 429 once the address has sent too many.
func (m *Module) refused(ctx context.Context, siteID, ip string, err error) error {
	return m.limiter().Invalid(ctx, siteID, ip, m.opts.Limits.LeadsPerIP, InvalidLeadsFactor, err)
}
