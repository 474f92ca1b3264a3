package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/analytics"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// mountAnalytics adds the analytics page and its share links to the /app
// group g, before the signed-in group takes every later route: the share
// links' own pages need no sign-in, the others ask for it route by route.
func (h *handler) mountAnalytics(g fiber.Router) {
	g.Get("/sites/:id/analytics", h.signedIn, h.analyticsPage)
	g.Get("/sites/:id/analytics/share", h.signedIn, h.shareLinksPage)
	g.Post("/sites/:id/analytics/share", h.signedIn, h.createShareLink)
	g.Post("/sites/:id/analytics/share/:lid/revoke", h.signedIn, h.revokeShareLink)
	g.Get("/share/:token", h.sharedAnalytics)
	g.Post("/share/:token", h.unlockShare)
}

// analyticsPresets are the period picker's "last N days".
var analyticsPresets = []int{7, 30, 90}

// analyticsView is what analytics.html shows, for a member or through a
// share link (Shared: no links into the site, managers by number).
type analyticsView struct {
	SiteName string
	Base     string // the page's own address, without the query
	From, To string
	Widget   string
	Widgets  []widgetOption
	Presets  []periodPreset
	// BadField names the period field that is wrong ("from", "to");
	// Report is nil then.
	BadField string
	Report   *analytics.Report
	Funnels  []funnelView
	Daily    barChart
	Shared   bool
	CanShare bool
}

type periodPreset struct {
	Days    int
	Href    string
	Current bool
}

func (h *handler) analyticsPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	v, errKey, err := h.analyticsFor(c, site, "/app/sites/"+site.ID+"/analytics")
	if err != nil {
		return h.fail(c, err)
	}
	v.CanShare, _ = h.acc.Can(c.UserContext(), user(c), site.ID, accounts.EditSettings)
	return h.renderAnalytics(c, v, errKey)
}

func (h *handler) renderAnalytics(c *fiber.Ctx, v analyticsView, errKey string) error {
	status := http.StatusOK
	if errKey != "" {
		status = http.StatusUnprocessableEntity
	}
	return h.render(c, status, "analytics", "an_title", v, errKey)
}

// analyticsFor reads the period and widget from the query and computes
// the report; errKey names a wrong period (the report is then nil).
func (h *handler) analyticsFor(c *fiber.Ctx, site store.Site, base string) (v analyticsView, errKey string, err error) {
	ctx := c.UserContext()
	loc, lerr := time.LoadLocation(site.Timezone)
	if lerr != nil {
		loc = time.UTC
	}
	now := h.Now().In(loc)
	v = analyticsView{SiteName: site.Name, Base: base, From: c.Query("from"), To: c.Query("to"), Widget: c.Query("widget")}
	ws, err := h.Store.ListWidgets(ctx, site.ID)
	if err != nil {
		return v, "", err
	}
	for _, w := range ws {
		v.Widgets = append(v.Widgets, widgetOption{ID: w.ID, Label: widgetLabel(w)})
	}
	from, to, field, errKey := parsePeriod(v.From, v.To, now)
	v.Presets = presets(base, v.Widget, now, from, to)
	if errKey != "" {
		v.BadField = field
		return v, errKey, nil
	}
	if v.Widget != "" && !hasWidget(ws, v.Widget) {
		v.BadField = "widget"
		return v, "an_bad_widget", nil
	}
	v.From, v.To = from.Format(time.DateOnly), to.Format(time.DateOnly)
	if h.Flush != nil {
		h.Flush(ctx) // this replica's widget views still queued
	}
	r, err := analytics.Compute(ctx, h.Store, site.ID, ws, analytics.Period{From: from, To: to, Loc: loc}, analytics.Options{WidgetID: v.Widget})
	if err != nil {
		return v, "", err
	}
	v.Report = &r
	l := h.lang(c)
	labels := map[string]string{}
	for _, w := range ws {
		labels[w.ID] = widgetLabel(w)
	}
	for _, f := range r.Funnels {
		v.Funnels = append(v.Funnels, funnelViewOf(f, labels[f.WidgetID], l))
	}
	v.Daily = dailyChart(r.Daily, l)
	return v, "", nil
}

func hasWidget(ws []store.Widget, id string) bool {
	for _, w := range ws {
		if w.ID == id {
			return true
		}
	}
	return false
}

// parsePeriod checks the period's dates (validate.DayRange's rules:
// default the last 30 days, at most a year) and names what is wrong.
func parsePeriod(fromQ, toQ string, now time.Time) (from, to time.Time, field, errKey string) {
	if fromQ != "" {
		if _, err := time.Parse(time.DateOnly, fromQ); err != nil {
			return from, to, "from", "an_bad_from"
		}
	}
	if toQ != "" {
		if _, err := time.Parse(time.DateOnly, toQ); err != nil {
			return from, to, "to", "an_bad_to"
		}
	}
	from, to, err := validate.DayRange(fromQ, toQ, now)
	switch {
	case err == nil:
		return from, to, "", ""
	case from.After(to):
		return from, to, "from", "an_bad_order"
	default:
		return from, to, "from", "an_too_long"
	}
}

// presets are the "last N days" links, up to today in the site's zone;
// Current marks the one the period is.
func presets(base, widget string, now, from, to time.Time) []periodPreset {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	out := make([]periodPreset, 0, len(analyticsPresets))
	for _, n := range analyticsPresets {
		start := today.AddDate(0, 0, -(n - 1))
		q := url.Values{"from": {start.Format(time.DateOnly)}, "to": {today.Format(time.DateOnly)}}
		if widget != "" {
			q.Set("widget", widget)
		}
		out = append(out, periodPreset{Days: n, Href: base + "?" + q.Encode(), Current: from.Equal(start) && to.Equal(today)})
	}
	return out
}

// percent shows a share as "42%" (one decimal under 10%).
func percent(r float64) string {
	p := r * 100
	if p > 0 && p < 10 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

// seconds shows a duration in seconds as "45 s" or "3 min 5 s"; "—" for
// none.
func seconds(l Lang, s *float64) string {
	if s == nil {
		return "—"
	}
	d := time.Duration(*s * float64(time.Second)).Round(time.Second)
	if d < time.Minute {
		return l.F("an_seconds", "n", int(d.Seconds()))
	}
	return l.F("an_minutes", "m", int(d.Minutes()), "s", int(d.Seconds())%60)
}
