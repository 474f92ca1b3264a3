package dashboard

import (
	"fmt"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// mountWidgets adds the widget list, the editor and its preview. Changes
// are made by the pages' scripts through the admin API, which accepts the
// session: one path for validation, cache invalidation and the audit list.
func (h *handler) mountWidgets(u fiber.Router) {
	if h.Widgets == nil {
		return
	}
	u.Get("/sites/:id/widgets", h.widgetsPage)
	u.Get("/sites/:id/widgets/new", h.newWidgetPage)
	u.Post("/sites/:id/widgets/preview", h.widgetPreview)
	u.Get("/sites/:id/widgets/:wid", h.editWidgetPage)
}

// widgetRow is one widget as the list shows it.
type widgetRow struct {
	store.Widget
	TypeName  string
	Summary   string
	ABRunning bool
}

// widgetType is a type the owner may add.
type widgetType struct {
	Type, Name, About string
}

type widgetsData struct {
	Site    store.Site
	Rows    []widgetRow
	Types   []widgetType
	CanEdit bool
	Script  string
}

func (h *handler) widgetsPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	list, err := h.Store.ListWidgets(ctx, site.ID)
	if err != nil {
		return h.fail(c, fmt.Errorf("list widgets of %s: %w", site.ID, err))
	}
	l := h.lang(c)
	d := widgetsData{Site: site, Script: staticURL("widget_list.js")}
	d.CanEdit, _ = h.acc.Can(ctx, user(c), site.ID, accounts.EditSettings)
	for _, w := range list {
		d.Rows = append(d.Rows, widgetRow{Widget: w, TypeName: l.T("wt_" + w.Type),
			Summary: h.widgetSummary(l, w), ABRunning: w.Experiment.Running()})
	}
	for _, m := range h.Widgets.WidgetModules() {
		d.Types = append(d.Types, widgetType{Type: m.Type(), Name: l.T("wt_" + m.Type()), About: l.T("wtd_" + m.Type())})
	}
	return h.render(c, http.StatusOK, "widgets", "widgets_title", d)
}

// widgetModule is the served module of a widget type.
func (h *handler) widgetModule(typ string) (widgets.Module, bool) {
	for _, m := range h.Widgets.WidgetModules() {
		if m.Type() == typ {
			return m, true
		}
	}
	return nil, false
}
