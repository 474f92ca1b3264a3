package server_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
)

var fiberParam = regexp.MustCompile(`:(\w+)`)

// openAPIPath turns a Fiber route into the OpenAPI form: :id → {id} and a
// trailing wildcard → {path}.
func openAPIPath(route string) string {
	route = fiberParam.ReplaceAllString(route, "{$1}")
	return strings.Replace(route, "/*", "/{path}", 1)
}

// TestOpenAPICoversRoutes fails when a route is added without documenting it,
// or documented without existing.
func TestOpenAPICoversRoutes(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	r := ts.Request("GET", "/api/openapi.json", nil)
	servertest.ExpectStatus(t, r, 200)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	served := map[string]bool{}
	for _, r := range ts.Srv.App().GetRoutes(true) {
		if r.Method == "HEAD" || r.Path == "/" || r.Method == "USE" {
			continue
		}
		p, m := openAPIPath(r.Path), strings.ToLower(r.Method)
		served[m+" "+p] = true
		if _, ok := doc.Paths[p][m]; !ok {
			t.Errorf("route %s %s is not in openapi.json (as %s %s)", r.Method, r.Path, m, p)
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			if !served[m+" "+p] {
				t.Errorf("openapi.json documents %s %s, which the server does not serve", m, p)
			}
		}
	}
	if len(served) < 20 {
		t.Fatalf("only %d routes found; is GetRoutes filtering too much?", len(served))
	}
}
