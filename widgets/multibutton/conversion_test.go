package multibutton_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestClickIsTheConversion: in an experiment on the multi-button, a
// visitor who got the config and then clicked a channel counts as one
// conversion of their variant; a second click is no second conversion.
func TestClickIsTheConversion(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget("multibutton", `{"channels":[{"type":"telegram","value":"kotly_shop"},{"type":"phone","value":"+74951234567"}]}`)
		r := e.Admin("PUT", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/experiment", map[string]any{"mode": "ab",
			"variants": []any{map[string]any{"id": "control", "weight": 50}, map[string]any{"id": "red", "weight": 50, "settings": map[string]any{"color": "#dc2626"}}}})
		servertest.ExpectStatus(t, r, http.StatusOK)

		const visitor = "0123456789abcdef0123456789abcdef" // the one click() sends
		servertest.ExpectStatus(t, e.visit("GET", "/config?visitor_id="+visitor, nil), http.StatusOK)
		servertest.ExpectStatus(t, e.click(wid, 0), http.StatusNoContent)
		servertest.ExpectStatus(t, e.click(wid, "phone"), http.StatusNoContent)

		deadline := time.Now().Add(5 * time.Second)
		for {
			r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/experiment", nil)
			servertest.ExpectStatus(t, r, http.StatusOK)
			var res struct {
				Variants []struct {
					ID                     string
					Exposures, Conversions int
				}
			}
			if err := json.Unmarshal(r.Body, &res); err != nil {
				t.Fatalf("results: %v: %s", err, r.Body)
			}
			exposures, conversions := 0, 0
			for _, v := range res.Variants {
				exposures += v.Exposures
				conversions += v.Conversions
			}
			if exposures == 1 && conversions == 1 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("exposures %d, conversions %d after a visitor's two clicks; want 1 and 1: %s", exposures, conversions, r.Body)
			}
			time.Sleep(20 * time.Millisecond) // the results may be written after the 204
		}
	})
}
