package countdown

import (
	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/countdown/emailgif"
)

// widgetType is the API's name of the countdown widget.
const widgetType = "countdown"

// gifCachedFrames bounds the e-mail timer frames kept in memory (about
// 400 bytes each, so up to ~100 MB when full; it fills only with use).
// Evergreen recipients each see their own second, so the cache should
// cover the spread of a campaign's deadlines: 250,000 frames hold about two
// days of distinct seconds for one style, where the renderer serves a GIF
// in microseconds instead of redrawing it.
const gifCachedFrames = 250_000

// Module is the countdown widget: fixed, evergreen and recurring
// deadlines on the page, and the same deadline as a GIF in e-mails.
type Module struct {
	deps widgets.Deps
	gifs *emailgif.Renderer
}

// NewModule makes the countdown widget's module.
func NewModule() *Module { return &Module{gifs: emailgif.NewRenderer(gifCachedFrames)} }

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module.
func (m *Module) Bundle() string { return "countdown" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings { return new(Settings) }

// Texts implements widgets.Module: the widget's and the e-mail image's.
func (m *Module) Texts() []string { return []string{"countdown_widget", "emailgif"} }

// DemoSettings implements widgets.Demo: a quarter-hour evergreen offer
// in a bar across the top.
func (m *Module) DemoSettings() string {
	return `{"mode":"evergreen","duration_seconds":900,"placement":"top_bar"}`
}

// Mount implements widgets.Module.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	r.Public.Add(fiber.MethodPost, "/timers/:widgetId", m.startTimer)
	r.Public.Add(fiber.MethodGet, "/timers/:widgetId/email.gif", m.timerGIF)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/widgets/:wid/timer-stats", m.timerStats)
	return nil
}
