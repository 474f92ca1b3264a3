package callback

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the callback widget.
const widgetType = "callback"

// defaultStreamHeartbeat is how often an idle progress stream sends a
// comment line: proxies keep it open, and a visitor who left is noticed.
const defaultStreamHeartbeat = 15 * time.Second

// ModuleOptions configure the callback widget; cmd/beckon fills them from
// the operator's configuration.
type ModuleOptions struct {
	// Provider places the bridge's calls: Twilio, or the simulator.
	Provider Provider
	// Workers bounds the requests this replica works on at once
	// (BECKON_CALLBACK_WORKERS); 0 makes an intake-only replica, which
	// stores requests and answers the provider's webhooks while other
	// replicas dial.
	Workers int
	// AllowPrivateWebhooks accepts notify_url values on internal addresses
	// (BECKON_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivateWebhooks bool
	// Consumer names this replica in the shared queue; default: host, pid
	// and a random suffix.
	Consumer string
	// StreamHeartbeat is how often an idle progress stream sends a comment
	// line (default 15 s).
	StreamHeartbeat time.Duration
}

// Module is the callback widget: a visitor leaves a number, the bridge
// rings a manager and then the visitor, and the two talk.
type Module struct {
	opts   ModuleOptions
	deps   widgets.Deps
	engine *Engine
	intake *Intake
	hub    *hub
	ctx    context.Context // the server's life; ends progress streams
	done   chan struct{}
}

// NewModule makes the callback widget's module.
func NewModule(opts ModuleOptions) *Module {
	if opts.Consumer == "" {
		host, _ := os.Hostname()
		opts.Consumer = host + "-" + strconv.Itoa(os.Getpid()) + "-" + newID()[:6]
	}
	if opts.StreamHeartbeat <= 0 {
		opts.StreamHeartbeat = defaultStreamHeartbeat
	}
	return &Module{opts: opts, hub: newHub(), ctx: context.Background()}
}

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module.
func (m *Module) Bundle() string { return "callback" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings {
	return &Settings{allowPrivate: m.opts.AllowPrivateWebhooks}
}

// Texts implements widgets.Module: the widget's, the voice's (whisper and
// visitor notices) and the consent text's.
func (m *Module) Texts() []string {
	return []string{"callback_widget", "voice", "twiml", "consent"}
}

// DemoSettings implements widgets.Demo. The demo's managers are simulated
// numbers (see callback/sim): they answer and press 1, so a newcomer sees
// the whole bridge. The consent text is Beckon's default naming the site
// as operator: what an owner gets without writing one (see consent.go).
func (m *Module) DemoSettings() string {
	return `{"position":"bottom-right","color":"#16a34a",
		"managers":[{"name":"Анна","phone":"+79000000010"},{"name":"Иван","phone":"+79000000020"}],
		"allowed_calling_codes":[7,375,380],
		"consent":{"required":true,"version":"demo-2"}}`
}

// Mount implements widgets.Module: intake and progress for visitors, the
// request log and analytics for owners, and the provider's webhooks.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	if m.opts.Provider == nil {
		return fmt.Errorf("callback: no telephony provider")
	}
	m.deps = d
	m.engine = NewEngine(d.Store, d.Sites, m.opts.Provider, Options{
		Consumer: m.opts.Consumer, Workers: m.opts.Workers, Logger: d.Log, Missed: m.missed, Connected: m.connectedCall,
	})
	m.intake = &Intake{St: d.Store, Now: d.Now, BudgetSpent: m.budgetSpent}
	if b, ok := m.opts.Provider.(Binder); ok {
		b.Bind(m.engine)
	}

	r.Public.Add(fiber.MethodPost, "/callbacks", m.createCallback)
	r.Public.Add(fiber.MethodGet, "/callbacks/availability", m.availability)
	r.Public.Add(fiber.MethodGet, "/callbacks/:id", m.getCallback)
	r.Public.Add(fiber.MethodGet, "/callbacks/:id/events", m.events)

	r.Admin.Add(fiber.MethodGet, "/sites/:id/callbacks", m.listCallbacks)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/callbacks/:cid", m.getCallbackAdmin)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/analytics/callbacks", m.analytics)
	r.Admin.Add(fiber.MethodPost, "/sites/:id/widgets/:wid/test-call", m.testCall)

	if w, ok := m.opts.Provider.(WebhookMounter); ok {
		w.Mount(r.Hooks, m.engine)
	}
	return nil
}

// connected tells the other widgets (social proof) that a visitor got
// their call: the request's id only, no number, no name.
func (m *Module) connected(ctx context.Context, _ store.Site, c store.Callback) {
	if m.deps.Activities != nil {
		m.deps.Activities.Tell(ctx, widgets.Activity{SiteID: c.SiteID, Kind: widgets.ActivityCallbackConnected, ID: c.ID, At: m.deps.Now().UTC()})
	}
}

// Start implements widgets.Runner: the progress streams' subscription and
// the engine's workers, until ctx ends.
func (m *Module) Start(ctx context.Context) error {
	m.ctx = ctx
	if err := m.deps.Store.Subscribe(ctx, ChangesChannel, func(p []byte) { m.hub.notify(string(p)) }); err != nil {
		return fmt.Errorf("callback: subscribe to request changes: %w", err)
	}
	m.done = make(chan struct{})
	go func() {
		defer close(m.done)
		if m.opts.Workers > 0 {
			m.engine.Run(ctx)
		} else {
			<-ctx.Done() // intake only: other replicas' workers dial
		}
		if c, ok := m.opts.Provider.(Closer); ok {
			c.Close()
		}
	}()
	return nil
}

// Wait implements widgets.Runner: the workers' jobs in hand end within
// their short deadline.
func (m *Module) Wait(ctx context.Context) {
	if m.done == nil {
		return
	}
	select {
	case <-m.done:
	case <-ctx.Done():
	}
}
