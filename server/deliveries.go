package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/beckonhq/beckon/api"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// deliveryView is one attempt of the delivery log as the API shows it.
type deliveryView struct {
	WebhookID  string     `json:"webhook_id"` // the message; replay by it
	Channel    string     `json:"channel"`    // "widget" (its notify_url), "webhook", "telegram", "email", "bitrix24"
	EventType  string     `json:"event_type"`
	Attempt    int        `json:"attempt"`
	At         time.Time  `json:"at"`
	URL        string     `json:"url"`
	Status     int        `json:"status_code,omitempty"`
	Error      string     `json:"error,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	NextAt     *time.Time `json:"next_attempt_at"` // null: no further attempt
}

func viewDelivery(a store.DeliveryAttempt) deliveryView {
	v := deliveryView{WebhookID: a.NotificationID, Channel: a.Channel, EventType: a.EventType, Attempt: a.Attempt, At: a.At,
		URL: a.URL, Status: a.Status, Error: a.Error, DurationMS: a.Duration.Milliseconds()}
	if v.Channel == "" {
		v.Channel = "widget"
	}
	if !a.NextAt.IsZero() {
		v.NextAt = &a.NextAt
	}
	return v
}

// listDeliveries is GET /api/v1/sites/{id}/deliveries?limit=…: the site's
// notification attempts on every channel, newest first (the store keeps the newest 1000).
func (s *Server) listDeliveries(c *fiber.Ctx) error {
	limit := 100
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.DeliveryLogSize {
			return validate.Field("limit", "must be a number from 1 to %d", store.DeliveryLogSize)
		}
		limit = n
	}
	site, err := api.AuthorizedSite(c, s.store, "deliveries:read")
	if err != nil {
		return err
	}
	log, err := s.store.ListDeliveries(c.UserContext(), site.ID, limit)
	if err != nil {
		return err
	}
	views := make([]deliveryView, len(log))
	for i, a := range log {
		views[i] = viewDelivery(a)
	}
	return c.JSON(fiber.Map{"deliveries": views})
}

// replayDelivery is POST /api/v1/sites/{id}/deliveries/{did}/replay: the
// message {did} (a webhook_id of the log) is sent again now, with the same
// webhook-id and body, to the widget's current notify_url, and retried as
// a new one would be. 202: it is queued.
func (s *Server) replayDelivery(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "deliveries:write")
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	n, err := s.store.ReplayNotification(c.UserContext(), site.ID, c.Params("did"), now, now.Add(s.notifier.GiveUpAfter()))
	if err != nil {
		return api.NotFoundAs(err, "delivery")
	}
	s.notifier.Wake()
	return c.Status(http.StatusAccepted).JSON(fiber.Map{
		"webhook_id": n.ID, "event_type": n.EventType, "state": n.State, "attempts": n.Attempts,
		"next_attempt_at": n.NextAt, "give_up_at": n.GiveUpAt,
	})
}
