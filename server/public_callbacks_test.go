package server_test

import (
	"encoding/json"
	"net/http"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// The middleware tests (CORS, body limits, input checks, outages) reach the
// public API through the callback widget's intake, a real module's busiest
// public route, with the simulated telephony of servertest's modules.

// callbackSite makes a site (region RU) with a callback widget whose
// settings are merged over two simulated managers who answer.
func callbackSite(ts *servertest.Server, extra string) (siteID, key, widgetID string) {
	ts.T.Helper()
	site := ts.CreateSite("Shop", shopOrigin)
	settings := `{"managers":[{"name":"Anna","phone":"+79000000010"},{"name":"Boris","phone":"+79000000020"}]` + extra + `}`
	w := ts.CreateWidget(site["id"].(string), map[string]any{"type": "callback", "settings": json.RawMessage(settings)})
	return site["id"].(string), site["key"].(string), w["id"].(string)
}

// postCallback sends a visitor's request with the allowed Origin.
func postCallback(ts *servertest.Server, key string, body map[string]any, headers ...string) servertest.Response {
	ts.T.Helper()
	return ts.Request("POST", "/w/v1/"+key+"/callbacks", body, append([]string{"Origin", shopOrigin}, headers...)...)
}

// listCallbacks is the site's stored requests, as the owner lists them.
func listCallbacks(ts *servertest.Server, siteID string) []store.Callback {
	ts.T.Helper()
	r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks", nil)
	servertest.ExpectStatus(ts.T, r, http.StatusOK)
	var body struct{ Callbacks []store.Callback }
	if err := json.Unmarshal(r.Body, &body); err != nil {
		ts.T.Fatal(err)
	}
	return body.Callbacks
}
