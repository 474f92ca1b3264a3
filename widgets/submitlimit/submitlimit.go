// Package submitlimit bounds how much one address and one visitor may send
// to a widget's public form (a pop-up's lead, a reply to a proactive
// message, a review and its photo). The counts live in the store, in the
// site's scope, so the bounds hold across replicas; past a bound the
// visitor gets 429 with Retry-After.
package submitlimit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

// Counter counts one widget type's submissions.
type Counter struct {
	Store store.Counters
	// Prefix keeps each widget type's counts apart: "popup".
	Prefix string
	// Window is how long a count runs from its first hit.
	Window time.Duration
	// Refused counts refusals by reason; Hit adds to "limited".
	Refused *prometheus.CounterVec
	// Message is the 429's message: "too many replies from this address
	// or visitor; try again later".
	Message string
}

// Hit counts one more hit of name (such as "lead:ip:" and the address) in
// the site's window and refuses it, 429 with Retry-After, past most;
// most < 0 counts nothing.
func (c Counter) Hit(ctx context.Context, siteID, name string, most int) error {
	if most < 0 {
		return nil
	}
	n, left, err := c.Store.Incr(ctx, siteID, c.Prefix+":"+name, c.Window)
	if err != nil {
		return fmt.Errorf("%s: count %s: %w", c.Prefix, name, err)
	}
	if n > int64(most) {
		c.Refused.WithLabelValues("limited").Inc()
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: c.Message, RetryAfter: max(1, int(left.Seconds()+0.999))}
	}
	return nil
}

// Invalid counts a submission from ip that failed its checks and returns
// err, or the 429 once the address has sent factor × perIP of them in the
// window: a visitor's typos cost nothing, a script cannot probe forever.
// perIP < 0 (limits off) counts nothing. A store that fails to count does
// not hide err.
func (c Counter) Invalid(ctx context.Context, siteID, ip string, perIP, factor int, err error) error {
	if perIP < 0 {
		return err
	}
	var limited *api.Error
	if lerr := c.Hit(ctx, siteID, "invalid:ip:"+ip, factor*perIP); errors.As(lerr, &limited) {
		return limited
	}
	return err
}
