package callback

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// maxListLimit bounds one page of requests (?limit=).
const maxListLimit = 500

// listCallbacks is GET /api/v1/sites/{id}/callbacks?before=…&limit=…: the
// site's requests with their timelines, newest first. next_before pages on.
func (m *Module) listCallbacks(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, "leads:read"); err != nil {
		return err
	}
	limit := 50
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return validate.Field("limit", "must be a number from 1 to %d", maxListLimit)
		}
		limit = n
	}
	var before time.Time
	if v := c.Query("before"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return validate.Field("before", "must be an RFC 3339 time")
		}
		before = t
	}
	if _, err := m.deps.Store.GetSite(c.UserContext(), id); err != nil {
		return api.NotFoundAs(err, "site")
	}
	list, err := m.deps.Store.ListCallbacks(c.UserContext(), id, before, limit)
	if err != nil {
		return err
	}
	resp := fiber.Map{"callbacks": list}
	if len(list) == limit {
		resp["next_before"] = list[len(list)-1].CreatedAt.Format(time.RFC3339Nano)
	}
	return c.JSON(resp)
}

// getCallbackAdmin is GET /api/v1/sites/{id}/callbacks/{cid}: one request
// with its timeline and legs.
func (m *Module) getCallbackAdmin(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, "leads:read"); err != nil {
		return err
	}
	cb, err := m.deps.Store.GetCallback(c.UserContext(), id, c.Params("cid"))
	if err != nil {
		return api.NotFoundAs(err, "callback request")
	}
	return c.JSON(cb)
}

// maxAnalyticsDays bounds the analytics window (?days=): a year.
const maxAnalyticsDays = 366

// analyticsWindowMax bounds how many requests one analytics call reads.
const analyticsWindowMax = 20000

// analytics is GET /api/v1/sites/{id}/analytics/callbacks?days=30:
// requests, connected rate and median seconds to the manager's ring and to
// the connection, in total, per manager and per traffic source.
func (m *Module) analytics(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, "leads:read"); err != nil {
		return err
	}
	days := 30
	if v := c.Query("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAnalyticsDays {
			return validate.Field("days", "must be a number from 1 to %d", maxAnalyticsDays)
		}
		days = n
	}
	if _, err := m.deps.Store.GetSite(c.UserContext(), id); err != nil {
		return api.NotFoundAs(err, "site")
	}
	since := time.Now().AddDate(0, 0, -days)
	var window []store.Callback
	var before time.Time
	for len(window) < analyticsWindowMax {
		page, err := m.deps.Store.ListCallbacks(c.UserContext(), id, before, 500)
		if err != nil {
			return err
		}
		done := len(page) < 500
		for _, cb := range page {
			if cb.CreatedAt.Before(since) {
				done = true
				break
			}
			window = append(window, cb)
		}
		if done || len(page) == 0 {
			break
		}
		before = page[len(page)-1].CreatedAt
	}
	return c.Status(http.StatusOK).JSON(fiber.Map{"days": days, "since": since.UTC().Format(time.RFC3339),
		"analytics": Analyze(window)})
}
