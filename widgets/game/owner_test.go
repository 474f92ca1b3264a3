package game_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestOwnerHearsOfTheDraw: a draw reaches the owner's webhook as
// lead.submitted with the prize in the lead's summary.
func TestOwnerHearsOfTheDraw(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) { c.WebhookAllowPrivate = true }}))
		got := make(chan string, 8)
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			got <- string(body)
		}))
		t.Cleanup(hook.Close)
		r := e.Admin("PUT", "/api/v1/sites/"+e.siteID+"/channels", map[string]any{"webhook": map[string]any{"url": hook.URL + "/hook"}})
		servertest.ExpectStatus(t, r, http.StatusOK)
		wid := e.game(sure)
		drawn(t, e.play(wid, "v1", "+79123456789"))
		select {
		case body := <-got:
			var m map[string]any
			if err := json.Unmarshal([]byte(body), &m); err != nil || m["type"] != "lead.submitted" ||
				!strings.Contains(body, "Скидка 10%") || !strings.Contains(body, "+79123456789") {
				t.Fatalf("webhook %s, want lead.submitted with the prize and the phone", body)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no webhook within 10 s of the draw")
		}
	})
}

// TestOwnersReportIsTheSites: the report needs widgets:read on the
// widget's own site, and names only game widgets.
func TestOwnersReportIsTheSites(t *testing.T) {
	e := newEnv(t, servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{}))
	wid := e.game(sure)
	path := "/api/v1/sites/" + e.siteID + "/widgets/" + wid + "/game"
	reader := e.CreateKey(e.siteID, "widgets:read")
	servertest.ExpectStatus(t, e.Request("GET", path, nil, "Authorization", "Bearer "+reader), http.StatusOK)
	leadsOnly := e.CreateKey(e.siteID, "leads:read")
	servertest.ExpectStatus(t, e.Request("GET", path, nil, "Authorization", "Bearer "+leadsOnly), http.StatusForbidden)
	other := e.CreateSite("Другой")
	otherKey := e.CreateKey(other["id"].(string), "widgets:read")
	servertest.ExpectStatus(t, e.Request("GET", path, nil, "Authorization", "Bearer "+otherKey), http.StatusNotFound)
	servertest.ExpectStatus(t, e.Request("GET", path, nil), http.StatusUnauthorized)
	popup := e.CreateWidget(e.siteID, map[string]any{"type": "popup", "settings": map[string]any{"title": "Скидка"}})["id"].(string)
	servertest.ExpectStatus(t, e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+popup+"/game", nil), http.StatusNotFound)
}
