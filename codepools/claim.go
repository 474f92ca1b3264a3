package codepools

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// DefaultClaimsPerIP is how many claims one client address may make on one
// pool per hour when the widget does not say (widgets.CodeOffer): a
// household or an office behind one address fits, a script inventing
// visitor IDs gets 30 codes an hour, not the pool.
const DefaultClaimsPerIP = 30

// claimWindow is the guard's window.
const claimWindow = time.Hour

// maxVisitorID bounds a visitor ID, as the other widgets do.
const maxVisitorID = 64

var claims = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "beckon_code_claims_total",
	Help: "Visitors' promo code claims by result: shared (the widget's one code), code (from a pool), empty (none left), limited (the per-address guard).",
}, []string{"result"})

type claimInput struct {
	VisitorID string `json:"visitor_id"`
}

// claim is POST /w/v1/{siteKey}/widgets/{wid}/claim {"visitor_id"}: the
// visitor's promo code. A widget with a shared code gives it; one with a
// pool gives the visitor the code they got before or the next free one,
// and 410 pool_empty when none is left. A widget that gives no codes (or
// is off) is 404.
func (p *pools) claim(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Widget(c.Params("wid"))
	if !ok || !w.Enabled {
		return api.NotFound("widget")
	}
	var in claimInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	if err := validate.Line("visitor_id", in.VisitorID, true, maxVisitorID); err != nil {
		return err
	}
	// The visitor's A/B variant may name another code or pool: the code
	// handed out is the one the visitor was shown.
	settings := widgets.Deps{Variants: p.d.Variants}.SettingsFor(c.UserContext(), site, w, in.VisitorID)
	giver, ok := settings.(widgets.CodeGiver)
	if !ok {
		return api.NotFound("promo code of this widget")
	}
	offer, ok := giver.Codes()
	if !ok {
		return api.NotFound("promo code of this widget")
	}
	if offer.Shared != "" {
		claims.WithLabelValues("shared").Inc()
		p.converted(c, site, w.ID, in.VisitorID)
		return c.JSON(fiber.Map{"code": offer.Shared})
	}
	if err := p.guard(c, site.ID, offer); err != nil {
		return err
	}
	code, err := p.d.Store.ClaimCode(c.UserContext(), site.ID, offer.PoolID, in.VisitorID)
	switch {
	case errors.Is(err, store.ErrPoolEmpty):
		claims.WithLabelValues("empty").Inc()
		return poolEmpty()
	case errors.Is(err, store.ErrNotFound):
		// The owner deleted the pool the widget still names: to the
		// visitor that is a pool with nothing left.
		p.d.Log.Warn("widget names a code pool that does not exist", "site_id", site.ID, "widget_id", w.ID, "pool_id", offer.PoolID)
		claims.WithLabelValues("empty").Inc()
		return poolEmpty()
	case err != nil:
		return err
	}
	claims.WithLabelValues("code").Inc()
	p.converted(c, site, w.ID, in.VisitorID)
	return c.JSON(fiber.Map{"code": code})
}

// converted counts a claim for the widget's A/B experiment.
func (p *pools) converted(c *fiber.Ctx, site *widgets.Site, widgetID, visitorID string) {
	widgets.Deps{Conversions: p.d.Conversions}.Converted(c.UserContext(), site, widgetID, visitorID)
}

// guard counts the claims of the client's address on the pool in the
// store, so the bound holds across replicas. Every claim counts, a
// visitor's repeat too: the widget keeps its code and asks once.
func (p *pools) guard(c *fiber.Ctx, siteID string, offer widgets.CodeOffer) error {
	limit := offer.ClaimsPerIP
	if limit <= 0 {
		limit = DefaultClaimsPerIP
	}
	n, left, err := p.d.Store.Incr(c.UserContext(), siteID, "codeclaim:"+offer.PoolID+":"+p.d.ClientIP(c), claimWindow)
	if err != nil {
		return err
	}
	if n <= int64(limit) {
		return nil
	}
	claims.WithLabelValues("limited").Inc()
	retry := int(math.Ceil(left.Seconds()))
	return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited", RetryAfter: max(retry, 1),
		Message: fmt.Sprintf("too many promo code claims from this address; retry in %d s", max(retry, 1))}
}

func poolEmpty() error {
	return &api.Error{Status: http.StatusGone, Code: "pool_empty", Message: "every promo code of this offer has been handed out"}
}
