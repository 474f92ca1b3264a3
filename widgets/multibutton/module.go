package multibutton

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the multi-button widget.
const widgetType = "multibutton"

// ModuleOptions configure the multi-button widget.
type ModuleOptions struct {
	// ClicksPerIP bounds the clicks counted from one address per hour and
	// site; 0 is DefaultClicksPerIP.
	ClicksPerIP int
}

// Module is the multi-button widget.
type Module struct {
	opts ModuleOptions
	deps widgets.Deps
}

// NewModule makes the multi-button widget's module.
func NewModule(opts ModuleOptions) *Module {
	if opts.ClicksPerIP <= 0 {
		opts.ClicksPerIP = DefaultClicksPerIP
	}
	return &Module{opts: opts}
}

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module: embed/src/widgets/multibutton.
func (m *Module) Bundle() string { return "multibutton" }

// NewSettings implements widgets.Module. The settings can list the site's
// widgets, so that saving them checks each widget channel's widget_id.
func (m *Module) NewSettings() widgets.Settings { return &Settings{siteWidgets: m.siteWidgets} }

// Texts implements widgets.Module: i18n/multibutton_widget.json.
func (m *Module) Texts() []string { return []string{"multibutton_widget"} }

// Mount implements widgets.Module.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	r.Public.Add(fiber.MethodPost, "/widgets/:wid/clicks", m.postClick)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/widgets/:wid/clicks", m.getClicks)
	return nil
}

// siteWidgets lists the site's stored widgets for Normalize, which gets no
// context: it is bounded by the store deadline of a request. Before Mount
// (no store yet) it lists nothing and the check is left out. The admin
// API calls it inside the embedded store's update of the widget; bbolt
// allows the read, which ends before that update commits.
func (m *Module) siteWidgets(siteID string) ([]store.Widget, error) {
	if m.deps.Store == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), api.StoreDeadline)
	defer cancel()
	list, err := m.deps.Store.ListWidgets(ctx, siteID)
	if err != nil {
		return nil, fmt.Errorf("multibutton: list the site's widgets: %w", err)
	}
	if list == nil {
		list = []store.Widget{} // listed, and there are none
	}
	return list, nil
}

// openAPI describes this widget's routes; the server merges it into
// /api/openapi.json (widgets.Documented).
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI implements widgets.Documented.
func (m *Module) OpenAPI() []byte { return openAPI }
