package socialproof

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// maxEventsPerCall bounds one POST of events.
const maxEventsPerCall = 100

type eventsInput struct {
	Events []eventInput `json:"events"`
}

// postEvents is POST /api/v1/sites/{id}/events: the owner's server reports
// real events. Every event is checked before any is stored, so a call
// with one bad event stores nothing; ids seen before change nothing.
func (m *Module) postEvents(c *fiber.Ctx) error {
	siteID := c.Params("id")
	if err := api.Authorize(c, siteID, "events:write"); err != nil {
		return err
	}
	var in eventsInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	switch {
	case len(in.Events) == 0:
		return validate.Field("events", "at least one event is required")
	case len(in.Events) > maxEventsPerCall:
		return validate.Field("events", "at most %d events per call; send the rest in another", maxEventsPerCall)
	}
	now := m.deps.Now().UTC()
	evs := make([]store.Event, len(in.Events))
	for i, e := range in.Events {
		ev, err := e.toEvent(eventsField(i), now)
		if err != nil {
			return err
		}
		ev.Source = "api"
		evs[i] = ev
	}
	added, err := m.addEvents(c.UserContext(), siteID, evs)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	return c.Status(http.StatusAccepted).JSON(fiber.Map{"accepted": len(added), "duplicates": len(evs) - len(added)})
}

// listEvents is GET /api/v1/sites/{id}/events?limit=N: the site's kept
// events, newest first, names as sent. It needs leads:read, not
// widgets:read: the events hold the owner's customers' names, which is
// what leads:read guards for callback requests.
func (m *Module) listEvents(c *fiber.Ctx) error {
	siteID := c.Params("id")
	if err := api.Authorize(c, siteID, "leads:read"); err != nil {
		return err
	}
	limit := 50
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > store.EventsKept {
			return validate.Field("limit", "must be a number between 1 and %d", store.EventsKept)
		}
		limit = n
	}
	if _, err := m.deps.Store.GetSite(c.UserContext(), siteID); err != nil {
		return api.NotFoundAs(err, "site")
	}
	list, err := m.deps.Store.RecentEvents(c.UserContext(), siteID, limit)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.Event{}
	}
	return c.JSON(fiber.Map{"events": list})
}

// deleteEventAPI is DELETE /api/v1/sites/{id}/events/{eid}: the event goes
// from the store and from every open page.
func (m *Module) deleteEventAPI(c *fiber.Ctx) error {
	siteID := c.Params("id")
	if err := api.Authorize(c, siteID, "events:write"); err != nil {
		return err
	}
	if err := m.deleteEvent(c.UserContext(), siteID, c.Params("eid")); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return api.NotFound("event")
		}
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}
