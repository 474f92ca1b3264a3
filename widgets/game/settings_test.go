package game_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestBadSettingsAreRefused: each bad setting is a 422 naming its JSON
// path, and no widget is created.
func TestBadSettingsAreRefused(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		prize := `{"id":"p1","title":"Приз","weight":1,"stock":null}`
		three := `[{"id":"a","title":"A","weight":1,"stock":null},{"id":"b","title":"B","weight":1,"stock":3},`
		for _, tc := range []struct{ settings, field string }{
			{`{}`, "settings.prizes"},
			{`{"prizes":[]}`, "settings.prizes"},
			{`{"prizes":` + three + `{"id":"c","title":"C","weight":-1,"stock":null}]}`, "settings.prizes[2].weight"},
			{`{"prizes":` + three + `{"id":"c","title":"C","weight":1,"stock":-2}]}`, "settings.prizes[2].stock"},
			{`{"prizes":` + three + `{"id":"a","title":"C","weight":1,"stock":null}]}`, "settings.prizes[2].id"},
			{`{"prizes":` + three + `{"id":"c","title":"","weight":1,"stock":null}]}`, "settings.prizes[2].title"},
			{`{"prizes":[{"id":"c","title":"C","weight":1,"stock":null,"code":{"shared":"A","pool_id":"cp_1"}}]}`, "settings.prizes[0].code.pool_id"},
			{`{"prizes":[{"id":"c","title":"C","weight":1,"stock":null,"code":{"shared":"TWO WORDS"}}]}`, "settings.prizes[0].code.shared"},
			{`{"prizes":[{"id":"c","title":"C","weight":1,"stock":null,"code":{}}]}`, "settings.prizes[0].code"},
			{`{"prizes":[{"id":"c","title":"C","weight":0,"stock":null}]}`, "settings.prizes"},
			{`{"no_prize_weight":-1,"prizes":[` + prize + `]}`, "settings.no_prize_weight"},
			{`{"kind":"dice","prizes":[` + prize + `]}`, "settings.kind"},
			{`{"contact":"fax","prizes":[` + prize + `]}`, "settings.contact"},
			{`{"campaign":"spring sale","prizes":[` + prize + `]}`, "settings.campaign"},
			{`{"ip_limit":-1,"prizes":[` + prize + `]}`, "settings.ip_limit"},
			{`{"sector_colors":["#fff000","red"],"prizes":[` + prize + `]}`, "settings.sector_colors[1]"},
			{`{"prizes":[` + prize + `],"odds":1}`, "settings.odds"},
			{`{"launcher":"top","prizes":[` + prize + `]}`, "settings.launcher"},
		} {
			r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/widgets", map[string]any{"type": "game", "settings": json.RawMessage(tc.settings)})
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != tc.field {
				t.Errorf("%s: field %q, want %q", tc.settings, f, tc.field)
			}
		}
		r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var list struct {
			Widgets []any `json:"widgets"`
		}
		if err := json.Unmarshal(r.Body, &list); err != nil || len(list.Widgets) != 0 {
			t.Fatalf("refused settings left widgets: %s", r.Body)
		}
	})
}

// TestPublicConfigKeepsSecrets: browsers get the prizes' titles, never
// their weights, stock or codes.
func TestPublicConfigKeepsSecrets(t *testing.T) {
	e := newEnv(t, servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{}))
	e.game(`{"prizes":[{"id":"ten","title":"Скидка","weight":7,"stock":3,"code":{"shared":"SECRET10"}}],"no_prize_weight":5}`)
	r := e.visit("GET", "/config", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
	for _, secret := range []string{"SECRET10", `"weight"`, `"stock"`, "no_prize_weight"} {
		if contains(r.Body, secret) {
			t.Errorf("/config gives away %s: %s", secret, r.Body)
		}
	}
	if !contains(r.Body, "Скидка") {
		t.Fatalf("/config lacks the prize's title: %s", r.Body)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
