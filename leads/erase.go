package leads

import (
	"context"
	"fmt"
	"maps"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// VisitorEraser is a widget module that keeps data of its own about a
// visitor (the reviews they wrote, the game's draws) beyond the leads the
// inbox erases. The erasure calls it for every module that implements it,
// so the inbox knows no widget type.
type VisitorEraser interface {
	// EraseVisitor deletes what the module keeps of visitorID in the site
	// and reports what it deleted as counts named for the erasure's
	// answer ("reviews_deleted": 2). Erasing again reports zeros.
	EraseVisitor(ctx context.Context, siteID, visitorID string) (map[string]int, error)
}

// erasersOf are the modules of mods that erase visitors' data.
func erasersOf(mods []widgets.Module) []VisitorEraser {
	var out []VisitorEraser
	for _, m := range mods {
		if e, ok := m.(VisitorEraser); ok {
			out = append(out, e)
		}
	}
	return out
}

// eraseVisitor is DELETE /api/v1/sites/{id}/visitors/{visitor_id}: every
// lead of the visitor goes (with the personal data of its callback
// request, see forget), every quiz session, and what each module that is
// a VisitorEraser keeps (reviews with their photos, game draws). Erasing
// again is harmless and reports zeros.
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
	counts := map[string]int{"leads_deleted": 0, "callbacks_redacted": 0}
	for _, l := range list {
		redacted, err := ib.forget(ctx, l)
		if err != nil {
			return err
		}
		counts["leads_deleted"]++
		if redacted {
			counts["callbacks_redacted"]++
		}
	}
	if counts["quiz_sessions_deleted"], err = ib.d.Store.DeleteVisitorQuizSessions(ctx, site.ID, vid); err != nil {
		return fmt.Errorf("leads: delete the visitor's quiz sessions: %w", err)
	}
	for _, e := range erasersOf(ib.d.Modules) {
		got, err := e.EraseVisitor(ctx, site.ID, vid)
		if err != nil {
			return fmt.Errorf("leads: erase the visitor in %T: %w", e, err)
		}
		maps.Copy(counts, got)
	}
	visitorsErased.Inc()
	out := fiber.Map{"visitor_id": vid}
	for k, n := range counts {
		out[k] = n
	}
	return c.JSON(out)
}
