package quiz_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// withTriggers is renovation with a trigger block.
func withTriggers(block string) string {
	return strings.Replace(renovation, `"start":`, `"triggers": `+block+`, "start":`, 1)
}

// A quiz's trigger block is checked with the rest of its settings (422
// naming the field, nothing saved) and reaches browsers with its defaults.
func TestQuizTriggers(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), withTriggers(`{"on":[{"type":"exit_intent"},{"type":"scroll","percent":70}],"pages":{"include":["/catalog/*"]}}`), nil)

		bad := q.Admin("PATCH", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid,
			map[string]any{"settings": json.RawMessage(withTriggers(`{"on":[{"type":"exit_intent"},{"type":"idle"}]}`))})
		servertest.ExpectStatus(t, bad, http.StatusUnprocessableEntity)
		if f := bad.ErrorField(t); f != "settings.triggers.on[1].seconds" {
			t.Errorf("field %q, want settings.triggers.on[1].seconds", f)
		}

		r := q.Request("GET", "/w/v1/"+q.key+"/config", nil, "Origin", shopOrigin)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var cfg struct {
			Widgets []struct {
				ID       string
				Settings struct{ Triggers map[string]any }
			}
		}
		if err := json.Unmarshal(r.Body, &cfg); err != nil || len(cfg.Widgets) != 1 {
			t.Fatalf("config %s: %v", r.Body, err)
		}
		got, _ := json.Marshal(cfg.Widgets[0].Settings.Triggers)
		want := `{"caps":{"after_conversion":"never","every_days":0,"max_dismissals":2,"per_visit":1},"device":"any",` +
			`"on":[{"type":"exit_intent"},{"percent":70,"type":"scroll"}],"pages":{"exclude":[],"include":["/catalog/*"]},` +
			`"priority":0,"utm_source":[],"visitor":"any"}`
		if string(got) != want {
			t.Errorf("public triggers (the refused update changed nothing)\n got %s\nwant %s", got, want)
		}
	})
}

// A quiz without triggers sends none: the loader does not load the engine for it.
func TestQuizWithoutTriggers(t *testing.T) {
	q := start(t, servertest.NewStore(t, "embedded"), renovation, nil)
	r := q.Request("GET", "/w/v1/"+q.key+"/config", nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusOK)
	if strings.Contains(string(r.Body), `"triggers"`) {
		t.Errorf("config mentions triggers: %s", r.Body)
	}
}
