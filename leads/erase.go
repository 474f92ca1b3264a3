package leads

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
)

// erased is what DELETE …/visitors/{visitor_id} reports.
type erased struct {
	VisitorID         string `json:"visitor_id"`
	Leads             int    `json:"leads_deleted"`
	QuizSessions      int    `json:"quiz_sessions_deleted"`
	CallbacksRedacted int    `json:"callbacks_redacted"`
}

// eraseVisitor is DELETE /api/v1/sites/{id}/visitors/{visitor_id}: every
// lead of the visitor goes (with the personal data of its callback
// request, see forget), and every quiz session. Erasing again is harmless
// and reports zeros.
func (ib *Inbox) eraseVisitor(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, ib.d.Store, ScopeWrite)
	if err != nil {
		return err
	}
	vid := c.Params("visitor_id")
	if err := validate.Line("visitor_id", vid, true, 64); err != nil {
		return err
	}
	ctx := c.UserContext()
	list, err := ib.d.Store.VisitorLeads(ctx, site.ID, vid)
	if err != nil {
		return fmt.Errorf("leads: list the visitor's leads: %w", err)
	}
	out := erased{VisitorID: vid}
	for _, l := range list {
		redacted, err := ib.forget(ctx, l)
		if err != nil {
			return err
		}
		out.Leads++
		if redacted {
			out.CallbacksRedacted++
		}
	}
	if out.QuizSessions, err = ib.d.Store.DeleteVisitorQuizSessions(ctx, site.ID, vid); err != nil {
		return fmt.Errorf("leads: delete the visitor's quiz sessions: %w", err)
	}
	visitorsErased.Inc()
	return c.JSON(out)
}
