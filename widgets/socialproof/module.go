package socialproof

import (
	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the social-proof widget.
const widgetType = "social_proof"

// Module is the live social-proof widget: real events in (the events
// API, shops' webhooks), notices and live visitor counts out.
type Module struct {
	deps widgets.Deps
	live *live // live.go
}

// NewModule makes the social-proof widget's module.
func NewModule() *Module { return &Module{} }

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module.
func (m *Module) Bundle() string { return "social_proof" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings { return new(Settings) }

// Texts implements widgets.Module.
func (m *Module) Texts() []string { return []string{"social_proof_widget"} }

// Mount implements widgets.Module.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	if d.Activities != nil {
		d.Activities.Listen(m.onActivity)
	}
	// Events in: the owner's server, the owner, shops.
	r.Admin.Add(fiber.MethodPost, "/sites/:id/events", m.postEvents)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/events", m.listEvents)
	r.Admin.Add(fiber.MethodDelete, "/sites/:id/events/:eid", m.deleteEventAPI)
	r.Hooks.Add(fiber.MethodPost, HookPath, m.inbound)

	// Analytics: the widget reports impressions and clicks.
	r.Public.Add(fiber.MethodPost, "/live/notices/:eventId", m.countNotice)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/analytics/social-proof", m.analytics)

	// Server push: the owner shows a widget to the visitors on the site now.
	r.Admin.Add(fiber.MethodPost, "/sites/:id/widgets/:wid/push", m.pushAPI)

	// Live delivery (WebSocket, SSE, polling) is mounted here.
	return m.mountLive(d, r.Public)
}
