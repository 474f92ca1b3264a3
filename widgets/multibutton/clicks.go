package multibutton

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// DefaultClicksPerIP bounds the clicks counted from one address per hour
// and site: far above what a person clicks, low enough that a script cannot
// make the owner's numbers up.
const DefaultClicksPerIP = 120

// clickWindow is the window of the per-address limit.
const clickWindow = time.Hour

// maxVisitorID bounds the visitor id a click carries, in characters.
const maxVisitorID = 64

var clicksCounted = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "beckon_multibutton_clicks_total",
	Help: "Clicks on multi-button channels counted, by channel type; refused ones (limited, unknown channel) not counted.",
}, []string{"type"})

// clickInput is the body of POST /w/v1/{siteKey}/widgets/{wid}/clicks.
type clickInput struct {
	// Channel is the channel's index in the settings (0, 1, …) or its type
	// ("telegram": the first channel of that type).
	Channel   json.RawMessage `json:"channel"`
	VisitorID string          `json:"visitor_id"`
}

// clickTally names the tally of a widget's clicks on one day (YYYY-MM-DD
// in the site's zone); its fields are channel keys.
func clickTally(widgetID, day string) string { return "multibutton_clicks:" + widgetID + ":" + day }

// postClick is POST /w/v1/{siteKey}/widgets/{wid}/clicks: a visitor chose a
// channel of the fan. It counts, and is the widget's conversion.
func (m *Module) postClick(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("multibutton widget")
	}
	var in clickInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	if err := validate.Line("visitor_id", in.VisitorID, false, maxVisitorID); err != nil {
		return err
	}
	ch, err := channelOf(w.Parsed.(*Settings), in.Channel)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	n, left, err := m.deps.Store.Incr(ctx, site.ID, "multibutton:clicks:ip:"+m.deps.ClientIP(c), clickWindow)
	if err != nil {
		return fmt.Errorf("multibutton: count an address's clicks: %w", err)
	}
	if n > int64(m.opts.ClicksPerIP) {
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many clicks from this address; try again later", RetryAfter: max(1, int(left.Seconds()+0.999))}
	}
	day := m.deps.Now().In(site.Loc).Format(time.DateOnly)
	if err := m.deps.Store.AddTally(ctx, site.ID, clickTally(w.ID, day), map[string]int64{ch.key(): 1}); err != nil {
		return fmt.Errorf("multibutton: count a click: %w", err)
	}
	clicksCounted.WithLabelValues(ch.Type).Inc()
	m.deps.Converted(ctx, site, w.ID, in.VisitorID)
	return c.SendStatus(http.StatusNoContent)
}

// channelOf finds the channel a click names: an index, or a type (its
// first channel).
func channelOf(s *Settings, raw json.RawMessage) (Channel, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return Channel{}, validate.Field("channel", "is required: the channel's index or type")
	}
	var i int
	if err := json.Unmarshal(raw, &i); err == nil {
		if i < 0 || i >= len(s.Channels) {
			return Channel{}, validate.Field("channel", "is not an index of this widget's channels (0–%d)", len(s.Channels)-1)
		}
		return s.Channels[i], nil
	}
	var typ string
	if err := json.Unmarshal(raw, &typ); err != nil {
		return Channel{}, validate.Field("channel", "must be the channel's index (a number) or type (a string)")
	}
	for _, ch := range s.Channels {
		if ch.Type == typ {
			return ch, nil
		}
	}
	return Channel{}, validate.Field("channel", "this widget has no %s channel", strconv.Quote(typ))
}
