package reviews_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

// origin is the site's origin as servertest.CreateSite makes it.
const origin = "https://shop.example"

// env is a server with one site.
type env struct {
	*servertest.Server
	t       *testing.T
	siteID  string
	siteKey string
}

func newEnv(t *testing.T, ts *servertest.Server) *env {
	site := ts.CreateSite("Магазин")
	return &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
}

// widget creates a reviews widget with settings (a JSON object).
func (e *env) widget(settings string) string {
	e.t.Helper()
	return e.CreateWidget(e.siteID, map[string]any{"type": "reviews", "settings": json.RawMessage(settings)})["id"].(string)
}

// visit sends a visitor's request from the site's page.
func (e *env) visit(method, path string, body any, headers ...string) servertest.Response {
	e.t.Helper()
	return e.Request(method, "/w/v1/"+e.siteKey+path, body, append([]string{"Origin", origin}, headers...)...)
}

// review sends the form with body's fields over a valid review's.
func (e *env) review(wid string, body map[string]any) servertest.Response {
	e.t.Helper()
	in := map[string]any{"rating": 4, "text": "Доставили вовремя, но коробка помята.", "name": "Ирина", "visitor_id": "v1",
		"consent": true, "lang": "ru"}
	for k, v := range body {
		if v == nil {
			delete(in, k)
		} else {
			in[k] = v
		}
	}
	return e.visit("POST", "/widgets/"+wid+"/reviews", in)
}

// shown is the public list of the widget.
func (e *env) shown(wid, query string) publicList {
	e.t.Helper()
	r := e.visit("GET", "/widgets/"+wid+"/reviews"+query, nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var out publicList
	if err := json.Unmarshal(r.Body, &out); err != nil {
		e.t.Fatalf("public list: %v: %s", err, r.Body)
	}
	return out
}

type publicList struct {
	Reviews []struct {
		ID       string `json:"id"`
		Rating   int    `json:"rating"`
		Text     string `json:"text"`
		Name     string `json:"name"`
		Date     string `json:"date"`
		Verified bool   `json:"verified"`
		Imported bool   `json:"imported"`
		PhotoURL string `json:"photo_url"`
		Answer   *struct {
			Text string `json:"text"`
		} `json:"answer"`
	} `json:"reviews"`
	NextCursor string  `json:"next_cursor"`
	Count      int     `json:"count"`
	Average    float64 `json:"average"`
}

// inbox is the site's reviews as the owner sees them.
func (e *env) inbox(query string) []map[string]any {
	e.t.Helper()
	r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/reviews"+query, nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var out struct {
		Reviews []map[string]any `json:"reviews"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		e.t.Fatalf("inbox: %v: %s", err, r.Body)
	}
	return out.Reviews
}

// act is an owner's moderation call on one review.
func (e *env) act(method, rid, action string, body any) servertest.Response {
	e.t.Helper()
	return e.Admin(method, "/api/v1/sites/"+e.siteID+"/reviews/"+rid+"/"+action, body)
}

// hooks is the owner's webhook receiver: each webhook's body, in order.
type hooks struct {
	*httptest.Server
	got chan map[string]any
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{got: make(chan map[string]any, 64)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("webhook body: %v: %s", err, body)
		}
		h.got <- m
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hooks) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case m := <-h.got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook within 10 s")
		return nil
	}
}
