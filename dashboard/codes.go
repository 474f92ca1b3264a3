package dashboard

import (
	"bytes"
	"math"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/codepools"
	"github.com/beckonhq/beckon/store"
)

// The promo-code pools page lists a site's pools with their counts and
// the widgets that hand out their codes. Creating a pool, adding codes
// and deleting go through the admin API from the page's script, whose
// widgets:write scope only an owner has; everyone else reads.

// poolLow is when a pool counts as running low: under a tenth of its
// codes, or under 20, left. Visitors who come after the last code get no
// code, so the owner is told while there is time to add more.
func poolLow(p store.CodePool) bool {
	left := p.Total - p.Issued
	return left > 0 && (left < 20 || left*10 < p.Total)
}

// poolRow is one pool as the page shows it.
type poolRow struct {
	store.CodePool
	Left      int
	LeftShare float64 // of the pool, 0 to 100: the bar's length
	Low       bool
	Empty     bool
	Widgets   []widgetOption
}

// codesData is the page's.
type codesData struct {
	Site    store.Site
	Pools   []poolRow
	CanEdit bool
	Script  string
	// MaxPerUpload is the admin API's bound of one request: the page's
	// script sends longer lists in pieces of this size.
	MaxPerUpload int
}

// codesFields is what the codes fields of one form show.
type codesFields struct {
	L  Lang
	ID string // the form's: a pool's id, or "new"
}

// Fields are the codes fields of the form of pool id ("new": a new pool).
func (d codesData) Fields(l Lang, id string) codesFields { return codesFields{L: l, ID: id} }

func (h *handler) mountCodes(u fiber.Router) {
	u.Get("/sites/:id/codes", h.codesPage)
}

func (h *handler) codesPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	canEdit, err := h.acc.Can(ctx, user(c), site.ID, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	pools, err := h.Store.ListCodePools(ctx, site.ID)
	if err != nil {
		return h.fail(c, err)
	}
	ws, err := h.Store.ListWidgets(ctx, site.ID)
	if err != nil {
		return h.fail(c, err)
	}
	d := codesData{Site: site, CanEdit: canEdit, Script: staticURL("moderation.js"), MaxPerUpload: codepools.MaxCodesPerRequest}
	for _, p := range pools {
		left := p.Total - p.Issued
		row := poolRow{CodePool: p, Left: left, Low: poolLow(p), Empty: left <= 0, Widgets: widgetsUsing(ws, p.ID)}
		if p.Total > 0 {
			row.LeftShare = math.Round(float64(max(left, 0))*1000/float64(p.Total)) / 10
		}
		d.Pools = append(d.Pools, row)
	}
	return h.render(c, http.StatusOK, "codes", "cp_title", d)
}

// widgetsUsing are the widgets whose settings, or whose experiment's
// variants, name the pool. Pool ids are random ("cp_" and 16 characters),
// so the quoted id in a widget's JSON is a reference to it whatever
// setting of whichever widget type holds it.
func widgetsUsing(ws []store.Widget, poolID string) []widgetOption {
	quoted := []byte(`"` + poolID + `"`)
	var out []widgetOption
	for _, w := range ws {
		used := bytes.Contains(w.Settings, quoted)
		if e := w.Experiment; !used && e.Running() {
			for _, v := range e.Variants {
				used = used || bytes.Contains(v.Settings, quoted)
			}
		}
		if used {
			out = append(out, widgetOption{ID: w.ID, Label: widgetLabel(w)})
		}
	}
	return out
}
