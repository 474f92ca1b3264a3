package dashboard

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// auditPageSize is how many entries one page of the audit list shows.
const auditPageSize = 50

// memberActions are a member's own account events that matter to the
// site they can change: how they signed in and what guards their account.
// They are kept in the person's list ("user:<id>"), not the site's.
var memberActions = []string{"sign_in", "sign_in_failed", "password_changed", "totp_enabled", "totp_disabled",
	"recovery_code_used", "signed_out_everywhere"}

// auditRow is one entry as the page shows it.
type auditRow struct {
	At   time.Time
	Who  string
	What string
	// Request is the admin API call behind an api_change ("PATCH /api/v1/…").
	Request string
	IP      string
}

type auditData struct {
	Site store.Site
	Rows []auditRow
	Page int
	Prev string
	Next string
}

func (h *handler) auditPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	page, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || page < 1 {
		page = 1
	}
	entries, err := h.siteAudit(c, site.ID)
	if err != nil {
		return h.fail(c, err)
	}
	from := min((page-1)*auditPageSize, len(entries))
	to := min(from+auditPageSize, len(entries))
	r := h.auditReader(c, site)
	d := auditData{Site: site, Page: page}
	for _, e := range entries[from:to] {
		d.Rows = append(d.Rows, r.row(e))
	}
	base := "/app/sites/" + site.ID + "/audit?page="
	if to < len(entries) {
		d.Next = base + strconv.Itoa(page+1)
	}
	if page > 1 {
		d.Prev = base + strconv.Itoa(page-1)
	}
	return h.render(c, http.StatusOK, "audit", "au_title", d)
}

// siteAudit is the site's audit list merged with its members' own
// account events since they joined, newest first. Each list keeps its
// newest store.MaxAuditEntries.
func (h *handler) siteAudit(c *fiber.Ctx, siteID string) ([]store.AuditEntry, error) {
	ctx := c.UserContext()
	entries, err := h.Store.ListAudit(ctx, "site:"+siteID, store.MaxAuditEntries)
	if err != nil {
		return nil, err
	}
	members, err := h.Store.ListMembers(ctx, siteID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		own, err := h.Store.ListAudit(ctx, "user:"+m.UserID, store.MaxAuditEntries)
		if err != nil {
			return nil, err
		}
		for _, e := range own {
			if e.SiteID == "" && !e.At.Before(m.CreatedAt) && slices.Contains(memberActions, e.Action) {
				entries = append(entries, e)
			}
		}
	}
	slices.SortStableFunc(entries, func(a, b store.AuditEntry) int { return cmp.Compare(b.At.UnixNano(), a.At.UnixNano()) })
	return entries, nil
}
