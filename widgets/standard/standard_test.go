package standard_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/embed"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/standard"
)

// served are the modules a binary serves, as cmd/beckon builds them.
func served(t *testing.T) []widgets.Module {
	t.Helper()
	list := standard.Modules(servertest.Config(), sim.New(servertest.FastCalls))
	if len(list) == 0 {
		t.Fatal("the binary serves no widget type")
	}
	return list
}

// typesOf lists the modules' types in order.
func typesOf(list []widgets.Module) []string {
	var out []string
	for _, m := range list {
		out = append(out, m.Type())
	}
	return out
}

// TestEveryModuleHasItsBundle: the server refuses to start with a type
// whose bundle is not built, so this failing means the binary would not
// start.
func TestEveryModuleHasItsBundle(t *testing.T) {
	assets := embed.Default()
	for _, m := range served(t) {
		if _, ok := assets.BundleURL(m.Bundle()); !ok {
			t.Errorf("%s: no bundle %q in embed/dist; add embed/src/widgets/%s/index.ts and run npm run build --prefix embed", m.Type(), m.Bundle(), m.Bundle())
		}
	}
}

// TestEveryModuleSpeaksThreeLanguages: each catalogue file a module names
// exists and holds texts in ru, uk and en (i18n's own tests check every
// text inside).
func TestEveryModuleSpeaksThreeLanguages(t *testing.T) {
	for _, m := range served(t) {
		if len(m.Texts()) == 0 {
			t.Errorf("%s names no i18n catalogue file: every widget shows or says something", m.Type())
		}
		for _, name := range m.Texts() {
			if !slices.Contains(i18n.Names(), name) {
				t.Errorf("%s: no catalogue file i18n/%s.json", m.Type(), name)
				continue
			}
			byLang, err := i18n.Load[map[string]any](name)
			if err != nil {
				t.Errorf("%s: %v", m.Type(), err)
				continue
			}
			for _, lang := range []string{"ru", "uk", "en"} {
				if len(byLang[lang]) == 0 {
					t.Errorf("%s: i18n/%s.json has no %s texts", m.Type(), name, lang)
				}
			}
		}
	}
}

// TestDemoSettingsAreValid: the first start creates the demo site with
// each demo module's settings; settings its own checks refuse would stop
// the server from starting on a fresh machine.
func TestDemoSettingsAreValid(t *testing.T) {
	cfg := servertest.Config()
	site := store.Site{ID: "site_demo", Key: "demo", Name: "Beckon demo", Origins: []string{cfg.PublicOrigin()},
		Timezone: "Europe/Moscow", Locale: "ru", Region: "RU"}
	demos := 0
	for _, m := range served(t) {
		d, ok := m.(widgets.Demo)
		if !ok {
			continue
		}
		demos++
		settings, err := widgets.Normalize(m, json.RawMessage(d.DemoSettings()), site)
		if err != nil {
			t.Errorf("%s: the demo settings are refused: %v", m.Type(), err)
			continue
		}
		if _, err := widgets.Parse(m, settings); err != nil {
			t.Errorf("%s: the normalised demo settings do not read back: %v", m.Type(), err)
		}
	}
	if demos == 0 {
		t.Fatal("no module has demo settings: /demo would show a newcomer nothing")
	}
}

// TestDemoShowsEveryDemoModule: a newcomer's /demo loads, in the modules'
// order, one widget of every type that has a demo, each with its bundle.
func TestDemoShowsEveryDemoModule(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{Demo: true})
		var want []string
		for _, m := range served(t) {
			if _, ok := m.(widgets.Demo); ok {
				want = append(want, m.Type())
			}
		}
		r := ts.Request("GET", "/w/v1/"+ts.DemoKey+"/config", nil, "Origin", ts.Base)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var config struct {
			Widgets []struct{ Type, Bundle string }
		}
		if err := json.Unmarshal(r.Body, &config); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range config.Widgets {
			got = append(got, w.Type)
			if url, _ := embed.Default().BundleURL(w.Type); w.Bundle != url {
				t.Errorf("%s: the config names bundle %q, want %q", w.Type, w.Bundle, url)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("the demo shows %v, want %v", got, want)
		}
	})
}

// TestOpenAPIListsTheServedTypes: the served OpenAPI document's widget
// type enum, what clients generate code from, names exactly the types this
// binary serves, and every module with routes describes them.
func TestOpenAPIListsTheServedTypes(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	r := ts.Request("GET", "/api/openapi.json", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
	raw := r.Body
	for _, m := range served(t) {
		if _, ok := m.(widgets.Documented); !ok {
			t.Errorf("the %s widget has routes but describes none of them (widgets.Documented)", m.Type())
		}
	}
	var doc struct {
		Components struct {
			Schemas struct {
				WidgetInput struct {
					Properties struct {
						Type struct {
							Enum []string `json:"enum"`
						} `json:"type"`
					} `json:"properties"`
				} `json:"WidgetInput"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Components.Schemas.WidgetInput.Properties.Type.Enum
	want := typesOf(served(t))
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("/api/openapi.json's WidgetInput.type enum is %v; the binary serves %v", got, want)
	}
}
