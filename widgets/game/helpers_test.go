package game_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
)

// origin is the site's origin as servertest.CreateSite makes it.
const origin = "https://shop.example"

// env is a server with one site (locale ru, region RU).
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

// game creates a game widget with settings (a JSON object) and returns its id.
func (e *env) game(settings string) string {
	e.t.Helper()
	return e.CreateWidget(e.siteID, map[string]any{"type": "game", "settings": json.RawMessage(settings)})["id"].(string)
}

// visit sends a visitor's request from the site's page.
func (e *env) visit(method, path string, body any, headers ...string) servertest.Response {
	e.t.Helper()
	return e.Request(method, "/w/v1/"+e.siteKey+path, body, append([]string{"Origin", origin}, headers...)...)
}

// play draws for visitor with phone.
func (e *env) play(wid, visitor, phone string, headers ...string) servertest.Response {
	e.t.Helper()
	return e.visit("POST", "/games/"+wid+"/draw", map[string]any{"visitor_id": visitor,
		"contact": map[string]any{"phone": phone}, "consent": true, "lang": "ru"}, headers...)
}

// answer is a 200 draw.
type answer struct {
	DrawID string `json:"draw_id"`
	Prize  *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"prize"`
	Code        *string `json:"code"`
	CodePending bool    `json:"code_pending"`
	Already     bool    `json:"already"`
}

func (a answer) prizeID() string {
	if a.Prize == nil {
		return ""
	}
	return a.Prize.ID
}

func (a answer) code() string {
	if a.Code == nil {
		return ""
	}
	return *a.Code
}

// drawn expects a 200 and decodes it.
func drawn(t *testing.T, r servertest.Response) answer {
	t.Helper()
	servertest.ExpectStatus(t, r, http.StatusOK)
	var a answer
	if err := json.Unmarshal(r.Body, &a); err != nil || a.DrawID == "" {
		t.Fatalf("draw answer %s: %v", r.Body, err)
	}
	return a
}

// stats is the owner's report of the game.
type stats struct {
	Campaign string `json:"campaign"`
	Draws    int    `json:"draws"`
	Wins     int    `json:"wins"`
	Prizes   []struct {
		ID    string `json:"id"`
		Given int    `json:"given"`
		Left  *int   `json:"left"`
	} `json:"prizes"`
}

func (e *env) stats(wid string) stats {
	e.t.Helper()
	r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/game", nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var s stats
	if err := json.Unmarshal(r.Body, &s); err != nil {
		e.t.Fatalf("stats %s: %v", r.Body, err)
	}
	return s
}

// inbox is the site's leads of type game, newest first.
func (e *env) inbox() []map[string]any {
	e.t.Helper()
	r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/leads?type=game", nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var out struct {
		Leads []map[string]any `json:"leads"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		e.t.Fatalf("inbox: %v: %s", err, r.Body)
	}
	return out.Leads
}
