package dashboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// startExperiment gives a new pop-up of s an A/B test (control "a", "b"
// with another title) and counts as if visitors had seen and used it;
// it returns the widget's id.
func (s *modSite) startExperiment(t testing.TB, counts map[string]int64) string {
	t.Helper()
	wid := s.d.CreateWidget(s.siteID, map[string]any{"type": "popup", "settings": json.RawMessage(popupForm)})["id"].(string)
	r := s.d.Admin("PUT", "/api/v1/sites/"+s.siteID+"/widgets/"+wid+"/experiment", map[string]any{"mode": "ab",
		"variants": []map[string]any{{"id": "a", "weight": 50}, {"id": "b", "weight": 50, "settings": map[string]any{"title": "Перезвоним за 5 минут"}}}})
	servertest.ExpectStatus(t, r, http.StatusOK)
	var started struct{ Experiment struct{ ID string } }
	if err := json.Unmarshal(r.Body, &started); err != nil {
		t.Fatal(err)
	}
	if err := s.d.Store.AddTally(t.Context(), s.siteID, store.ExperimentTally(started.Experiment.ID), counts); err != nil {
		t.Fatal(err)
	}
	return wid
}

// TestExperimentPage, on both stores: the page shows each variant's
// exposures, conversions, rate and interval as GET …/experiment gives
// them, and the verdict (with what a young one still needs); a manager
// sees no stop form and the API refuses the manager's stop; the owner's
// stop keeps the chosen variant and the page then shows the ended
// experiment; a widget without one says how to start one; another
// site's widget is 404.
func TestExperimentPage(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newModSite(t, newStore(t))
		wid := s.startExperiment(t, map[string]int64{"a:exposures": 400, "a:conversions": 20, "b:exposures": 410, "b:conversions": 61})
		page := "/app/sites/" + s.siteID + "/widgets/" + wid + "/experiment"
		api := "/api/v1/sites/" + s.siteID + "/widgets/" + wid + "/experiment"

		csrf := s.manager.pageCSRF(page)
		r := s.manager.api("GET", api, csrf, "")
		wantStatus(t, "results from the API", r, http.StatusOK)
		var res struct {
			Verdict, Winner string
			Variants        []struct {
				ID                     string
				Exposures, Conversions int64
				Rate                   float64
				Interval               [2]float64
			}
		}
		if err := json.Unmarshal([]byte(r.Body), &res); err != nil {
			t.Fatal(err)
		}
		p := s.manager.get(page + "?lang=en")
		wantStatus(t, "manager's page", p, http.StatusOK)
		pct := func(v float64) string { return fmt.Sprintf("%.1f%%", v*100) }
		for _, v := range res.Variants {
			wantBody(t, "variant "+v.ID, p, `<tr id="variant-`+v.ID+`">`,
				fmt.Sprintf(`class="ab-exposures">%d<`, v.Exposures), fmt.Sprintf(`class="ab-conversions">%d<`, v.Conversions),
				`class="ab-rate-cell">`+pct(v.Rate)+`<`, pct(v.Interval[0])+" – "+pct(v.Interval[1]))
		}
		if res.Verdict != "winner" || res.Winner != "b" {
			t.Fatalf("the API's verdict is %q (%q); the test's counts should make b win", res.Verdict, res.Winner)
		}
		wantBody(t, "verdict", p, "Winner found", "Variant b converts better", `<svg class="ab-chart ab-wide"`, `<svg class="ab-chart ab-narrow"`)
		wantNoBody(t, "manager's page", p, `id="stop-experiment"`)
		wantStatus(t, "manager stops", s.manager.api("POST", api+"/stop", csrf, `{"keep":"b"}`), http.StatusForbidden)

		wantBody(t, "owner's page", s.op.get(page), `id="stop-experiment" data-url="`+api+`/stop"`, `<option value="b" selected>`)
		opCSRF := s.op.pageCSRF(page)
		wantStatus(t, "owner stops", s.op.api("POST", api+"/stop", opCSRF, `{"keep":"b"}`), http.StatusOK)
		p = s.manager.get(page)
		wantBody(t, "ended", p, "The last experiment (ended)", "The widget kept the settings of variant b.", fmt.Sprintf(`class="ab-exposures">%d<`, res.Variants[1].Exposures))
		wantNoBody(t, "ended", s.op.get(page), `id="stop-experiment"`)

		young := s.startExperiment(t, map[string]int64{"a:exposures": 5, "b:exposures": 7, "b:conversions": 1})
		wantBody(t, "collecting", s.manager.get("/app/sites/"+s.siteID+"/widgets/"+young+"/experiment"),
			"Collecting data", "visitors in the smallest variant: 5; conversions in all: 1.")

		plain := s.d.CreateWidget(s.siteID, map[string]any{"type": "popup", "settings": json.RawMessage(popupForm)})["id"].(string)
		wantBody(t, "no experiment", s.manager.get("/app/sites/"+s.siteID+"/widgets/"+plain+"/experiment"),
			"This widget has no A/B test yet", `href="/app/sites/`+s.siteID+`/widgets/`+plain+`"`)

		foreign := s.d.CreateWidget(s.other, map[string]any{"type": "popup", "settings": json.RawMessage(popupForm)})["id"].(string)
		wantStatus(t, "another site's widget", s.manager.get("/app/sites/"+s.other+"/widgets/"+foreign+"/experiment"), http.StatusNotFound)
		wantStatus(t, "another site's widget under this site", s.op.get("/app/sites/"+s.siteID+"/widgets/"+foreign+"/experiment"), http.StatusNotFound)
	})
}

// TestExperimentPageCountsQueuedExposures: a visitor's exposure, still in
// this replica's queue (written in batches), already counts on the page,
// as it does in GET …/experiment.
func TestExperimentPageCountsQueuedExposures(t *testing.T) {
	t.Parallel()
	s := newModSite(t, servertest.NewStore(t, "embedded"))
	wid := s.startExperiment(t, map[string]int64{})
	r := s.d.Request(http.MethodGet, "/w/v1/"+s.key+"/config?visitor_id=0123456789abcdef0123456789abcdef", nil, "Origin", "https://a.example")
	servertest.ExpectStatus(t, r, http.StatusOK)
	p := s.op.get("/app/sites/" + s.siteID + "/widgets/" + wid + "/experiment")
	wantStatus(t, "results page", p, http.StatusOK)
	if !strings.Contains(p.Body, `class="ab-exposures">1<`) {
		t.Fatalf("the visitor's exposure is not counted on the page: %s", p.Body)
	}
}
