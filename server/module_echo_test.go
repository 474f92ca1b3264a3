package server_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/embed"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// echo is a widget type that exists only in these tests: the least a
// module is (settings, a public route, an admin route, background work),
// plugged into the server the way cmd/beckon plugs in callback and
// countdown, to show that a new type needs no change to package server.
type echo struct {
	deps widgets.Deps

	mu     sync.Mutex
	events []string // what the server did to the module, in order
	done   chan struct{}
}

// echoSettings are an echo widget's settings: a greeting visitors see and
// a note only the owner does.
type echoSettings struct {
	Greeting string `json:"greeting"`
	Note     string `json:"note"`
}

func (s *echoSettings) Normalize(store.Site) error {
	if s.Greeting == "" {
		s.Greeting = "hello"
	}
	return validate.Line("greeting", s.Greeting, true, 40)
}

func (s *echoSettings) Public() any { return map[string]string{"greeting": s.Greeting} }

func (e *echo) Type() string                  { return "echo" }
func (e *echo) Bundle() string                { return "echo" }
func (e *echo) NewSettings() widgets.Settings { return new(echoSettings) }
func (e *echo) Texts() []string               { return nil }

// OpenAPI describes the echo routes (widgets.Documented).
func (e *echo) OpenAPI() []byte {
	return []byte(`{"paths":{
		"/w/v1/{siteKey}/echo":{"get":{"responses":{"200":{"description":"the greeting","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Echo"}}}}}},
		                        "post":{"responses":{"200":{"description":"the greeting"}}}},
		"/api/v1/sites/{id}/echo":{"get":{"responses":{"200":{"description":"the note"},"404":{"description":"no site","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}}},
		"components":{"schemas":{"Echo":{"type":"object","properties":{"greeting":{"type":"string"}}}}}}`)
}

func (e *echo) Mount(d widgets.Deps, r widgets.Routes) error {
	e.deps = d
	e.record("mount")
	r.Public.Add(fiber.MethodGet, "/echo", e.publicEcho)
	r.Public.Add(fiber.MethodPost, "/echo", e.publicEcho)
	r.Admin.Add(fiber.MethodGet, "/sites/:id/echo", e.adminEcho)
	return nil
}

// Start runs the module's background work until ctx ends.
func (e *echo) Start(ctx context.Context) error {
	e.record("start")
	e.done = make(chan struct{})
	go func() {
		<-ctx.Done()
		e.record("stop")
		close(e.done)
	}()
	return nil
}

func (e *echo) Wait(waitCtx context.Context) {
	select {
	case <-e.done:
		e.record("wait")
	case <-waitCtx.Done():
	}
}

func (e *echo) record(event string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events = append(e.events, event)
}

func (e *echo) recorded() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.events...)
}

// greeting is the greeting of the site's enabled echo widget, "" if none.
func greeting(site *widgets.Site) string {
	w, ok := site.Enabled("echo", "")
	if !ok {
		return ""
	}
	return w.Parsed.(*echoSettings).Greeting
}

// publicEcho answers a visitor with what the server told the module: the
// site of the key and the widget's greeting, and a POSTed text back.
func (e *echo) publicEcho(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	var in struct {
		Text string `json:"text"`
	}
	if c.Method() == fiber.MethodPost {
		if err := api.DecodeBody(c, &in); err != nil {
			return err
		}
	}
	return c.JSON(fiber.Map{"site": site.ID, "greeting": greeting(site), "text": in.Text})
}

// adminEcho shows the owner the site as the server's cache has it, found
// by id and then by key.
func (e *echo) adminEcho(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, "widgets:read"); err != nil {
		return err
	}
	byID, err := e.deps.Sites.ByID(c.UserContext(), id)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	byKey, err := e.deps.Sites.ByKey(c.UserContext(), byID.Key)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"by_id": greeting(byID), "by_key": greeting(byKey), "name": byID.Name})
}

// echoBundle is the echo widget's browser bundle.
const echoBundle = `beckon('define', 'echo', function (ctx) { ctx.root.textContent = ctx.widget.settings.greeting; return {}; });`

// echoAssets are the built bundles (embed/dist) plus the echo bundle, as
// a build with an echo widget would make them.
func echoAssets(t *testing.T) *embed.Assets {
	t.Helper()
	dist := os.DirFS("../embed/dist")
	raw, err := fs.ReadFile(dist, embed.ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	var m embed.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	files := fstest.MapFS{"echo.e0e0e0e0.js": {Data: []byte(echoBundle)}}
	for _, name := range append([]string{m.Loader}, slices.Collect(maps.Values(m.Widgets))...) {
		data, err := fs.ReadFile(dist, name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = &fstest.MapFile{Data: data}
	}
	m.Widgets["echo"] = "echo.e0e0e0e0.js"
	if raw, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	files[embed.ManifestName] = &fstest.MapFile{Data: raw}
	assets, err := embed.New(files)
	if err != nil {
		t.Fatal(err)
	}
	return assets
}
