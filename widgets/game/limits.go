package game

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
)

// ipWindow is the window of Settings.IPLimit.
const ipWindow = 24 * time.Hour

var (
	draws = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_game_draws_total",
		Help: "Game draws by outcome: prize, none (a new draw without a prize), repeat (a player who drew before got that draw again).",
	}, []string{"outcome"})
	drawsLimited = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_game_draws_limited_total", Help: "New game draws refused because their address reached the widget's daily ip_limit.",
	})
	codesPending = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_game_codes_pending_total", Help: "Prizes won whose code pool had no code left (the owner sends the code by hand).",
	})
	leadsStored = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_game_leads_total", Help: "Leads the game stored (one per draw).",
	})
)

// ipAllowed counts one new draw of the address for the widget and refuses
// it (429 with Retry-After) past most a day; most 0 is no limit. The
// counter lives in the store, so the bound holds across replicas.
func (m *Module) ipAllowed(ctx context.Context, siteID, widgetID, ip string, most int) error {
	if most <= 0 {
		return nil
	}
	n, left, err := m.deps.Store.Incr(ctx, siteID, "game:ip:"+widgetID+":"+ip, ipWindow)
	if err != nil {
		return fmt.Errorf("game: count draws of %s: %w", ip, err)
	}
	if n <= int64(most) {
		return nil
	}
	drawsLimited.Inc()
	return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited", RetryAfter: max(1, int(left.Seconds()+0.999)),
		Message: fmt.Sprintf("this address has played %d times today, the game's limit; try again tomorrow", most)}
}
