package reviews

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// EventReviewCreated is the webhook event of a new review (pending).
const EventReviewCreated = notify.EventReviewCreated

const (
	storeStatusPublished = store.ReviewPublished
	storeStatusHidden    = store.ReviewHidden
	maxAnswer            = 2000
)

// announce sends the owner's webhook (the widget's notify_url) about a
// new review; idempotent by the review's id.
func (m *Module) announce(ctx context.Context, r store.Review) error {
	if m.deps.Notifier == nil {
		return nil
	}
	r.IP = "" // the owner's inbox has it; a webhook need not carry it
	return m.deps.Notifier.Publish(ctx, notify.Event{Type: EventReviewCreated, SiteID: r.SiteID, WidgetID: r.WidgetID,
		Key: r.ID, At: r.CreatedAt, Data: map[string]any{"review": r}})
}

// adminList is GET /api/v1/sites/{id}/reviews?status=&widget=&about=&cursor=&limit=.
func (m *Module) adminList(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, m.deps.Store, "leads:read")
	if err != nil {
		return err
	}
	f := store.ReviewFilter{WidgetID: c.Query("widget"), Status: c.Query("status"), About: c.Query("about"), Limit: 50}
	if f.Status != "" {
		if err := validate.OneOf("status", f.Status, store.ReviewPending, store.ReviewPublished, store.ReviewHidden); err != nil {
			return err
		}
	}
	for field, v := range map[string]string{"widget": f.WidgetID, "about": f.About} {
		if err := validate.Line(field, v, false, maxAbout); err != nil {
			return err
		}
	}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 500 {
			return validate.Field("limit", "must be 1 to 500")
		}
		f.Limit = n
	}
	if f.After, err = decodeCursor("cursor", c.Query("cursor")); err != nil {
		return err
	}
	want := f.Limit
	f.Limit++
	list, err := m.deps.Store.ListReviews(c.UserContext(), site.ID, f)
	if err != nil {
		return fmt.Errorf("reviews: list of site %s: %w", site.ID, err)
	}
	next := ""
	if len(list) > want {
		list = list[:want]
		next = encodeCursor(list[want-1])
	}
	if list == nil {
		list = []store.Review{}
	}
	return c.JSON(fiber.Map{"reviews": list, "next_cursor": next})
}

// moderate is POST /api/v1/sites/{id}/reviews/{rid}/publish and …/hide:
// the status changes, the customer's words do not.
func (m *Module) moderate(status string) fiber.Handler {
	action := map[string]string{store.ReviewPublished: "publish", store.ReviewHidden: "hide"}[status]
	return func(c *fiber.Ctx) error {
		return m.update(c, action, func(r *store.Review) error {
			r.Status = status
			if status == store.ReviewPublished && r.PublishedAt == nil {
				at := m.deps.Now().UTC()
				r.PublishedAt = &at
			}
			return nil
		})
	}
}

type answerInput struct {
	Text string `json:"text"`
}

// putAnswer is PUT /api/v1/sites/{id}/reviews/{rid}/answer: the owner's
// public answer, shown under the review.
func (m *Module) putAnswer(c *fiber.Ctx) error {
	var in answerInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	in.Text = strings.TrimSpace(in.Text)
	if err := validate.Text("text", in.Text, true, maxAnswer); err != nil {
		return err
	}
	return m.update(c, "answer", func(r *store.Review) error {
		r.Answer = &store.ReviewAnswer{Text: in.Text, At: m.deps.Now().UTC()}
		return nil
	})
}

// deleteAnswer is DELETE /api/v1/sites/{id}/reviews/{rid}/answer.
func (m *Module) deleteAnswer(c *fiber.Ctx) error {
	return m.update(c, "unanswer", func(r *store.Review) error {
		r.Answer = nil
		return nil
	})
}

// update applies an owner's change to one review and answers with it.
func (m *Module) update(c *fiber.Ctx, action string, fn func(*store.Review) error) error {
	site, err := api.AuthorizedSite(c, m.deps.Store, "leads:write")
	if err != nil {
		return err
	}
	r, err := m.deps.Store.UpdateReview(c.UserContext(), site.ID, c.Params("rid"), func(r *store.Review) error {
		r.UpdatedAt = m.deps.Now().UTC()
		return fn(r)
	})
	if errors.Is(err, store.ErrNotFound) {
		return api.NotFound("review")
	}
	if err != nil {
		return fmt.Errorf("reviews: %s review %s: %w", action, c.Params("rid"), err)
	}
	m.changed(c.UserContext(), site.ID)
	reviewsModerated.WithLabelValues(action).Inc()
	m.deps.Log.Info("review moderated", "site", site.ID, "review", r.ID, "action", action, "status", r.Status)
	return c.JSON(r)
}

// deleteReview is DELETE /api/v1/sites/{id}/reviews/{rid}: the review and
// its photo are gone (a customer withdrew the consent to publish), and
// the average and count no longer include it. Hiding keeps it; this does
// not.
func (m *Module) deleteReview(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, m.deps.Store, "leads:write")
	if err != nil {
		return err
	}
	err = m.deps.Store.DeleteReview(c.UserContext(), site.ID, c.Params("rid"))
	if errors.Is(err, store.ErrNotFound) {
		return api.NotFound("review")
	}
	if err != nil {
		return fmt.Errorf("reviews: delete review %s: %w", c.Params("rid"), err)
	}
	m.changed(c.UserContext(), site.ID)
	reviewsModerated.WithLabelValues("delete").Inc()
	m.deps.Log.Info("review deleted", "site", site.ID, "review", c.Params("rid"))
	return c.SendStatus(http.StatusNoContent)
}
