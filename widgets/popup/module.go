// Package popup is the pop-up widget: a title, a text and an image in a
// modal, a slide-in or a bar, with one button (a link, another widget, a
// promo code) or a small lead form whose leads go to the site's inbox.
package popup

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the pop-up widget.
const widgetType = "popup"

// ModuleOptions configure the pop-up widget.
type ModuleOptions struct {
	// Limits bound new leads per address and visitor; the zero value is
	// DefaultLimits.
	Limits Limits
}

// Module is the pop-up widget.
type Module struct {
	opts ModuleOptions
	deps widgets.Deps
}

// NewModule makes the pop-up widget's module.
func NewModule(opts ModuleOptions) *Module {
	opts.Limits = opts.Limits.withDefaults()
	return &Module{opts: opts}
}

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module: embed/src/widgets/popup.
func (m *Module) Bundle() string { return "popup" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings { return new(Settings) }

// Texts implements widgets.Module: i18n/popup_widget.json.
func (m *Module) Texts() []string { return []string{"popup_widget"} }

// Mount implements widgets.Module. Promo codes are claimed through the
// server's shared route (POST /w/v1/{siteKey}/widgets/{wid}/claim), which
// asks the settings (widgets.CodeGiver).
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	r.Public.Add(fiber.MethodPost, "/popups/:wid/leads", m.postLead)
	return nil
}

// openAPI describes this widget's routes; the server merges it into
// /api/openapi.json (widgets.Documented).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI implements widgets.Documented.
func (m *Module) OpenAPI() []byte { return openAPI }
