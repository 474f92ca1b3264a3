package socialproof

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// pollRoute is GET /w/v1/{siteKey}/live/poll: the live feed for browsers
// that can hold no stream at all. It answers the recent events after since
// and the counts, the site's pushes of the last minute (each with its id:
// the browser shows one once), and counts the visitor as present for
// pollPresence.
func (l *live) pollRoute(c *fiber.Ctx) error {
	req, err := l.parseLiveRequest(c)
	if err != nil {
		return err
	}
	if req.visitorID != "" {
		l.hub.touchPoller(req.site.ID, req.visitorID, req.page)
	}
	ctx := c.UserContext()
	answer := pollAnswer{Events: []PublicEventView{}, NoPushes: req.noPushes, Now: l.deps.Now().UTC()}
	if req.set != nil { // else a push-only member: pushes alone
		recent, err := l.hub.st.RecentEvents(ctx, req.site.ID, helloEvents)
		if err != nil {
			return fmt.Errorf("socialproof: recent events of site %s: %w", req.site.ID, err)
		}
		total, pages, err := l.hub.st.PresenceCounts(ctx, req.site.ID)
		if err != nil {
			return fmt.Errorf("socialproof: presence of site %s: %w", req.site.ID, err)
		}
		answer.Events, answer.Viewers = l.publicEvents(recent, req), viewersFor(req.set, total, pages, req.page)
	}
	if answer.Show, err = keptPushes(ctx, l.hub.st, req.site.ID); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(answer)
}
