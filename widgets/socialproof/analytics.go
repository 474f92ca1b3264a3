package socialproof

import (
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// noticeOnce is how long one visitor's impression or click of one notice
// counts once: a reload or another tab shows the same notice again, which
// is not another person seeing it.
const noticeOnce = 24 * time.Hour

type noticeInput struct {
	WidgetID  string `json:"widget_id"`
	VisitorID string `json:"visitor_id"`
	Action    string `json:"action"`
}

// countNotice is POST /w/v1/{siteKey}/live/notices/{eventId}: the widget
// reports that a visitor saw or clicked a notice. Only events the site
// keeps are counted, each once per visitor and action a day.
func (m *Module) countNotice(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	var in noticeInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	if _, ok := site.Enabled(widgetType, in.WidgetID); !ok || in.WidgetID == "" {
		return api.NotFound("social proof widget")
	}
	eventID := c.Params("eventId")
	for _, err := range []error{
		validate.Line("visitor_id", in.VisitorID, true, 64),
		validate.OneOf("action", in.Action, store.NoticeImpression, store.NoticeClick),
		validate.Line("event id", eventID, true, 128),
	} {
		if err != nil {
			return err
		}
	}
	ctx := c.UserContext()
	n, _, err := m.deps.Store.Incr(ctx, site.ID, "spn:"+in.Action+":"+in.VisitorID+":"+eventID, noticeOnce)
	if err != nil {
		return err
	}
	if n == 1 {
		if err := m.deps.Store.CountNotice(ctx, site.ID, eventID, in.Action); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return api.NotFound("event")
			}
			return err
		}
	}
	return c.SendStatus(http.StatusNoContent)
}

// noticeStats is one event's line of the analytics.
type noticeStats struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	Time        time.Time `json:"time"`
	Impressions int64     `json:"impressions"`
	Clicks      int64     `json:"clicks"`
}

// analytics is GET /api/v1/sites/{id}/analytics/social-proof: impressions
// and clicks of each kept event's notice, newest first, and their sums.
// Like the callback analytics it needs leads:read; it shows no names.
func (m *Module) analytics(c *fiber.Ctx) error {
	siteID := c.Params("id")
	if err := api.Authorize(c, siteID, "leads:read"); err != nil {
		return err
	}
	ctx := c.UserContext()
	if _, err := m.deps.Store.GetSite(ctx, siteID); err != nil {
		return api.NotFoundAs(err, "site")
	}
	evs, err := m.deps.Store.RecentEvents(ctx, siteID, store.EventsKept)
	if err != nil {
		return err
	}
	counts, err := m.deps.Store.NoticeStats(ctx, siteID)
	if err != nil {
		return err
	}
	list := make([]noticeStats, len(evs))
	var total store.NoticeCounts
	for i, e := range evs {
		n := counts[e.ID]
		list[i] = noticeStats{ID: e.ID, Type: e.Type, Time: e.Time, Impressions: n.Impressions, Clicks: n.Clicks}
		total.Impressions += n.Impressions
		total.Clicks += n.Clicks
	}
	return c.JSON(fiber.Map{"notices": list, "totals": total})
}
