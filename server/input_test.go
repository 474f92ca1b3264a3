package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestOriginsAreStoredAsBrowsersSendThem: an origin typed with its default
// port, capitals, a trailing slash or a Unicode host is stored the way a
// browser writes its Origin header, so the site's pages are then served.
func TestOriginsAreStoredAsBrowsersSendThem(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop", "https://Shop.Example:443/", "HTTP://www.shop.example:80", "https://магазин.рф",
			"http://localhost:03000", "http://[0:0::1]:8080", "https://shop.example")
		want := []string{"https://shop.example", "http://www.shop.example", "https://xn--80aairftm.xn--p1ai",
			"http://localhost:3000", "http://[::1]:8080"}
		var got []string
		for _, o := range site["origins"].([]any) {
			got = append(got, o.(string))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("origins stored as %q, want %q", got, want)
		}
		ts.CreateWidget(site["id"].(string), map[string]any{"type": "callback"})
		for _, origin := range want {
			r := ts.Request("GET", "/w/v1/"+site["key"].(string)+"/config", nil, "Origin", origin)
			servertest.ExpectStatus(t, r, http.StatusOK)
			if r.Header.Get("Access-Control-Allow-Origin") != origin {
				t.Fatalf("Origin %s: Access-Control-Allow-Origin %q", origin, r.Header.Get("Access-Control-Allow-Origin"))
			}
		}
	})
}

// TestNamesAndOriginsThatCanNeverWork: each bad value is refused with a 422
// (a 400 for a body that is not UTF-8) naming the field, by POST and PATCH,
// on both stores, and nothing changes.
func TestNamesAndOriginsThatCanNeverWork(t *testing.T) {
	site := func(name string, origins ...string) string {
		if origins == nil {
			origins = []string{"https://shop.example"}
		}
		b, _ := json.Marshal(map[string]any{"name": name, "origins": origins})
		return string(b)
	}
	tooMany := make([]string, 51)
	for i := range tooMany {
		tooMany[i] = "https://s" + strconv.Itoa(i) + ".example"
	}
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"NUL in name", site("Shop\x00"), 422, "name"},
		{"line break in name", site("Shop\r\nPress 1"), 422, "name"},
		{"tab in name", site("Shop\tX"), 422, "name"},
		{"bidi override in name", site("Shop \u202egnp.exe"), 422, "name"},
		{"bidi isolate in name", site("\u2066Shop\u2069"), 422, "name"},
		{"zero-width only name", site("\u200b\u200d\ufeff"), 422, "name"},
		{"Hangul filler name", site("\u3164"), 422, "name"},
		{"invalid UTF-8", `{"name":"Shop ` + "\xff\xfe" + `","origins":["https://shop.example"]}`, 400, ""},
		{"lone surrogate escape", `{"name":"Shop \ud800","origins":["https://shop.example"]}`, 400, ""},
		{"wildcard origin", site("Shop", "https://*.shop.example"), 422, "origins[0]"},
		{"third origin with a path", site("Shop", "https://a.example", "https://b.example", "https://c.example/shop"), 422, "origins[2]"},
		{"origin with a query", site("Shop", "https://shop.example?x=1"), 422, "origins[0]"},
		{"origin with user info", site("Shop", "https://user:pw@shop.example"), 422, "origins[0]"},
		{"ftp origin", site("Shop", "ftp://shop.example"), 422, "origins[0]"},
		{"null origin", site("Shop", "null"), 422, "origins[0]"},
		{"5000-character host", site("Shop", "https://"+strings.Repeat("a", 5000)+".example"), 422, "origins[0]"},
		{"254-character host", site("Shop", "https://"+strings.Repeat(strings.Repeat("a", 62)+".", 4)+"example"), 422, "origins[0]"},
		{"64-character label", site("Shop", "https://"+strings.Repeat("a", 64)+".example"), 422, "origins[0]"},
		{"empty label", site("Shop", "https://shop..example"), 422, "origins[0]"},
		{"underscore host", site("Shop", "https://my_shop.example"), 422, "origins[0]"},
		{"numeric last label", site("Shop", "https://1.2.3"), 422, "origins[0]"},
		{"port 0", site("Shop", "https://shop.example:0"), 422, "origins[0]"},
		{"port 70000", site("Shop", "https://shop.example:70000"), 422, "origins[0]"},
		{"51 origins", site("Shop", tooMany...), 422, "origins"},
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		existing := ts.CreateSite("Existing")
		before := ts.Admin("GET", "/api/v1/sites", nil).Body
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				for _, target := range []struct{ method, path string }{
					{"POST", "/api/v1/sites"},
					{"PATCH", "/api/v1/sites/" + existing["id"].(string)},
				} {
					r := ts.Admin(target.method, target.path, tc.body)
					servertest.ExpectStatus(t, r, tc.status)
					if field := r.ErrorField(t); field != tc.field {
						t.Fatalf("%s: field %q, want %q: %s", target.method, field, tc.field, r.Body)
					}
				}
			})
		}
		if after := ts.Admin("GET", "/api/v1/sites", nil).Body; string(after) != string(before) {
			t.Fatalf("sites changed after refused requests:\nbefore %s\nafter  %s", before, after)
		}
		// Text that only looks odd is kept as it was sent.
		for _, name := range []string{"Магазин «Котлы»", "שלום \u200fשופ", "👨\u200d👩\u200d👧 Family shop", "<b>Shop</b>"} {
			got := ts.CreateSite(name)
			if got["name"] != name {
				t.Fatalf("name %q stored as %q", name, got["name"])
			}
		}
		// Escapes that are characters: a surrogate pair, and an escaped
		// backslash before "ud800" (text, not an escape).
		for body, want := range map[string]string{
			`{"name":"Shop \ud83d\ude00","origins":["https://shop.example"]}`: "Shop 😀",
			`{"name":"C:\\ud800","origins":["https://shop.example"]}`:         `C:\ud800`,
		} {
			r := ts.Admin("POST", "/api/v1/sites", body)
			servertest.ExpectStatus(t, r, http.StatusCreated)
			if got := r.JSON(t)["name"]; got != want {
				t.Fatalf("%s: name %q, want %q", body, got, want)
			}
		}
	})
}

// TestManagerAndVisitorNamesAreOneLine: a manager's or a visitor's name
// cannot carry a line break (or other hidden characters) into the whisper
// the manager hears.
func TestManagerAndVisitorNamesAreOneLine(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop", shopOrigin)
		for _, bad := range []string{"Anna\r\nPress 1", "Anna\x00", "\u202eannA", "\u200b"} {
			r := ts.Admin("POST", "/api/v1/sites/"+site["id"].(string)+"/widgets", map[string]any{"type": "callback",
				"settings": map[string]any{"managers": []any{map[string]any{"name": bad, "phone": "+79000000010"}}}})
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != "settings.managers[0].name" {
				t.Fatalf("manager name %q: field %q: %s", bad, f, r.Body)
			}
		}
		siteID, key, _ := ts.CallbackSite(`,"limits":{"per_ip":1000,"per_visitor":1000}`)
		for _, tc := range []struct{ field, value string }{
			{"name", "Ivan\r\nPress 1"}, {"name", "Ivan\u2028Press 1"}, {"name", "\u200b\u200b"}, {"name", "Ivan\x1b[2J"},
			{"visitor_id", "vis\n1"}, {"visitor_id", "\u2067vis"}, {"page_title", "Boilers\r\nPress 1"},
		} {
			body := map[string]any{"phone": "+79161234567", "visitor_id": "vis-1", tc.field: tc.value}
			r := ts.PostCallback(key, body)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != tc.field {
				t.Fatalf("%s %q: field %q: %s", tc.field, tc.value, f, r.Body)
			}
		}
		r := ts.Request("POST", "/w/v1/"+key+"/callbacks", `{"phone":"+79161234567","visitor_id":"vis-1","name":"Iv`+"\xc3\x28"+`an"}`, "Origin", shopOrigin)
		servertest.ExpectStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(string(r.Body), "UTF-8") {
			t.Fatalf("invalid UTF-8 not named: %s", r.Body)
		}
		if list := ts.ListCallbacks(siteID); len(list) != 0 {
			t.Fatalf("refused requests were stored: %+v", list)
		}
	})
}

// TestJSONContentType: a JSON body is read with Content-Type
// application/json (any parameters, UTF-8) or with none at all (curl -d in
// a script, a server's HTTP client); any other type is refused with 415
// before the body is read, and nothing is stored.
func TestJSONContentType(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	body := `{"name":"Shop","origins":["https://shop.example"]}`
	for _, tc := range []struct {
		contentType string // "-": no header at all
		status      int
	}{
		{"-", 201},
		{"application/json", 201},
		{"application/json; charset=utf-8", 201},
		{"Application/JSON;charset=UTF-8", 201},
		{"application/jsonfoo", 415},
		{"application/json-patch+json", 415},
		{"text/plain", 415},
		{"application/x-www-form-urlencoded", 415},
		{"application/json; charset=latin1", 415},
		{"application/json; charset", 415},
	} {
		req, _ := http.NewRequest("POST", ts.Base+"/api/v1/sites", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+servertest.AdminToken)
		if tc.contentType != "-" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		resp, err := servertest.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r := servertest.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
		if r.Status != tc.status {
			t.Fatalf("Content-Type %q: %d, want %d: %s", tc.contentType, r.Status, tc.status, data)
		}
		if tc.status == 415 && r.ErrorCode(t) != "unsupported_media_type" {
			t.Fatalf("Content-Type %q: %s", tc.contentType, data)
		}
	}
	var list struct{ Sites []store.Site }
	json.Unmarshal(ts.Admin("GET", "/api/v1/sites", nil).Body, &list)
	if len(list.Sites) != 4 {
		t.Fatalf("%d sites stored, want the 4 accepted", len(list.Sites))
	}

	// The public API reads bodies the same way.
	siteID, key, _ := ts.CallbackSite("")
	visitor := `{"phone":"+79161234567","visitor_id":"vis-1"}`
	r := ts.Request("POST", "/w/v1/"+key+"/callbacks", visitor, "Origin", shopOrigin, "Content-Type", "application/jsonfoo")
	servertest.ExpectStatus(t, r, http.StatusUnsupportedMediaType)
	if len(ts.ListCallbacks(siteID)) != 0 {
		t.Fatal("a refused request was stored")
	}
	servertest.ExpectStatus(t, ts.Request("POST", "/w/v1/"+key+"/callbacks", visitor, "Origin", shopOrigin, "Content-Type", "application/json; charset=utf-8"), http.StatusAccepted)
}
