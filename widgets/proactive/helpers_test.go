package proactive_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

// origin is the site's origin as servertest.CreateSite makes it.
const origin = "https://shop.example"

// manual is the least trigger block: only beckon('show') shows the bubble.
const manual = `{"on":[{"type":"manual"}]}`

// env is a server with one site.
type env struct {
	*servertest.Server
	t       *testing.T
	siteID  string
	siteKey string
}

func newEnv(t *testing.T, ts *servertest.Server) *env {
	site := ts.CreateSite("Котлы")
	return &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
}

// proactive creates a proactive message with settings (a JSON object) and
// returns its id.
func (e *env) proactive(settings string) string {
	e.t.Helper()
	return e.CreateWidget(e.siteID, map[string]any{"type": "proactive", "settings": json.RawMessage(settings)})["id"].(string)
}

// reply sends a visitor's reply from the site's page.
func (e *env) reply(wid string, body map[string]any, headers ...string) servertest.Response {
	e.t.Helper()
	return e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+wid+"/replies", body, append([]string{"Origin", origin}, headers...)...)
}

// inbox is the site's leads of type proactive, newest first.
func (e *env) inbox() []map[string]any {
	e.t.Helper()
	r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/leads?type=proactive", nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var out struct {
		Leads []map[string]any `json:"leads"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		e.t.Fatalf("inbox: %v: %s", err, r.Body)
	}
	return out.Leads
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
		m["webhook-id"] = r.Header.Get("webhook-id")
		h.got <- m
	}))
	t.Cleanup(h.Close)
	return h
}

// next waits for the next webhook.
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

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
