package servertest

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// StoreSites are the sites of st as the server's cache gives them to
// modules (widgets.Load over modules), read from the store on every call:
// for tests that run a module's parts (the callback engine) without a
// server, on sites they write to the store themselves.
func StoreSites(st store.Store, modules ...widgets.Module) widgets.Sites {
	byType := make(map[string]widgets.Module, len(modules))
	for _, m := range modules {
		byType[m.Type()] = m
	}
	return storeSites{st: st, modules: byType}
}

type storeSites struct {
	st      store.Store
	modules map[string]widgets.Module
}

func (s storeSites) ByKey(ctx context.Context, key string) (*widgets.Site, error) {
	site, err := s.st.GetSiteByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	return widgets.Load(ctx, s.st, site, s.modules)
}

func (s storeSites) ByID(ctx context.Context, id string) (*widgets.Site, error) {
	site, err := s.st.GetSite(ctx, id)
	if err != nil {
		return nil, err
	}
	return widgets.Load(ctx, s.st, site, s.modules)
}

// ShopOrigin is the origin of the sites CallbackSite makes.
const ShopOrigin = "https://shop.example"

// CallbackSite makes a site (region RU, origin ShopOrigin) with a callback
// widget whose settings are extra merged over two simulated managers who
// answer, and returns the site's id and key and the widget's id.
func (ts *Server) CallbackSite(extra string) (siteID, key, widgetID string) {
	ts.T.Helper()
	site := ts.CreateSite("Shop", ShopOrigin)
	settings := `{"managers":[{"name":"Anna","phone":"+79000000010"},{"name":"Boris","phone":"+79000000020"}]` + extra + `}`
	w := ts.CreateWidget(site["id"].(string), map[string]any{"type": "callback", "settings": json.RawMessage(settings)})
	return site["id"].(string), site["key"].(string), w["id"].(string)
}

// PostCallback sends a visitor's callback request with ShopOrigin.
func (ts *Server) PostCallback(key string, body map[string]any, headers ...string) Response {
	ts.T.Helper()
	return ts.Request("POST", "/w/v1/"+key+"/callbacks", body, append([]string{"Origin", ShopOrigin}, headers...)...)
}

// ListCallbacks is the site's stored requests, as the owner lists them.
func (ts *Server) ListCallbacks(siteID string) []store.Callback {
	ts.T.Helper()
	r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks", nil)
	ExpectStatus(ts.T, r, http.StatusOK)
	var body struct{ Callbacks []store.Callback }
	if err := json.Unmarshal(r.Body, &body); err != nil {
		ts.T.Fatal(err)
	}
	return body.Callbacks
}
