package countdown

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// timerOf finds the site's enabled countdown widget id.
func timerOf(site *widgets.Site, id string) (widgets.Widget, *Settings, error) {
	w, ok := site.Enabled(widgetType, id)
	if !ok || id == "" {
		return widgets.Widget{}, nil, api.NotFound("countdown widget")
	}
	return w, w.Parsed.(*Settings), nil
}

// timerSubject names whose deadline an evergreen timer keeps: an e-mail
// recipient (carried in links as ?bk_r= and in the GIF's URL) when known,
// so the site and the e-mail agree, else the visitor.
func timerSubject(recipient, visitor string) (string, error) {
	if recipient != "" {
		if err := validate.Line("recipient", recipient, true, 64); err != nil {
			return "", err
		}
		return "r:" + recipient, nil
	}
	if err := validate.Line("visitor_id", visitor, true, 64); err != nil {
		return "", err
	}
	return "v:" + visitor, nil
}

// deadlineOf is the subject's deadline: computed for fixed and recurring
// timers, got or started in the store for evergreen ones.
func (m *Module) deadlineOf(c *fiber.Ctx, site *widgets.Site, w widgets.Widget, set *Settings, subject string, now time.Time) (time.Time, error) {
	if !set.Evergreen() {
		return set.SharedDeadline(now, site.Loc), nil
	}
	d, _, err := m.deps.Store.StartDeadline(c.UserContext(), site.ID, w.ID, subject, now, set.Duration(), set.Cooldown())
	if err != nil {
		return time.Time{}, fmt.Errorf("countdown: timer deadline: %w", err)
	}
	return d, nil
}

type timerRequest struct {
	VisitorID string `json:"visitor_id"`
	Recipient string `json:"recipient"`
}

// startTimer is POST /w/v1/{siteKey}/timers/{widgetId}: the visitor's
// deadline, started on the first call for evergreen timers, with the
// server's clock so the widget does not trust the visitor's.
func (m *Module) startTimer(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, set, err := timerOf(site, c.Params("widgetId"))
	if err != nil {
		return err
	}
	var in timerRequest
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	subject, err := timerSubject(in.Recipient, in.VisitorID)
	if err != nil {
		return err
	}
	now := m.deps.Now().UTC()
	deadline, err := m.deadlineOf(c, site, w, set, subject, now)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"deadline": deadline.UTC().Format(time.RFC3339), "now": now.Format(time.RFC3339Nano),
		"state": StateAt(deadline, now)})
}

// timerStats is GET /api/v1/sites/{id}/widgets/{wid}/timer-stats: how many
// visitors started an evergreen timer, and how many still run or expired.
func (m *Module) timerStats(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, "widgets:read"); err != nil {
		return err
	}
	w, err := m.deps.Store.GetWidget(c.UserContext(), id, c.Params("wid"))
	if err != nil {
		return api.NotFoundAs(err, "widget")
	}
	if w.Type != widgetType {
		return api.NotFound("countdown widget")
	}
	var set Settings
	if err := json.Unmarshal(w.Settings, &set); err != nil {
		return err
	}
	stats, err := m.deps.Store.TimerStats(c.UserContext(), id, w.ID, m.deps.Now())
	if err != nil {
		return err
	}
	return c.Status(http.StatusOK).JSON(fiber.Map{"mode": set.Mode, "stats": stats})
}
