package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/widgets/standard"
)

// TestEveryPageIsPhotographed: every GET route under /app that the app
// registers is in pages (photographed) or in notPages (with the reason it
// is no page), so a new dashboard page without a picture fails here.
func TestEveryPageIsPhotographed(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	listed := map[string]bool{}
	for _, pg := range pages {
		listed[pg.route] = true
	}
	for _, r := range ts.Srv.App().GetRoutes(true) {
		if r.Method != "GET" || !strings.HasPrefix(r.Path, "/app/") {
			continue
		}
		if listed[r.Path] {
			continue
		}
		if why, ok := notPages[r.Path]; ok {
			if why == "" {
				t.Errorf("notPages[%q] gives no reason", r.Path)
			}
			continue
		}
		t.Errorf("GET %s is in neither pages nor notPages of cmd/screenshots/pages.go: add its picture (or say why it has none)", r.Path)
	}
}

// TestPagePathsFillIn: every page's path names only values the seed
// gives, and routes with parameters are opened with them filled in.
func TestPagePathsFillIn(t *testing.T) {
	p := &photographer{v: values{"site": siteID, "lead_callback": leadCallback, "lead_quiz": leadQuiz,
		"key": "key_x", "invite": "tok", "share": "sh"}}
	for _, typ := range []string{"callback", "popup", "quiz"} {
		p.v["widget_"+typ] = widgetID(typ)
	}
	names := map[string]bool{}
	for _, pg := range pages {
		if names[pg.name] {
			t.Errorf("two pages are named %q: their pictures would overwrite each other", pg.name)
		}
		names[pg.name] = true
		path, ok := p.fill(pg.path)
		if !ok || strings.ContainsAny(path, "{}:") {
			t.Errorf("%s: path %q fills in as %q", pg.name, pg.path, path)
		}
		if strings.Count(pg.route, ":") != strings.Count(pg.path, "{") {
			t.Errorf("%s: route %q has %d parameters, path %q fills %d", pg.name, pg.route, strings.Count(pg.route, ":"), pg.path, strings.Count(pg.path, "{"))
		}
	}
}

// TestREADMEShowsPicturesTheCommandTakes: every picture README.md shows
// is one the command makes, so renaming a page cannot leave the README
// pointing at a picture that is no longer taken.
func TestREADMEShowsPicturesTheCommandTakes(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	taken := map[string]bool{}
	for _, vp := range viewports {
		for _, pg := range pages {
			taken["dashboard-"+pg.name+"-"+vp.name] = true
		}
		for _, m := range standard.Modules(servertest.Config(), sim.New(sim.Delays{})) {
			taken["widget-"+m.Type()+"-"+vp.name] = true
		}
	}
	shown := regexp.MustCompile(`docs/screenshots/([a-z0-9_-]+)\.png`).FindAllStringSubmatch(string(readme), -1)
	if len(shown) == 0 {
		t.Fatal("README.md shows no screenshots")
	}
	for _, m := range shown {
		if !taken[m[1]] {
			t.Errorf("README.md shows %s.png, which cmd/screenshots does not take", m[1])
		}
	}
}
