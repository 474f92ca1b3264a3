package triggers_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// carrierBlock is a block every carrier accepts.
const carrierBlock = `{"on":[{"type":"exit_intent"},{"type":"push"}]}`

// TestCallbackAndCountdownCarryBlocks: the callback and a countdown bar take
// a trigger block like the quiz and the pop-up (checked, 422 naming the
// field, sent whole to browsers); an inline countdown takes none, and a
// top bar with triggers overlays the page instead of pushing it.
func TestCallbackAndCountdownCarryBlocks(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		siteID, key, cb := ts.CallbackSite(`,"triggers":` + carrierBlock)
		create := func(typ, settings string) servertest.Response {
			return ts.Admin("POST", "/api/v1/sites/"+siteID+"/widgets", map[string]any{"type": typ, "settings": json.RawMessage(settings)})
		}
		r := create("countdown", `{"mode":"evergreen","duration_seconds":900,"triggers":`+carrierBlock+`}`)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		bar := r.JSON(t)["id"].(string)

		for _, tc := range []struct{ typ, settings, field string }{
			{"countdown", `{"mode":"evergreen","duration_seconds":900,"placement":"inline","selector":"#t","triggers":` + carrierBlock + `}`, "settings.triggers"},
			{"countdown", `{"mode":"evergreen","duration_seconds":900,"top_bar":"push","triggers":` + carrierBlock + `}`, "settings.top_bar"},
			{"countdown", `{"mode":"evergreen","duration_seconds":900,"placement":"floating","triggers":{"on":[{"type":"push","count":1}]}}`, "settings.triggers.on[0].count"},
			{"callback", `{"managers":[{"name":"Anna","phone":"+79000000010"}],"triggers":{"on":[]}}`, "settings.triggers.on"},
		} {
			r := create(tc.typ, tc.settings)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != tc.field {
				t.Errorf("%s %s: field %q, want %q", tc.typ, tc.settings, f, tc.field)
			}
		}

		r = ts.Request("GET", "/w/v1/"+key+"/config", nil, "Origin", servertest.ShopOrigin)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var cfg struct {
			Widgets []struct {
				ID       string
				Settings struct {
					TopBar   string `json:"top_bar"`
					Triggers *struct {
						On   []map[string]any
						Caps map[string]any
					}
				}
			}
		}
		if err := json.Unmarshal(r.Body, &cfg); err != nil {
			t.Fatal(err)
		}
		if len(cfg.Widgets) != 2 {
			t.Fatalf("%d widgets in the config (the refused ones were saved?): %s", len(cfg.Widgets), r.Body)
		}
		for _, w := range cfg.Widgets {
			b := w.Settings.Triggers
			if b == nil || len(b.On) != 2 || b.On[1]["type"] != "push" || b.Caps["per_visit"] != 1.0 {
				t.Errorf("widget %s: public block %+v, want both triggers and the default caps", w.ID, b)
			}
			if w.ID == bar && w.Settings.TopBar != "overlay" {
				t.Errorf("countdown bar with triggers: top_bar %q, want overlay", w.Settings.TopBar)
			}
			if w.ID != bar && w.ID != cb {
				t.Errorf("unknown widget %s", w.ID)
			}
		}
	})
}
