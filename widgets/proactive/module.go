// Package proactive is the proactive message widget: a chat-like bubble
// with a photo, a name and the owner's text that a trigger shows, labelled
// as an automated message in every language. Its button opens the
// callback, a quiz, a pop-up or a link; a reply typed into it becomes a
// lead in the site's inbox, and the bubble says honestly who answers and
// how (never pretending a live chat).
package proactive

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the proactive message widget.
const widgetType = "proactive"

// ModuleOptions configure the proactive message widget.
type ModuleOptions struct {
	// Limits bound new replies per address and visitor; the zero value is
	// DefaultLimits.
	Limits Limits
}

// Module is the proactive message widget.
type Module struct {
	opts ModuleOptions
	deps widgets.Deps
}

// NewModule makes the proactive message widget's module.
func NewModule(opts ModuleOptions) *Module {
	opts.Limits = opts.Limits.withDefaults()
	return &Module{opts: opts}
}

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module: embed/src/widgets/proactive.
func (m *Module) Bundle() string { return "proactive" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings { return new(Settings) }

// Texts implements widgets.Module: i18n/proactive_widget.json.
func (m *Module) Texts() []string { return []string{"proactive_widget"} }

// Mount implements widgets.Module.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	r.Public.Add(fiber.MethodPost, "/widgets/:wid/replies", m.postReply)
	return nil
}

// openAPI describes this widget's routes; the server merges it into
// /api/openapi.json (widgets.Documented).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI implements widgets.Documented.
func (m *Module) OpenAPI() []byte { return openAPI }
