package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestAdminAuth(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		a := ts.CreateSite("A")["id"].(string)
		b := ts.CreateSite("B")["id"].(string)
		readOnly := ts.CreateKey(a, "site:read", "widgets:read")
		writer := ts.CreateKey(a, "widgets:write", "widgets:read")

		bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
		cases := []struct {
			name, method, path string
			body               any
			headers            []string
			status             int
			code               string
		}{
			{"no token", "GET", "/api/v1/sites", nil, nil, 401, "unauthorized"},
			{"basic auth", "GET", "/api/v1/sites", nil, []string{"Authorization", "Basic YTpi"}, 401, "unauthorized"},
			{"wrong token", "GET", "/api/v1/sites", nil, bearer("nope"), 401, "unauthorized"},
			{"key lists all sites", "GET", "/api/v1/sites", nil, bearer(readOnly), 403, "forbidden"},
			{"key creates a site", "POST", "/api/v1/sites", map[string]any{"name": "x"}, bearer(writer), 403, "forbidden"},
			{"key reads own site", "GET", "/api/v1/sites/" + a, nil, bearer(readOnly), 200, ""},
			{"key reads other site", "GET", "/api/v1/sites/" + b, nil, bearer(readOnly), 404, "not_found"},
			{"key lists other site's widgets", "GET", "/api/v1/sites/" + b + "/widgets", nil, bearer(writer), 404, "not_found"},
			{"key without scope reads site", "GET", "/api/v1/sites/" + a, nil, bearer(writer), 403, "forbidden"},
			{"key without scope writes widget", "POST", "/api/v1/sites/" + a + "/widgets", map[string]any{"type": "callback"}, bearer(readOnly), 403, "forbidden"},
			{"key with scope writes widget", "POST", "/api/v1/sites/" + a + "/widgets", map[string]any{"type": "callback"}, bearer(writer), 201, ""},
			{"key writes other site's widget", "POST", "/api/v1/sites/" + b + "/widgets", map[string]any{"type": "callback"}, bearer(writer), 404, "not_found"},
			{"key patches its site", "PATCH", "/api/v1/sites/" + a, map[string]any{"name": "x"}, bearer(writer), 403, "forbidden"},
			{"key deletes its site", "DELETE", "/api/v1/sites/" + a, nil, bearer(writer), 403, "forbidden"},
			{"key manages keys", "POST", "/api/v1/sites/" + a + "/keys", map[string]any{"name": "x", "scopes": []string{"site:read"}}, bearer(writer), 403, "forbidden"},
			{"key lists other site's keys", "GET", "/api/v1/sites/" + b + "/keys", nil, bearer(writer), 404, "not_found"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := ts.Request(tc.method, tc.path, tc.body, tc.headers...)
				servertest.ExpectStatus(t, r, tc.status)
				if tc.code != "" && r.ErrorCode(t) != tc.code {
					t.Fatalf("code: %s", r.Body)
				}
				if tc.status == 401 && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Fatalf("401 without WWW-Authenticate")
				}
			})
		}
		r := ts.Admin("GET", "/api/v1/sites/"+b+"/widgets", nil)
		if n := len(r.JSON(t)["widgets"].([]any)); n != 0 {
			t.Fatalf("refused request created a widget on B: %s", r.Body)
		}
		r = ts.Admin("GET", "/api/v1/sites", nil)
		if n := len(r.JSON(t)["sites"].([]any)); n != 2 {
			t.Fatalf("refused requests changed the sites: %s", r.Body)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		a := ts.CreateSite("A")["id"].(string)
		b := ts.CreateSite("B")["id"].(string)

		r := ts.Admin("POST", "/api/v1/sites/"+a+"/keys", map[string]any{"name": "CRM sync", "scopes": []string{"site:read"}})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		created := r.JSON(t)
		secret := created["secret"].(string)
		if !strings.HasPrefix(secret, created["prefix"].(string)) || created["hash"] != nil {
			t.Fatalf("created key: %s", r.Body)
		}
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+a, nil, "Authorization", "Bearer "+secret), http.StatusOK)

		r = ts.Admin("GET", "/api/v1/sites/"+a+"/keys", nil)
		if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), sha256Hex(secret)) {
			t.Fatalf("key list reveals the secret or its hash: %s", r.Body)
		}
		if keys := r.JSON(t)["keys"].([]any); len(keys) != 1 || keys[0].(map[string]any)["name"] != "CRM sync" {
			t.Fatalf("list: %s", r.Body)
		}

		for _, bad := range []struct{ body, field string }{
			{`{"name":"x","scopes":["root"]}`, "scopes[0]"},
			{`{"name":"x","scopes":[]}`, "scopes"},
			{`{"scopes":["site:read"]}`, "name"},
		} {
			r := ts.Admin("POST", "/api/v1/sites/"+a+"/keys", bad.body)
			servertest.ExpectStatus(t, r, 422)
			if r.ErrorField(t) != bad.field {
				t.Fatalf("%s: %s", bad.body, r.Body)
			}
		}

		kid := created["id"].(string)
		servertest.ExpectStatus(t, ts.Admin("DELETE", "/api/v1/sites/"+b+"/keys/"+kid, nil), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+a, nil, "Authorization", "Bearer "+secret), http.StatusOK)
		servertest.ExpectStatus(t, ts.Admin("DELETE", "/api/v1/sites/"+a+"/keys/"+kid, nil), http.StatusNoContent)
		servertest.ExpectStatus(t, ts.Request("GET", "/api/v1/sites/"+a, nil, "Authorization", "Bearer "+secret), http.StatusUnauthorized)
		servertest.ExpectStatus(t, ts.Admin("DELETE", "/api/v1/sites/"+a+"/keys/"+kid, nil), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Admin("POST", "/api/v1/sites/site_nope/keys", map[string]any{"name": "x", "scopes": []string{"site:read"}}), http.StatusNotFound)
	})
}

// sha256Hex is how the server keeps secrets: their SHA-256, in hex.
func sha256Hex(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
