package triggerstats

import (
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// The events the engine reports about a showing it caused.
const (
	Shown     = "shown"     // on screen because of a trigger
	Closed    = "closed"    // closed without converting: a dismissal
	Converted = "converted" // the visitor converted in it
)

// Bounds of an event.
const (
	maxVisitorID = 64
	maxPage      = 300
	maxSource    = 100
)

var events = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "beckon_trigger_events_total",
	Help: "Trigger analytics events stored, by event (shown, closed, converted), and limited: refused by the per-address limit.",
}, []string{"event"})

// eventInput is the body of POST …/trigger-events.
type eventInput struct {
	VisitorID string `json:"visitor_id"`
	Event     string `json:"event"`
	Trigger   string `json:"trigger"`
	Page      string `json:"page"`
	Source    string `json:"source"`
}

func (in *eventInput) check() error {
	if err := validate.Line("visitor_id", in.VisitorID, true, maxVisitorID); err != nil {
		return err
	}
	if err := validate.OneOf("event", in.Event, Shown, Closed, Converted); err != nil {
		return err
	}
	if !triggers.Known(in.Trigger) {
		return validate.Field("trigger", "must be a trigger type (time_on_page, exit_intent, push, …)")
	}
	if !strings.HasPrefix(in.Page, "/") {
		return validate.Field("page", "must be a path starting with /")
	}
	if err := validate.Line("page", in.Page, true, maxPage); err != nil {
		return err
	}
	if err := validate.Line("source", in.Source, true, maxSource); err != nil {
		return err
	}
	in.Source = strings.ToLower(in.Source)
	return nil
}

// event is POST /w/v1/{siteKey}/widgets/{wid}/trigger-events: one event
// of a showing the trigger engine caused, counted for today in the site's
// time zone. The engine sends it with navigator.sendBeacon, whose string
// body is text/plain (a request without a CORS preflight): the body is JSON
// whether it says text/plain or application/json.
func (s *stats) event(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Widget(c.Params("wid"))
	if !ok || !w.Enabled || triggers.Of(w.Parsed) == nil {
		return api.NotFound("widget with triggers")
	}
	if err := plainOrJSON(string(c.Request().Header.ContentType())); err != nil {
		return err
	}
	var in eventInput
	if err := validate.DecodeJSON(c.Body(), &in); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	now := s.d.Now()
	if ok, retry := s.limit.allow(s.d.ClientIP(c), now); !ok {
		events.WithLabelValues("limited").Inc()
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited", RetryAfter: retry,
			Message: fmt.Sprintf("too many trigger events from this address; retry in %d s", retry)}
	}
	day := now.In(site.Loc).Format("2006-01-02")
	ctx := c.UserContext()
	page, err := s.fields.admit(ctx, s.d.Store, site.ID, w.ID, day, pageField, in.Page)
	if err != nil {
		return err
	}
	source, err := s.fields.admit(ctx, s.d.Store, site.ID, w.ID, day, sourceField, in.Source)
	if err != nil {
		return err
	}
	deltas := map[string]int64{
		in.Event + sep + in.Trigger:                 1,
		pageField + sep + page + sep + in.Event:     1,
		sourceField + sep + source + sep + in.Event: 1,
	}
	if err := s.d.Store.AddTally(ctx, site.ID, tallyName(w.ID, day), deltas); err != nil {
		return err
	}
	events.WithLabelValues(in.Event).Inc()
	return c.SendStatus(http.StatusNoContent)
}

// plainOrJSON accepts no Content-Type, application/json and text/plain
// (what sendBeacon sends for a string), in UTF-8.
func plainOrJSON(header string) error {
	if strings.TrimSpace(header) == "" {
		return nil
	}
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || (mt != fiber.MIMEApplicationJSON && mt != fiber.MIMETextPlain) {
		return &api.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("Content-Type %q is not accepted; send application/json or text/plain", header)}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return &api.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("charset %q is not accepted; JSON is sent as UTF-8", cs)}
	}
	return nil
}
