package quiz

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/widgets"
)

// widgetType is the API's name of the quiz widget.
const widgetType = "quiz"

// ModuleOptions configure the quiz widget; cmd/beckon fills them from the
// operator's configuration.
type ModuleOptions struct {
	// AllowPrivateWebhooks accepts notify_url values on internal addresses
	// (BECKON_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivateWebhooks bool
	// Limits bound sessions and leads per address and visitor; the zero
	// value is DefaultLimits (see limits.go).
	Limits Limits
}

// Module is the quiz widget: questions that qualify a visitor, a result
// worked out by the server, and a lead in the site's inbox.
type Module struct {
	opts     ModuleOptions
	deps     widgets.Deps
	versions *versions // versions.go
	tallies  *tallies  // analytics.go
	recent   *recent   // sessions.go
	done     chan struct{}
}

// NewModule makes the quiz widget's module.
func NewModule(opts ModuleOptions) *Module {
	opts.Limits = opts.Limits.withDefaults()
	return &Module{opts: opts}
}

// Type implements widgets.Module.
func (m *Module) Type() string { return widgetType }

// Bundle implements widgets.Module: embed/src/widgets/quiz.
func (m *Module) Bundle() string { return "quiz" }

// NewSettings implements widgets.Module.
func (m *Module) NewSettings() widgets.Settings {
	return &Settings{allowPrivate: m.opts.AllowPrivateWebhooks}
}

// Texts implements widgets.Module: i18n/quiz_widget.json.
func (m *Module) Texts() []string { return []string{"quiz_widget"} }

// Mount implements widgets.Module: sessions, answers, leads and views for
// visitors; analytics and the stored versions for owners.
func (m *Module) Mount(d widgets.Deps, r widgets.Routes) error {
	m.deps = d
	m.versions = newVersions(d.Store)
	m.tallies = newTallies(d.Store, d.Log)
	m.recent = newRecent()

	r.Public.Add(fiber.MethodPost, "/quizzes/:wid/sessions", m.startSession)
	r.Public.Add(fiber.MethodGet, "/quizzes/:wid/sessions/:sid", m.getSession)
	r.Public.Add(fiber.MethodPut, "/quizzes/:wid/sessions/:sid/answers/:step", m.putAnswer)
	r.Public.Add(fiber.MethodPost, "/quizzes/:wid/sessions/:sid/lead", m.postLead)
	r.Public.Add(fiber.MethodPost, "/quizzes/:wid/views", m.postView)

	r.Admin.Add(fiber.MethodGet, "/sites/:id/widgets/:wid/quiz/analytics", m.analytics)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/widgets/:wid/quiz/versions", m.listVersions)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/widgets/:wid/quiz/versions/:n", m.getVersion)
	r.Admin.Add(fiber.MethodPost, "/sites/:id/widgets/:wid/quiz/formula-preview", m.formulaPreview)
	return nil
}

// Start implements widgets.Runner: analytics counts reach the store about
// once a second, and once more at shutdown.
func (m *Module) Start(ctx context.Context) error {
	m.done = make(chan struct{})
	go func() {
		defer close(m.done)
		m.tallies.run(ctx)
	}()
	return nil
}

// Wait implements widgets.Runner: returns once the last counts are
// written, or when ctx ends first. The server calls it after the last
// requests have been answered, so their counts are written here too.
func (m *Module) Wait(ctx context.Context) {
	if m.done == nil {
		return
	}
	select {
	case <-m.done:
	case <-ctx.Done():
		return
	}
	if err := m.tallies.flush(ctx); err != nil {
		m.deps.Log.Error("quiz: write the last analytics counts at shutdown", "err", err)
	}
}
