package dashboard

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/store"
)

// The telephony page shows and edits who a callback widget rings, when,
// and how, and runs the "call me now" test of the bridge. The page is
// rendered whole by the server (managers read it as is); its island
// (static/telephony.js) saves through the admin API's PATCH of the widget
// and starts and follows the test through the callback module's routes,
// so every rule lives in one place: callback.Settings.Normalize.

// mountTelephony adds the telephony page to the signed-in group.
func (h *handler) mountTelephony(u fiber.Router) {
	u.Get("/sites/:id/telephony", h.telephonyPage)
}

// weekdays are the days in the order the page shows them (Monday first),
// as callback.Hours numbers them (0 = Sunday).
var weekdays = []int{1, 2, 3, 4, 5, 6, 0}

// telephonyData is the page's.
type telephonyData struct {
	Site     store.Site
	Widgets  []widgetOption
	WidgetID string // the widget shown; empty when the site has none
	Enabled  bool
	Settings callback.Settings
	Managers []telManager
	Hours    []telHours
	Edit     bool // owners and the operator save and test; managers read
	Provider telProvider
	OpenNow  bool
	LocalNow string // the site's clock, "Mon 14:05"
	// NewManager and NewSpan are the empty rows the script copies.
	NewManager telManager
	NewSpan    telHours
	Island     telIsland
	Script     string
}

// telManager is one manager's row.
type telManager struct {
	Name, Phone, Email string
	Hours              []telHours
	telRow
}

// telHours is one span of working hours with its days as checkboxes.
type telHours struct {
	On       map[int]bool // by weekday
	From, To string
	telRow
}

// telRow is what every row's template needs besides its values.
type telRow struct {
	L       Lang
	AllDays []int
	RO      bool // read-only: no buttons
}

// telProvider is what the server dials with, from its configuration.
type telProvider struct {
	Twilio  bool
	Account string // the Twilio account SID, masked
	From    string // the number managers see
}

// telIsland is what the script needs: the API's paths and the page's
// words (scripts carry no text of their own).
type telIsland struct {
	Widget   string            `json:"widget"`    // PATCH / GET path of the widget
	ETag     string            `json:"etag"`      // the widget's version the page shows (If-Match)
	TestCall string            `json:"test_call"` // POST path of the test
	Callback string            `json:"callback"`  // GET path of a request, without its id
	Lead     string            `json:"lead"`      // the inbox page of a request's lead, without its id
	Managers []string          `json:"managers"`  // saved managers' names, by index (legs name them so)
	Texts    map[string]string `json:"texts"`
}

// telIslandTexts are the catalogue keys the script shows, without "tel_js_".
var telIslandTexts = []string{
	"saving", "saved", "save_failed", "forbidden", "network", "fix_field",
	"err_phone", "err_code", "err_name", "err_hours", "err_days", "err_ring", "err_retries",
	"starting", "unsaved", "limit", "test_failed", "open_lead",
	"st_queued", "st_calling_manager", "st_calling_manager_named", "st_manager_answered", "st_calling_visitor",
	"st_connected", "st_completed", "st_failed",
	"why_no_manager_available", "why_manager_no_answer", "why_visitor_no_answer", "why_visitor_busy",
	"why_provider_error", "why_cancelled", "why_expired", "why_unknown",
	"remove", "move_up", "manager_n", "hours_n",
}

func (h *handler) telephonyPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	edit, err := h.acc.Can(ctx, user(c), site.ID, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	ws, err := h.Store.ListWidgets(ctx, site.ID)
	if err != nil {
		return h.fail(c, err)
	}
	l := h.lang(c)
	row := telRow{L: l, AllDays: weekdays, RO: !edit}
	d := telephonyData{Site: site, Edit: edit, Provider: h.telProvider(), Script: staticURL("telephony.js"),
		NewManager: telManager{Hours: []telHours{}, telRow: telRow{L: l, AllDays: weekdays}},
		NewSpan:    telHours{On: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}, From: "09:00", To: "18:00", telRow: telRow{L: l, AllDays: weekdays}}}
	var chosen *store.Widget
	for i, w := range ws {
		if w.Type != "callback" {
			continue
		}
		d.Widgets = append(d.Widgets, widgetOption{ID: w.ID, Label: widgetLabel(w)})
		if chosen == nil || w.ID == c.Query("widget") {
			chosen = &ws[i]
		}
	}
	if chosen == nil {
		return h.render(c, fiber.StatusOK, "telephony", "tel_title", d)
	}
	if err := json.Unmarshal(chosen.Settings, &d.Settings); err != nil {
		return h.fail(c, fmt.Errorf("telephony: settings of widget %s: %w", chosen.ID, err))
	}
	d.WidgetID, d.Enabled = chosen.ID, chosen.Enabled
	d.Hours = telHoursOf(d.Settings.WorkingHours, row)
	for _, m := range d.Settings.Managers {
		d.Managers = append(d.Managers, telManager{Name: m.Name, Phone: m.Phone, Email: m.Email, Hours: telHoursOf(m.Hours, row), telRow: row})
	}
	loc, err := time.LoadLocation(site.Timezone)
	if err != nil {
		loc = time.UTC // as the widgets read a zone that does not load
	}
	now := h.Now().In(loc)
	d.OpenNow = d.Settings.OpenAt(now, loc)
	d.LocalNow = l.T(fmt.Sprintf("tel_day_%d", now.Weekday())) + " " + now.Format("15:04")
	d.Island = h.telIsland(l, site.ID, chosen.ID, d.Settings.Managers)
	d.Island.ETag = chosen.ETag()
	return h.render(c, fiber.StatusOK, "telephony", "tel_title", d)
}

func telHoursOf(hours []callback.Hours, row telRow) []telHours {
	out := make([]telHours, 0, len(hours))
	for _, hr := range hours {
		days := map[int]bool{}
		for _, d := range weekdays {
			// No days listed means every day (callback.Hours).
			days[d] = len(hr.Days) == 0 || slices.Contains(hr.Days, d)
		}
		out = append(out, telHours{On: days, From: hr.From, To: hr.To, telRow: row})
	}
	return out
}

// telProvider tells which provider this server dials with: the same rule
// cmd/beckon applies (a Twilio account SID set means Twilio).
func (h *handler) telProvider() telProvider {
	sid := h.Cfg.TwilioSID
	if sid == "" {
		return telProvider{}
	}
	return telProvider{Twilio: true, Account: maskSID(sid), From: h.Cfg.TwilioFrom}
}

// maskSID shows enough of an account SID to tell accounts apart and not
// enough to be worth copying: "AC12…cdef".
func maskSID(sid string) string {
	if len(sid) <= 8 {
		return strings.Repeat("•", len(sid))
	}
	return sid[:4] + "…" + sid[len(sid)-4:]
}

func (h *handler) telIsland(l Lang, siteID, widgetID string, managers []callback.Manager) telIsland {
	api := "/api/v1/sites/" + siteID
	is := telIsland{Widget: api + "/widgets/" + widgetID, TestCall: api + "/widgets/" + widgetID + "/test-call",
		Callback: api + "/callbacks/", Lead: "/app/sites/" + siteID + "/inbox/", Managers: []string{}, Texts: map[string]string{}}
	for _, m := range managers {
		is.Managers = append(is.Managers, m.Name)
	}
	for _, k := range telIslandTexts {
		is.Texts[k] = l.T("tel_js_" + k)
	}
	return is
}
