package callback

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// widgetOf finds the site's enabled callback widget: the one asked for,
// or the first when the request names none.
func widgetOf(site *widgets.Site, id string) (widgets.Widget, *Settings, error) {
	w, ok := site.Enabled(widgetType, id)
	if !ok {
		return widgets.Widget{}, nil, api.NotFound("callback widget")
	}
	return w, w.Parsed.(*Settings), nil
}

// createCallback is POST /w/v1/{siteKey}/callbacks: the visitor's request,
// stored before the 202.
func (m *Module) createCallback(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	var in Request
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	w, _, err := widgetOf(site, in.WidgetID)
	if err != nil {
		return err
	}
	// The request is checked (calling codes, consent text, hours) as the
	// visitor's A/B variant says, when the widget runs an experiment; the
	// call is placed to the widget's own managers.
	set := m.deps.SettingsFor(c.UserContext(), site, w, in.VisitorID).(*Settings)
	if in.Website != "" {
		// The honeypot: a bot filled the field people never see. It is told
		// what a person would be told, and nothing is stored or dialled.
		honeypotHits.Inc()
		return c.Status(http.StatusAccepted).JSON(fiber.Map{"id": NewID(), "status": StatusQueued})
	}
	stored, created, err := m.intake.Accept(c.UserContext(), site.Site, site.Loc, w.Widget, *set, in, m.deps.ClientIP(c))
	if err != nil {
		return err
	}
	m.deps.Converted(c.UserContext(), site, w.ID, in.VisitorID) // an A/B experiment counts the request
	if !created && stored.VisitorID != in.VisitorID {
		// Someone else's request to this number is under way. Its id would
		// only show this visitor a 404, and its progress is not theirs to see.
		return &api.Error{Status: http.StatusConflict, Code: "call_in_progress",
			Message: "a call to this number is already under way"}
	}
	return c.Status(http.StatusAccepted).JSON(fiber.Map{"id": stored.ID, "status": stored.Status, "duplicate": !created})
}

// callbackView is what the visitor who made a request may see of it: its
// progress, not the managers' names or numbers.
type callbackView struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	Reason    string     `json:"reason,omitempty"`
	Scheduled bool       `json:"scheduled"`
	DueAt     time.Time  `json:"due_at"`
	CreatedAt time.Time  `json:"created_at"`
	Now       time.Time  `json:"now"` // the server's clock, for the widget's counter
	Timeline  []stepView `json:"timeline"`
}

type stepView struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

func viewOf(cb store.Callback) callbackView {
	v := callbackView{ID: cb.ID, Status: cb.Status, Reason: cb.Reason, Scheduled: cb.Scheduled,
		DueAt: cb.DueAt, CreatedAt: cb.CreatedAt, Now: time.Now().UTC(), Timeline: []stepView{}}
	for _, t := range cb.Timeline {
		v.Timeline = append(v.Timeline, stepView{Status: t.Status, At: t.At})
	}
	return v
}

// visitorsCallback loads a request for the visitor who made it; anyone
// else gets 404, the same as for an id that does not exist.
func (m *Module) visitorsCallback(c *fiber.Ctx) (store.Callback, error) {
	cb, err := m.deps.Store.GetCallback(c.UserContext(), widgets.SiteOf(c).ID, c.Params("id"))
	if err != nil {
		return store.Callback{}, api.NotFoundAs(err, "callback request")
	}
	if vid := c.Query("visitor_id"); vid == "" || vid != cb.VisitorID {
		return store.Callback{}, api.NotFound("callback request")
	}
	return cb, nil
}

// getCallback is GET /w/v1/{siteKey}/callbacks/{id}?visitor_id=…, the
// widget's polling fallback.
func (m *Module) getCallback(c *fiber.Ctx) error {
	cb, err := m.visitorsCallback(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(viewOf(cb))
}

// availability is GET /w/v1/{siteKey}/callbacks/availability:
// whether "call me now" is possible, and the slots for "call me at …".
func (m *Module) availability(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	_, set, err := widgetOf(site, c.Query("widget_id"))
	if err != nil {
		return err
	}
	loc, now := site.Loc, m.deps.Now()
	slots := []string{}
	for _, t := range set.Slots(now, loc, 24) {
		slots = append(slots, t.Format(time.RFC3339))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"open": set.OpenAt(now, loc), "timezone": loc.String(), "slots": slots})
}
