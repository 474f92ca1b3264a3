package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// popupForm is a pop-up that asks for a name and a phone.
const popupForm = `{"title":"Перезвоним","form":{"fields":[{"name":"name"},{"name":"phone","required":true}]}}`

// postPopupLead sends a visitor's pop-up form through the public API, as
// the widget on the site's page does, and returns the lead's id.
func (s *inboxSite) postPopupLead(t testing.TB, wid, siteKey, name, submission string) string {
	t.Helper()
	r := s.d.Request("POST", "/w/v1/"+siteKey+"/popups/"+wid+"/leads", map[string]any{"visitor_id": "v-" + submission,
		"submission_id": submission, "name": name, "phone": "8 (912) 345-67-89", "lang": "ru", "page_url": "https://a.example/sale"},
		"Origin", "https://a.example")
	servertest.ExpectStatus(t, r, http.StatusCreated)
	return r.JSON(t)["lead_id"].(string)
}

// popupSite is newInboxSite with a pop-up widget; it returns the site's key
// and the widget's id.
func (s *inboxSite) popup(t testing.TB) (siteKey, wid string) {
	t.Helper()
	site, err := s.d.Store.GetSite(t.Context(), s.siteID)
	if err != nil {
		t.Fatal(err)
	}
	w := s.d.CreateWidget(s.siteID, map[string]any{"type": "popup", "settings": json.RawMessage(popupForm)})
	return site.Key, w["id"].(string)
}

// TestLiveInboxStream, on both stores: a manager's open stream gets each
// lead a visitor sends through the public API, as a row in the manager's
// language; another site's lead does not reach it.
func TestLiveInboxStream(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		key, wid := s.popup(t)
		other := &inboxSite{d: s.d, siteID: s.d.CreateSite("Shop B", "https://a.example")["id"].(string)}
		okey, owid := other.popup(t)

		ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.d.Base+"/app/sites/"+s.siteID+"/inbox/live?lang=ru", nil)
		resp, err := s.manager.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("live: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		events := make(chan string, 8)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					events <- data
				}
			}
			close(events)
		}()
		// The stream subscribes before it answers: whatever is sent from
		// now on reaches it. The other site's lead comes first, so a leak
		// would be the first event.
		other.postPopupLead(t, owid, okey, "Чужой", "b-1")
		id := s.postPopupLead(t, wid, key, "Анна", "a-1")
		select {
		case data, ok := <-events:
			if !ok {
				t.Fatal("the stream ended without the lead")
			}
			var ev struct{ ID, Row, Text string }
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatalf("event %q: %v", data, err)
			}
			if ev.ID != id || !strings.Contains(ev.Row, `id="lead-`+id+`"`) || !strings.Contains(ev.Row, "Анна") ||
				!strings.Contains(ev.Row, "Новая") || ev.Text != "Новая заявка: Анна" {
				t.Fatalf("event %+v, want lead %s of Анна in Russian", ev, id)
			}
		case <-ctx.Done():
			t.Fatal("no event for a lead sent through the public API")
		}
	})
}
