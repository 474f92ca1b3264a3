// Package reviews is the reviews widget: a form that collects a rating, a
// text, a name and a photo (optionally only through a signed, single-use
// link the owner sends after a purchase), an owner's moderation (every
// review starts pending; publish, hide, answer; the customer's words are
// never edited), and a list, carousel or badge of the published reviews
// with their real dates, average and count, and schema.org JSON-LD.
package reviews

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the reviews widget.
const widgetType = "reviews"

// catalog is i18n/reviews_widget.json; Go reads consent_default from it,
// the bundle the rest.
var catalog = i18n.MustLoad[map[string]any]("reviews_widget")

// consentDefault is the default consent text in lang.
func consentDefault(lang string) string {
	s, _ := catalog[lang]["consent_default"].(string)
	return s
}

// ModuleOptions configure the reviews widget.
type ModuleOptions struct {
	// Limits bound new reviews and photos per address and visitor; the
	// zero value is DefaultLimits.
	Limits Limits
	// AllowPrivateWebhooks mirrors BECKON_WEBHOOK_ALLOW_PRIVATE.
	AllowPrivateWebhooks bool
}

// Module is the reviews widget.
type Module struct {
	opts ModuleOptions
	deps widgets.Deps
	// pages are this replica's rendered first pages (cache.go).
	pages *pageCache
}

// NewModule makes the reviews widget's module.
func NewModule(opts ModuleOptions) *Module {
	opts.Limits = opts.Limits.withDefaults()
	return &Module{opts: opts, pages: newPageCache()}
}

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module: embed/src/widgets/reviews.
func (m *Module) Bundle() string { return "reviews" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings {
	return &Settings{allowPrivate: m.opts.AllowPrivateWebhooks}
}

// Texts implements widgets.Module: i18n/reviews_widget.json.
func (m *Module) Texts() []string { return []string{"reviews_widget"} }

// Mount implements widgets.Module.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	r.Public.Add(fiber.MethodGet, "/widgets/:wid/reviews", m.listPublished)
	r.Public.Add(fiber.MethodPost, "/widgets/:wid/reviews", m.postReview)
	r.Public.Add(fiber.MethodPost, "/widgets/:wid/uploads/photo", m.uploadPhoto)
	r.Public.Add(fiber.MethodPost, "/widgets/:wid/review-requests/check", m.checkRequest)
	r.Public.Add(fiber.MethodGet, "/reviews/photos/:pid", m.publicPhoto)

	r.Admin.Add(fiber.MethodGet, "/sites/:id/reviews", m.adminList)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/reviews/photos/:pid", m.adminPhoto)
	r.Admin.Add(fiber.MethodPost, "/sites/:id/reviews/:rid/publish", m.moderate(storeStatusPublished))
	r.Admin.Add(fiber.MethodPost, "/sites/:id/reviews/:rid/hide", m.moderate(storeStatusHidden))
	r.Admin.Add(fiber.MethodPut, "/sites/:id/reviews/:rid/answer", m.putAnswer)
	r.Admin.Add(fiber.MethodDelete, "/sites/:id/reviews/:rid", m.deleteReview)
	r.Admin.Add(fiber.MethodDelete, "/sites/:id/reviews/:rid/answer", m.deleteAnswer)
	r.Admin.Add(fiber.MethodPost, "/sites/:id/widgets/:wid/review-requests", m.createRequest)
	r.Admin.Add(fiber.MethodPost, "/sites/:id/widgets/:wid/reviews/import", m.importCSV)
	return nil
}

// DemoSettings implements widgets.Demo.
func (m *Module) DemoSettings() string { return `{"position":"left-middle"}` }

// openAPI describes this widget's routes (widgets.Documented).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI implements widgets.Documented.
func (m *Module) OpenAPI() []byte { return openAPI }
