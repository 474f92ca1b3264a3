package dashboard

import (
	"context"
	"encoding/json"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// WidgetPreviewer gives the widget editor the server's widget types and
// its public config, so the preview shows a draft exactly as visitors
// would get it. The server supplies it (server/dashboard_preview.go); the
// dashboard cannot import the server package, which mounts the dashboard.
type WidgetPreviewer interface {
	// WidgetModules are the widget types the server serves, in its order.
	WidgetModules() []widgets.Module
	// PreviewConfig checks settings of a widget of type typ with the
	// module's Normalize, as the admin API would (a *validate.Error under
	// "settings" when they are wrong), and returns the body /config would
	// serve if the site had that one widget, with id wid, enabled.
	PreviewConfig(ctx context.Context, site store.Site, typ, wid string, settings json.RawMessage) ([]byte, error)
}
