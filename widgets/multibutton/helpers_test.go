package multibutton_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
)

// origin is the site's origin as servertest.CreateSite makes it.
const origin = "https://shop.example"

// env is a server with one site (Europe/Moscow, ru, region RU).
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

// widget creates a widget of typ with settings (a JSON object) and returns its id.
func (e *env) widget(typ, settings string) string {
	e.t.Helper()
	return e.CreateWidget(e.siteID, map[string]any{"type": typ, "settings": json.RawMessage(settings)})["id"].(string)
}

// create asks for a multi-button with settings, as the owner would.
func (e *env) create(settings string) servertest.Response {
	e.t.Helper()
	return e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets", map[string]any{"type": "multibutton", "settings": json.RawMessage(settings)})
}

// visit sends a visitor's request from the site's page.
func (e *env) visit(method, path string, body any, headers ...string) servertest.Response {
	e.t.Helper()
	return e.Request(method, "/w/v1/"+e.siteKey+path, body, append([]string{"Origin", origin}, headers...)...)
}

// click reports a click on channel (an index or a type) of widget wid.
func (e *env) click(wid string, channel any, headers ...string) servertest.Response {
	e.t.Helper()
	return e.visit("POST", "/widgets/"+wid+"/clicks", map[string]any{"channel": channel, "visitor_id": "0123456789abcdef0123456789abcdef"}, headers...)
}

// report is the owner's clicks report of wid, with a query ("" or "?from=…").
func (e *env) report(wid, query string) clicksReport {
	e.t.Helper()
	r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/clicks"+query, nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var rep clicksReport
	if err := json.Unmarshal(r.Body, &rep); err != nil {
		e.t.Fatalf("clicks report: %v: %s", err, r.Body)
	}
	return rep
}

type clicksReport struct {
	From, To, Timezone string
	Total              int64
	Channels           []struct {
		Key, Type string
		Index     *int
		Total     int64
	}
	Days []struct {
		Date     string
		Total    int64
		Channels map[string]int64
	}
}

// config is the site's public config, as the loader gets it.
func (e *env) config() []map[string]any {
	e.t.Helper()
	r := e.visit("GET", "/config", nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var cfg struct {
		Widgets []map[string]any `json:"widgets"`
	}
	if err := json.Unmarshal(r.Body, &cfg); err != nil {
		e.t.Fatalf("config: %v: %s", err, r.Body)
	}
	return cfg.Widgets
}

// callbackSettings is a callback widget with one manager, open at hours
// (a JSON list, "[]" for always).
func callbackSettings(hours string) string {
	return `{"managers":[{"name":"Ольга","phone":"+74951234567"}],"working_hours":` + hours + `}`
}

// quizSettings is a one-step quiz with a launcher of its own.
const quizSettings = `{"steps":[{"id":"area","type":"text","title":"Какая площадь дома?"}],"launcher":{"label":"Подобрать котёл"}}`
