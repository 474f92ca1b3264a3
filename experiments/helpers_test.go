package experiments_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// origin is the site's origin as servertest.CreateSite makes it.
const origin = "https://shop.example"

// env is a server with one site and one pop-up.
type env struct {
	*servertest.Server
	t       *testing.T
	siteID  string
	siteKey string
	wid     string
}

// formPopup asks for a phone.
const formPopup = `{"title":"Скидка 10% на первый заказ","color":"#16a34a",
	"form":{"fields":[{"name":"phone","required":true}]}}`

func newEnv(t *testing.T, st store.Store) *env {
	ts := servertest.Start(t, st, servertest.Options{})
	site := ts.CreateSite("Магазин")
	e := &env{Server: ts, t: t, siteID: site["id"].(string), siteKey: site["key"].(string)}
	e.wid = ts.CreateWidget(e.siteID, map[string]any{"type": "popup", "settings": json.RawMessage(formPopup)})["id"].(string)
	return e
}

func (e *env) path() string { return "/api/v1/sites/" + e.siteID + "/widgets/" + e.wid + "/experiment" }

// start starts an experiment of the pop-up and returns it.
func (e *env) start(body string) *store.Experiment {
	e.t.Helper()
	r := e.Admin("PUT", e.path(), body)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var res experiments.Results
	if err := json.Unmarshal(r.Body, &res); err != nil {
		e.t.Fatal(err)
	}
	return res.Experiment
}

// results reads GET …/experiment.
func (e *env) results() experiments.Results {
	e.t.Helper()
	r := e.Admin("GET", e.path(), nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	var res experiments.Results
	if err := json.Unmarshal(r.Body, &res); err != nil {
		e.t.Fatal(err)
	}
	return res
}

// counts are the results' exposures and conversions by variant.
func (e *env) counts() map[string][2]int64 {
	out := map[string][2]int64{}
	for _, v := range e.results().Variants {
		out[v.ID] = [2]int64{v.Exposures, v.Conversions}
	}
	return out
}

// config is GET /config for visitor (none when ""), from the site's page.
func (e *env) config(visitor string, headers ...string) servertest.Response {
	e.t.Helper()
	q := ""
	if visitor != "" {
		q = "?visitor_id=" + visitor
	}
	return e.Request("GET", "/w/v1/"+e.siteKey+"/config"+q, nil, append([]string{"Origin", origin}, headers...)...)
}

// popupOf is the (first) pop-up's entry of a config body.
func popupOf(t *testing.T, r servertest.Response) map[string]any {
	t.Helper()
	return entryOf(t, r, "")
}

// entryOf is the entry of widget id (the first pop-up when id is "") of a
// config body.
func entryOf(t *testing.T, r servertest.Response, id string) map[string]any {
	t.Helper()
	servertest.ExpectStatus(t, r, http.StatusOK)
	var cfg struct {
		Widgets []map[string]any `json:"widgets"`
	}
	if err := json.Unmarshal(r.Body, &cfg); err != nil {
		t.Fatal(err)
	}
	for _, w := range cfg.Widgets {
		if id == "" && w["type"] == "popup" || id != "" && w["id"] == id {
			return w
		}
	}
	t.Fatalf("no pop-up in %s", r.Body)
	return nil
}

// visitorIn finds a visitor id that e assigns to variant i.
func visitorIn(t testing.TB, e *store.Experiment, i int) string {
	return visitorsIn(t, e, i, 1)[0]
}

// visitorsIn finds n visitor ids that e assigns to variant i.
func visitorsIn(t testing.TB, e *store.Experiment, i, n int) []string {
	var ids []string
	for k := 0; k < 10000 && len(ids) < n; k++ {
		id := fmt.Sprintf("%032x", 0xbec0000+k*7919)
		if experiments.Assign(e, id) == i {
			ids = append(ids, id)
		}
	}
	if len(ids) < n {
		t.Fatalf("fewer than %d visitors land in variant %d", n, i)
	}
	return ids
}

// lead sends the pop-up's form as visitor.
func (e *env) lead(visitor, submission string) servertest.Response {
	e.t.Helper()
	return e.Request("POST", "/w/v1/"+e.siteKey+"/popups/"+e.wid+"/leads", map[string]any{
		"visitor_id": visitor, "submission_id": submission, "phone": "8 (912) 345-67-89", "lang": "ru"}, "Origin", origin)
}

// widget is the stored pop-up as the admin API shows it.
func (e *env) widget() map[string]any {
	e.t.Helper()
	r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+e.wid, nil)
	servertest.ExpectStatus(e.t, r, http.StatusOK)
	return r.JSON(e.t)
}
