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

// TestReplyRecordsTheVariantsMessage: in an A/B test of the message's
// text, the lead of a reply records the text the visitor answered (their
// variant's), not the widget's own.
func TestReplyRecordsTheVariantsMessage(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.proactive(boiler)
		r := e.Admin("PUT", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/experiment",
			`{"mode":"ab","variants":[{"id":"control","weight":50},{"id":"b","weight":50,"settings":{"text":"Котёл за 2 минуты: спросите здесь"}}]}`)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var res experiments.Results
		if err := json.Unmarshal(r.Body, &res); err != nil {
			t.Fatal(err)
		}
		in := map[int]string{}
		for k := 0; k < 10000 && len(in) < 2; k++ {
			id := fmt.Sprintf("%032x", 0xbec0000+k*7919)
			if i := experiments.Assign(res.Experiment, id); in[i] == "" {
				in[i] = id
			}
		}
		for i, sub := range []string{"r-control", "r-b"} {
			body := replyBody(sub)
			body["visitor_id"] = in[i]
			servertest.ExpectStatus(t, e.reply(wid, body), http.StatusCreated)
		}
		titles := map[any]any{}
		for _, l := range e.inbox() {
			answers, _ := l["answers"].([]any)
			if len(answers) != 1 {
				t.Fatalf("lead %v, want one answer", l)
			}
			titles[l["visitor_id"]] = answers[0].(map[string]any)["title"]
		}
		if titles[in[1]] != "Котёл за 2 минуты: спросите здесь" || titles[in[0]] != "Ищете котёл? Подберу за 2 минуты" {
			t.Fatalf("the leads record the messages %v, want each visitor's variant's", titles)
		}
	})
}
