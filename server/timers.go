package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets/countdown"
)

// timerWidget is an enabled countdown widget with its settings, from the
// public config cache.
type timerWidget struct {
	widget store.Widget
	set    countdown.Settings
}

func timerWidgetOf(cfg *publicConfig, id string) (timerWidget, error) {
	for _, tw := range cfg.timers {
		if tw.widget.ID == id {
			return tw, nil
		}
	}
	return timerWidget{}, errNotFound("countdown widget")
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
func (s *Server) deadlineOf(c *fiber.Ctx, cfg *publicConfig, tw timerWidget, subject string, now time.Time) (time.Time, error) {
	if !tw.set.Evergreen() {
		return tw.set.SharedDeadline(now, cfg.loc), nil
	}
	d, _, err := s.store.StartDeadline(c.UserContext(), cfg.site.ID, tw.widget.ID, subject, now, tw.set.Duration(), tw.set.Cooldown())
	if err != nil {
		return time.Time{}, fmt.Errorf("server: timer deadline: %w", err)
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
func (s *Server) startTimer(c *fiber.Ctx) error {
	cfg := publicConfigOf(c)
	tw, err := timerWidgetOf(cfg, c.Params("widgetId"))
	if err != nil {
		return err
	}
	var in timerRequest
	if err := decodeBody(c, &in); err != nil {
		return err
	}
	subject, err := timerSubject(in.Recipient, in.VisitorID)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	deadline, err := s.deadlineOf(c, cfg, tw, subject, now)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"deadline": deadline.UTC().Format(time.RFC3339), "now": now.Format(time.RFC3339Nano),
		"state": countdown.StateAt(deadline, now)})
}

// timerStats is GET /api/v1/sites/{id}/widgets/{wid}/timer-stats: how many
// visitors started an evergreen timer, and how many still run or expired.
func (s *Server) timerStats(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := authorize(c, id, "widgets:read"); err != nil {
		return err
	}
	w, err := s.store.GetWidget(c.UserContext(), id, c.Params("wid"))
	if err != nil {
		return notFoundAs(err, "widget")
	}
	if w.Type != "countdown" {
		return errNotFound("countdown widget")
	}
	var set countdown.Settings
	if err := json.Unmarshal(w.Settings, &set); err != nil {
		return err
	}
	stats, err := s.store.TimerStats(c.UserContext(), id, w.ID, time.Now())
	if err != nil {
		return err
	}
	return c.Status(http.StatusOK).JSON(fiber.Map{"mode": set.Mode, "stats": stats})
}
