// Package widgets is the contract between Beckon's server and its widget
// types. Each type is a Module in a package of its own (callback,
// widgets/countdown, …); cmd/beckon lists the modules a binary serves and
// hands the list to the server, which builds its API from them and knows
// no widget by name. See docs/ADDING_A_WIDGET.md.
package widgets

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// Module is one widget type: its name, its settings, its routes.
type Module interface {
	// Type is the API's name of the type ("callback"): widgets are created
	// with it and /config lists them under it.
	Type() string
	// Bundle names the browser bundle embed/dist/widgets/<bundle>.js that
	// shows the widget. The server refuses to start with a module whose
	// bundle is not built: a type visitors cannot see is not offered.
	Bundle() string
	// NewSettings returns an empty settings value of the type, for stored
	// or submitted JSON to be decoded into.
	NewSettings() Settings
	// Texts names the i18n catalogue files (i18n/<name>.json) of the type's
	// visitor- and owner-facing texts; each holds ru, uk and en.
	Texts() []string
	// Mount gives the module its dependencies and lets it add its routes.
	// It is called once, in the module list's order, before the server
	// serves; an error stops the server from starting.
	Mount(d Deps, r Routes) error
}

// Runner is a module with background work (workers, subscriptions). The
// server calls Start after every module is mounted; the work runs until
// ctx ends (the server's shutdown), and Wait returns once it has stopped,
// or when waitCtx ends first.
type Runner interface {
	Start(ctx context.Context) error
	Wait(waitCtx context.Context)
}

// Demo is a module that shows itself on the demo page: the settings of the
// widget the demo site gets when it is first created.
type Demo interface {
	DemoSettings() string
}

// Deps are what the server hands every module: one explicit struct, no
// globals. Module-specific dependencies (the callback bridge's telephony
// provider) are given to the module's constructor in cmd/beckon instead.
type Deps struct {
	Store store.Store
	Log   *slog.Logger
	// Now is the clock; tests may move it.
	Now func() time.Time
	// Sites finds a site with its widgets' parsed settings, from the
	// server's one cache (the same that serves /config).
	Sites Sites
	// Activities carries what visitors did through one widget to the
	// widgets that show it (a connected callback to social proof).
	Activities *Activities
	// Notifier delivers owners' webhooks (Standard Webhooks, durable
	// outbox); a widget's endpoint comes from its settings (see Webhooker).
	Notifier *notify.Sender
	// ClientIP is the visitor's address, through trusted proxies only.
	ClientIP func(c *fiber.Ctx) string
	// WriteTimeout bounds writing one response; a response that streams
	// for minutes bounds each of its writes by it instead.
	WriteTimeout time.Duration
	// PublicURL is where browsers and providers reach this server.
	PublicURL string
	// Conversions counts a visitor's conversion for the widget's A/B
	// experiment; nil when the server runs none. Modules call Deps.Converted.
	Conversions Conversions
	// Variants gives a visitor the settings of their A/B variant; nil
	// when the server runs no experiments. Modules call Deps.SettingsFor.
	Variants Variants
}

// Conversions records that a visitor converted in a widget: the widget's
// own conversion event (a callback asked for, a lead left, a code claimed,
// a review sent, a prize drawn). A/B experiments count it for the variant
// the visitor was assigned. It never fails the visitor's request: errors
// are the implementation's to log.
type Conversions interface {
	Converted(ctx context.Context, site *Site, widgetID, visitorID string)
}

// Converted tells d.Conversions, when there is one, that visitorID
// converted in widgetID; a visitor without an id is not counted.
func (d Deps) Converted(ctx context.Context, site *Site, widgetID, visitorID string) {
	if d.Conversions != nil && site != nil && visitorID != "" {
		d.Conversions.Converted(ctx, site, widgetID, visitorID)
	}
}

// Variants finds the settings a visitor's A/B variant gives a widget:
// the same variant /config shows the visitor (a hash of the experiment and
// the visitor id), so what the server does (the code it hands out, the
// form it checks, the prizes it draws) matches what the visitor saw.
type Variants interface {
	SettingsFor(ctx context.Context, site *Site, w Widget, visitorID string) Settings
}

// SettingsFor is the widget's settings for visitorID: its variant's while
// the widget runs an experiment, else (no experiment, no visitor id, no
// Variants) the widget's own, w.Parsed.
func (d Deps) SettingsFor(ctx context.Context, site *Site, w Widget, visitorID string) Settings {
	if d.Variants == nil || site == nil || visitorID == "" || !w.Experiment.Running() {
		return w.Parsed
	}
	return d.Variants.SettingsFor(ctx, site, w, visitorID)
}

// Router adds routes; fiber.Router satisfies it. The server's routers put
// their middleware in front of every route they add.
type Router interface {
	Add(method, path string, handlers ...fiber.Handler) fiber.Router
}

// Routes are the three places a module may add routes.
type Routes struct {
	// Public is /w/v1/{siteKey}: every route runs behind the per-IP rate
	// limit, the site lookup (SiteOf gives the site) and its Origin check,
	// CORS, and the public body limit (16 KiB; 6 MiB for a path with an
	// "/uploads/" segment, such as a review's photo).
	Public Router
	// Admin is /api/v1, behind bearer authentication; handlers call
	// api.Authorize with the scope they need.
	Admin Router
	// Hooks is the app's root, for third parties that call Beckon back
	// (a telephony provider's webhooks) and check their own signatures.
	Hooks Router
}

// Documented is a module whose routes are described for the API's OpenAPI
// document (/api/openapi.json): OpenAPI returns a fragment
// {"paths":{…},"components":{"schemas":{…}}} that the server merges into
// its own document at start. Its paths are full ("/w/v1/{siteKey}/…",
// "/api/v1/…"); it may refer to the server's schemas (#/components/schemas/Error).
type Documented interface {
	OpenAPI() []byte
}
