package proactive_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestReplyIsTheVariantsConversion: in an A/B test of the message's text,
// a reply is the conversion of the visitor's variant, once per visitor; a
// variant cannot empty the automated label either.
func TestReplyIsTheVariantsConversion(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.proactive(boiler)
		path := "/api/v1/sites/" + e.siteID + "/widgets/" + wid + "/experiment"

		r := e.Admin("PUT", path, `{"mode":"ab","variants":[{"id":"control","weight":50},{"id":"b","weight":50,"settings":{"label":""}}]}`)
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.ErrorField(t); got != "variants[1].settings.label" {
			t.Errorf("a variant without the label: field %q (%s)", got, r.Body)
		}

		r = e.Admin("PUT", path, `{"mode":"ab","variants":[{"id":"control","weight":50},{"id":"b","weight":50,"settings":{"text":"Котёл за 2 минуты: спросите здесь"}}]}`)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var res experiments.Results
		if err := json.Unmarshal(r.Body, &res); err != nil {
			t.Fatal(err)
		}
		b := ""
		for k := 0; k < 10000 && b == ""; k++ {
			if id := fmt.Sprintf("%032x", 0xbec0000+k*7919); experiments.Assign(res.Experiment, id) == 1 {
				b = id
			}
		}
		servertest.ExpectStatus(t, e.Request("GET", "/w/v1/"+e.siteKey+"/config?visitor_id="+b, nil, "Origin", origin), http.StatusOK)
		for _, s := range []string{"r-1", "r-2"} {
			body := replyBody(s)
			body["visitor_id"] = b
			servertest.ExpectStatus(t, e.reply(wid, body), http.StatusCreated)
		}
		r = e.Admin("GET", path, nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if err := json.Unmarshal(r.Body, &res); err != nil {
			t.Fatal(err)
		}
		got := map[string][2]int64{}
		for _, v := range res.Variants {
			got[v.ID] = [2]int64{v.Exposures, v.Conversions}
		}
		if got["b"] != [2]int64{1, 1} || got["control"] != [2]int64{0, 0} {
			t.Fatalf("counts %v, want b: 1 exposure, 1 conversion; the control none", got)
		}
	})
}
