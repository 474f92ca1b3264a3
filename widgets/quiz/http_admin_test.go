package quiz_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestVersions: an owner edits a quiz while a visitor is halfway; the
// visitor finishes on the quiz they started (version 1, the old price), a
// new visitor gets version 2, and each lead says which it answered.
func TestVersions(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		old := q.startSession("v1", nil)
		q.mustAnswer(old, "v1", "rooms", "r3")
		again := q.startSession("v3", nil) // unchanged settings: the same version
		if r := q.session(again, "v3").JSON(t); r["version"] != 1.0 {
			t.Fatalf("a second session of the same quiz: version %v", r["version"])
		}

		edited := strings.Replace(renovation, "area * 3500", "area * 5000", 1)
		r := q.Admin("PATCH", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid, map[string]any{"settings": json.RawMessage(edited)})
		servertest.ExpectStatus(t, r, http.StatusOK)
		fresh := q.startSession("v2", nil)
		if s := q.session(fresh, "v2").JSON(t); s["version"] != 2.0 {
			t.Fatalf("a session after the edit: version %v", s["version"])
		}

		q.mustAnswer(old, "v1", "area", 60)
		q.mustAnswer(old, "v1", "extras", []string{"balcony"})
		q.mustAnswer(old, "v1", "wish", nil)
		q.mustAnswer(old, "v1", "when", "2026-12-24")
		q.finish(fresh, "v2")
		for _, tc := range []struct {
			sid, visitor string
			version      int
			price        float64
		}{{old, "v1", 1, 262000}, {fresh, "v2", 2, 60*5000*1.2 + 10000}} {
			servertest.ExpectStatus(t, q.lead(tc.sid, tc.visitor, nil), http.StatusCreated)
			l, _ := q.storedLead("ld_" + tc.sid)
			if l.QuizVersion != tc.version || l.Result == nil || l.Result.Values["price"] != tc.price {
				t.Fatalf("lead of %s: version %d, result %+v; want version %d, price %v", tc.visitor, l.QuizVersion, l.Result, tc.version, tc.price)
			}
		}

		r = q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/versions", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if list := r.JSON(t)["versions"].([]any); len(list) != 2 || list[1].(map[string]any)["version"] != 2.0 {
			t.Fatalf("versions %s", r.Body)
		}
		r = q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/versions/1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if !strings.Contains(string(r.Body), "area * 3500") {
			t.Fatalf("version 1 is not the quiz as it was: %s", r.Body)
		}
		expectCode(t, q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/versions/3", nil), http.StatusNotFound, "not_found")
	})
}

// TestVersionsKeepNoWebhookSecret: changing only where webhooks go makes
// no new version, and no version holds the secret.
func TestVersionsKeepNoWebhookSecret(t *testing.T) {
	url, _ := webhooks(t)
	q := start(t, servertest.NewStore(t, "embedded"), withSettings(t, `"notify_url":"`+url+`"`), allowLoopbackWebhooks)
	q.startSession("v1", nil)
	r := q.Admin("PATCH", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid, map[string]any{"settings": json.RawMessage(withSettings(t, `"notify_url":"`+url+`/other"`))})
	servertest.ExpectStatus(t, r, http.StatusOK)
	q.startSession("v2", nil)
	r = q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/versions", nil)
	if list := r.JSON(t)["versions"].([]any); len(list) != 1 {
		t.Fatalf("versions after a webhook change: %s", r.Body)
	}
	r = q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/versions/1", nil)
	if strings.Contains(string(r.Body), "whsec_") || strings.Contains(string(r.Body), url) {
		t.Fatalf("a version keeps the webhook: %s", r.Body)
	}
}

// TestAnalytics: the funnel after a scripted day: five views (two from an
// ad), three sessions, one left at the area question, two finished, one
// lead; per step, per source and per version.
func TestAnalytics(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		q := start(t, newStore(t), renovation, nil)
		ad := map[string]any{"utm": map[string]string{"utm_source": "Yandex"}}
		for i := range 5 {
			body := map[string]any{"visitor_id": "v", "page_url": "https://shop.example/"}
			if i < 2 {
				body["utm"] = ad["utm"]
			}
			servertest.ExpectStatus(t, q.public("POST", "/views", body), http.StatusNoContent)
		}
		left := q.startSession("v1", ad)
		q.mustAnswer(left, "v1", "rooms", "r1")
		q.mustAnswer(left, "v1", "rooms", "r1") // back and on again: the next step is still reached once
		done := q.startSession("v2", ad)
		q.finish(done, "v2")
		servertest.ExpectStatus(t, q.lead(done, "v2", nil), http.StatusCreated)
		direct := q.startSession("v3", nil)
		q.finish(direct, "v3")
		q.mustAnswer(direct, "v3", "when", "2027-01-10") // answering the last step again is not another completion

		r := q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/analytics", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var a struct {
			Views, Starts, Completions, Leads int
			Conversion                        float64
			Steps                             []struct {
				Step             string
				Reached, Answers int
				DropOff          int `json:"drop_off"`
			}
			BySource []struct {
				Name                              string
				Views, Starts, Completions, Leads int
			} `json:"by_source"`
			ByVersion []struct {
				Name   string
				Starts int
			} `json:"by_version"`
		}
		if err := json.Unmarshal(r.Body, &a); err != nil {
			t.Fatal(err)
		}
		if a.Views != 5 || a.Starts != 3 || a.Completions != 2 || a.Leads != 1 || a.Conversion != 0.2 {
			t.Fatalf("funnel %s", r.Body)
		}
		want := map[string][3]int{"rooms": {3, 3, 0}, "area": {3, 2, 1}, "extras": {2, 2, 0}, "wish": {2, 2, 0}, "when": {2, 2, 0}}
		if len(a.Steps) != 5 || a.Steps[0].Step != "rooms" || a.Steps[4].Step != "when" {
			t.Fatalf("steps %s", r.Body)
		}
		for _, s := range a.Steps {
			if w := want[s.Step]; [3]int{s.Reached, s.Answers, s.DropOff} != w {
				t.Fatalf("step %s: reached, answers, drop-off = %d, %d, %d; want %v", s.Step, s.Reached, s.Answers, s.DropOff, w)
			}
		}
		if len(a.BySource) != 2 || a.BySource[0].Name != "yandex" || a.BySource[0].Views != 2 || a.BySource[0].Starts != 2 ||
			a.BySource[0].Completions != 1 || a.BySource[0].Leads != 1 || a.BySource[1].Name != "direct" || a.BySource[1].Starts != 1 {
			t.Fatalf("by source %s", r.Body)
		}
		if len(a.ByVersion) != 1 || a.ByVersion[0].Name != "1" || a.ByVersion[0].Starts != 3 {
			t.Fatalf("by version %s", r.Body)
		}

		// Days of the site's zone: yesterday had nothing.
		yesterday := time.Now().In(moscow(t)).AddDate(0, 0, -1).Format(time.DateOnly)
		r = q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/analytics?from="+yesterday+"&to="+yesterday, nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if b := r.JSON(t); b["starts"] != 0.0 || b["from"] != yesterday {
			t.Fatalf("yesterday %s", r.Body)
		}
	})
}

func moscow(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestAdminAccess: analytics need leads:read, versions widgets:read; a key
// of another site finds nothing; bad ranges name their field.
func TestAdminAccess(t *testing.T) {
	q := start(t, servertest.NewStore(t, "embedded"), renovation, nil)
	base := "/api/v1/sites/" + q.siteID + "/widgets/" + q.wid + "/quiz/"
	widgetsKey := q.CreateKey(q.siteID, "widgets:read")
	leadsKey := q.CreateKey(q.siteID, "leads:read")
	other := q.CreateSite("Other", "https://other.example")["id"].(string)
	otherKey := q.CreateKey(other, "leads:read", "widgets:read")
	as := func(key, path string) servertest.Response {
		return q.Request("GET", base+path, nil, "Authorization", "Bearer "+key)
	}
	servertest.ExpectStatus(t, as(leadsKey, "analytics"), http.StatusOK)
	servertest.ExpectStatus(t, as(widgetsKey, "analytics"), http.StatusForbidden)
	servertest.ExpectStatus(t, as(widgetsKey, "versions"), http.StatusOK)
	servertest.ExpectStatus(t, as(leadsKey, "versions"), http.StatusForbidden)
	servertest.ExpectStatus(t, as(otherKey, "analytics"), http.StatusNotFound)
	servertest.ExpectStatus(t, as(otherKey, "versions"), http.StatusNotFound)
	servertest.ExpectStatus(t, q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/nosuch/quiz/analytics", nil), http.StatusNotFound)
	expectInvalid(t, q.Admin("GET", base+"analytics?from=2026-13-01", nil), "from")
	expectInvalid(t, q.Admin("GET", base+"analytics?from=2026-12-02&to=2026-12-01", nil), "from")
	expectInvalid(t, q.Admin("GET", base+"analytics?from=2024-01-01&to=2026-01-01", nil), "from")
	expectInvalid(t, q.Admin("GET", base+"analytics?to=yesterday", nil), "to")
}

// analyticsOf reads the quiz's funnel of today through ts.
func analyticsOf(t testing.TB, ts *servertest.Server, q *quizServer) map[string]any {
	t.Helper()
	r := ts.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/analytics", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
	return r.JSON(t)
}

// TestCountsReachOtherReplicas: a replica writes its counts about once a
// second, so another replica on the same store shows them soon, without
// a request to the first.
func TestCountsReachOtherReplicas(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		q := start(t, st, renovation, nil)
		other := servertest.Start(t, st, servertest.Options{})
		q.startSession("v1", nil)
		deadline := time.Now().Add(10 * time.Second)
		for analyticsOf(t, other, q)["starts"] != 1.0 {
			if time.Now().After(deadline) {
				t.Fatal("the start never reached the other replica")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// TestCountsSurviveShutdown: counts made just before a graceful shutdown
// are written by it, and the next server shows them.
func TestCountsSurviveShutdown(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		q := start(t, st, renovation, nil)
		sid := q.startSession("v1", nil)
		q.finish(sid, "v1")
		servertest.ExpectStatus(t, q.lead(sid, "v1", nil), http.StatusCreated)
		if err := q.Srv.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		a := analyticsOf(t, servertest.Start(t, st, servertest.Options{}), q)
		if a["starts"] != 1.0 || a["completions"] != 1.0 || a["leads"] != 1.0 {
			t.Fatalf("after a restart: %v", a)
		}
	})
}
