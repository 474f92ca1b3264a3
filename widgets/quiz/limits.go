package quiz

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

// Limits bound how often one address or one visitor may start a quiz and
// leave a lead. A zero field takes its default; a negative one switches
// that limit off (a load test from a few addresses, a kiosk).
type Limits struct {
	// LeadsPerIP and LeadsPerVisitor are new leads per LeadWindow (as
	// Marquiz: 4 per 20 minutes from one address). A retried submission of
	// the same session is the same lead and does not count.
	LeadsPerIP      int
	LeadsPerVisitor int
	// SessionsPerIP and SessionsPerVisitor are sessions started per
	// SessionWindow. An office behind one address starts many; a script
	// that starts thousands only fills the store.
	SessionsPerIP      int
	SessionsPerVisitor int
}

// Default limits, named so docs and code cannot drift.
const (
	DefaultLeadsPerIP         = 4
	DefaultLeadsPerVisitor    = 4
	DefaultSessionsPerIP      = 120
	DefaultSessionsPerVisitor = 30
	LeadWindow                = 20 * time.Minute
	SessionWindow             = time.Hour
	// InvalidLeadsFactor makes the cap on refused (invalid) lead
	// submissions from one address that many times LeadsPerIP per
	// LeadWindow: typos cost a visitor nothing, a script cannot probe
	// forever. The callback intake does the same.
	InvalidLeadsFactor = 3
)

// DefaultLimits are the limits of a module made without any.
var DefaultLimits = Limits{LeadsPerIP: DefaultLeadsPerIP, LeadsPerVisitor: DefaultLeadsPerVisitor,
	SessionsPerIP: DefaultSessionsPerIP, SessionsPerVisitor: DefaultSessionsPerVisitor}

// NoLimits switches every limit off.
var NoLimits = Limits{LeadsPerIP: -1, LeadsPerVisitor: -1, SessionsPerIP: -1, SessionsPerVisitor: -1}

func (l Limits) withDefaults() Limits {
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&l.LeadsPerIP, DefaultLeadsPerIP)
	fill(&l.LeadsPerVisitor, DefaultLeadsPerVisitor)
	fill(&l.SessionsPerIP, DefaultSessionsPerIP)
	fill(&l.SessionsPerVisitor, DefaultSessionsPerVisitor)
	return l
}

// limit counts one more hit of name in the site's window and refuses it
// (429 with Retry-After) past most; most < 0 counts nothing.
func limit(ctx context.Context, c store.Counters, siteID, name string, most int, window time.Duration) error {
	if most < 0 {
		return nil
	}
	n, left, err := c.Incr(ctx, siteID, "quiz:"+name, window)
	if err != nil {
		return fmt.Errorf("quiz: count %s: %w", name, err)
	}
	if n > int64(most) {
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many requests from this address or visitor; try again later", RetryAfter: max(1, int(left.Seconds()+0.999))}
	}
	return nil
}

// startAllowed counts a session start by ip and visitor.
func (m *Module) startAllowed(ctx context.Context, siteID, ip, visitor string) error {
	l := m.opts.Limits
	err := limit(ctx, m.deps.Store, siteID, "start:ip:"+ip, l.SessionsPerIP, SessionWindow)
	if err == nil {
		err = limit(ctx, m.deps.Store, siteID, "start:visitor:"+visitor, l.SessionsPerVisitor, SessionWindow)
	}
	countLimited("session", err)
	return err
}

// leadAllowed counts a new lead by ip and visitor.
func (m *Module) leadAllowed(ctx context.Context, siteID, ip, visitor string) error {
	l := m.opts.Limits
	err := limit(ctx, m.deps.Store, siteID, "lead:ip:"+ip, l.LeadsPerIP, LeadWindow)
	if err == nil {
		err = limit(ctx, m.deps.Store, siteID, "lead:visitor:"+visitor, l.LeadsPerVisitor, LeadWindow)
	}
	countLimited("lead", err)
	return err
}

// countLimited counts a refusal by the limits (an *api.Error; store
// errors are not refusals).
func countLimited(what string, err error) {
	if _, ok := err.(*api.Error); ok {
		limited.WithLabelValues(what).Inc()
	}
}

// refusedLead counts a lead submission that failed its checks and returns
// err, or a 429 once the address has sent too many; a count that fails
// does not hide which field was wrong.
func (m *Module) refusedLead(ctx context.Context, siteID, ip string, err error) error {
	per := m.opts.Limits.LeadsPerIP
	if per < 0 {
		return err
	}
	if lerr := limit(ctx, m.deps.Store, siteID, "invalid:ip:"+ip, InvalidLeadsFactor*per, LeadWindow); lerr != nil {
		if ae, ok := lerr.(*api.Error); ok {
			countLimited("invalid_lead", ae)
			return ae
		}
	}
	return err
}
