package leads

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Page sizes of GET …/leads.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// Statuses an owner may give a lead.
var statuses = []string{store.LeadNew, store.LeadInProgress, store.LeadWon, store.LeadLost}

// filterOf reads the filters shared by the list and the exports: type and
// status (empty: all).
func filterOf(c *fiber.Ctx) (store.LeadFilter, error) {
	f := store.LeadFilter{Type: c.Query("type"), Status: c.Query("status")}
	if err := validate.Line("type", f.Type, false, 40); err != nil {
		return f, err
	}
	if f.Status != "" {
		if err := validate.OneOf("status", f.Status, statuses...); err != nil {
			return f, err
		}
	}
	return f, nil
}

// list is GET /api/v1/sites/{id}/leads?type=&status=&cursor=&limit=: the
// inbox newest first, a page at a time. next_cursor is given while older
// leads remain.
func (ib *Inbox) list(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, ib.d.Store, ScopeRead)
	if err != nil {
		return err
	}
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	limit := defaultLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return validate.Field("limit", "must be a number from 1 to %d", maxLimit)
		}
		limit = n
	}
	if v := c.Query("cursor"); v != "" {
		if f.After, err = decodeCursor(v); err != nil {
			return err
		}
	}
	// One more than the page tells whether another page follows, so the
	// last page has no cursor to an empty one.
	f.Limit = limit + 1
	page, err := ib.d.Store.ListLeads(c.UserContext(), site.ID, f)
	if err != nil {
		return err
	}
	resp := fiber.Map{}
	if len(page) > limit {
		page = page[:limit]
		last := page[limit-1]
		resp["next_cursor"] = encodeCursor(store.LeadCursor{CreatedAt: last.CreatedAt, ID: last.ID})
	}
	if page == nil {
		page = []store.Lead{}
	}
	resp["leads"] = page
	return c.JSON(resp)
}

// get is GET /api/v1/sites/{id}/leads/{lid}: one lead whole, with its
// answers, result, where it came from and its consent record.
func (ib *Inbox) get(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, ib.d.Store, ScopeRead)
	if err != nil {
		return err
	}
	l, err := ib.d.Store.GetLead(c.UserContext(), site.ID, c.Params("lid"))
	if err != nil {
		return api.NotFoundAs(err, "lead")
	}
	return c.JSON(l)
}
