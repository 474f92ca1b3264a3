package multibutton

import (
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
)

// Report is GET …/widgets/{wid}/clicks: clicks per channel over the days
// from–to (inclusive, the site's zone).
type Report struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Timezone string `json:"timezone"`
	Total    int64  `json:"total"`
	// Channels are the widget's current channels in their order, then any
	// channel that was clicked in the range and has since been removed.
	Channels []ChannelClicks `json:"channels"`
	// Days are the days with clicks, oldest first.
	Days []DayClicks `json:"days"`
}

// ChannelClicks is one channel's total.
type ChannelClicks struct {
	// Key names the channel in Days: its type and target ("telegram:shop").
	Key   string `json:"key"`
	Type  string `json:"type"`
	Index *int   `json:"index"` // its place in the fan; null for a removed channel
	Total int64  `json:"total"`
}

// DayClicks are one day's clicks per channel key.
type DayClicks struct {
	Date     string           `json:"date"`
	Total    int64            `json:"total"`
	Channels map[string]int64 `json:"channels"`
}

// getClicks is GET /api/v1/sites/{id}/widgets/{wid}/clicks?from=&to=.
func (m *Module) getClicks(c *fiber.Ctx) error {
	siteID := c.Params("id")
	if err := api.Authorize(c, siteID, "widgets:read"); err != nil {
		return err
	}
	site, err := m.deps.Sites.ByID(c.UserContext(), siteID)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	w, ok := site.Widget(c.Params("wid"))
	if !ok || w.Type != widgetType {
		return api.NotFound("multibutton widget")
	}
	from, to, err := validate.DayRange(c.Query("from"), c.Query("to"), m.deps.Now().In(site.Loc))
	if err != nil {
		return err
	}
	set := w.Parsed.(*Settings)
	rep := Report{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Timezone: site.Loc.String(),
		Channels: []ChannelClicks{}, Days: []DayClicks{}}
	totals := map[string]int64{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		t, err := m.deps.Store.Tally(c.UserContext(), site.ID, clickTally(w.ID, day))
		if err != nil {
			return err
		}
		if len(t) == 0 {
			continue
		}
		dc := DayClicks{Date: day, Channels: t}
		for k, n := range t {
			dc.Total += n
			totals[k] += n
		}
		rep.Total += dc.Total
		rep.Days = append(rep.Days, dc)
	}
	current := map[string]bool{}
	for i, ch := range set.Channels {
		k := ch.key()
		current[k] = true
		rep.Channels = append(rep.Channels, ChannelClicks{Key: k, Type: ch.Type, Index: &i, Total: totals[k]})
	}
	var removed []ChannelClicks
	for k, n := range totals {
		if !current[k] {
			typ, _, _ := strings.Cut(k, ":")
			removed = append(removed, ChannelClicks{Key: k, Type: typ, Total: n})
		}
	}
	sort.Slice(removed, func(i, j int) bool { return removed[i].Key < removed[j].Key })
	rep.Channels = append(rep.Channels, removed...)
	return c.JSON(rep)
}
