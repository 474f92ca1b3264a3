package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
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
		events, stop := s.stream(t, "/live?lang=ru")
		defer stop()
		// The stream subscribes before it answers: whatever is sent from
		// now on reaches it. The other site's lead comes first, so a leak
		// would be the first event.
		other.postPopupLead(t, owid, okey, "Чужой", "b-1")
		id := s.postPopupLead(t, wid, key, "Анна", "a-1")
		ev := nextEvent(t, events)
		if ev.ID != id || !strings.Contains(ev.Row, `id="lead-`+id+`"`) || !strings.Contains(ev.Row, "Анна") ||
			!strings.Contains(ev.Row, "Новая") || ev.Text != "Новая заявка: Анна" {
			t.Fatalf("event %+v, want lead %s of Анна in Russian", ev, id)
		}
	})
}

// TestLiveInboxCatchesUp, on both stores: a stream opened with the page's
// newest lead (?since=, as the page's script does) or reconnecting with
// Last-Event-ID first sends the leads stored after it, oldest first, so
// a lead stored while the page loaded or the stream reconnected is not
// missed.
func TestLiveInboxCatchesUp(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		at := time.Now().Add(-time.Hour)
		for i := range 4 {
			s.seedLead(t, i, at.Add(time.Duration(i)*time.Minute), "quiz", "w", "direct")
		}
		page := s.inbox(s.manager, "")
		m := regexp.MustCompile(`data-live="([^"]+)"`).FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatal("the page names no live stream")
		}
		s.seedLead(t, 4, at.Add(4*time.Minute), "quiz", "w", "direct")
		s.seedLead(t, 5, at.Add(5*time.Minute), "quiz", "w", "direct")
		live := strings.TrimPrefix(strings.ReplaceAll(m[1], "&amp;", "&"), "/app/sites/"+s.siteID+"/inbox")
		events, stop := s.stream(t, live)
		first, second := nextEvent(t, events), nextEvent(t, events)
		stop()
		if first.ID != "lead-00004" || second.ID != "lead-00005" {
			t.Fatalf("caught up with %s, %s; want lead-00004, lead-00005", first.ID, second.ID)
		}
		// A filtered page catches up from the site's newest lead too, not
		// from its own first row.
		filtered := regexp.MustCompile(`data-live="([^"]+)"`).FindStringSubmatch(s.inbox(s.manager, "?type=callback").Body)
		s.seedLead(t, 6, at.Add(6*time.Minute), "quiz", "w", "direct")
		events, stop = s.stream(t, strings.TrimPrefix(strings.ReplaceAll(filtered[1], "&amp;", "&"), "/app/sites/"+s.siteID+"/inbox"))
		if ev := nextEvent(t, events); ev.ID != "lead-00006" {
			t.Fatalf("a filtered page's stream starts with %s, want lead-00006", ev.ID)
		}
		stop()
		events, stop = s.stream(t, "/live", "Last-Event-ID", second.SSEID)
		defer stop()
		if ev := nextEvent(t, events); ev.ID != "lead-00006" {
			t.Fatalf("after a reconnect: %s, want lead-00006", ev.ID)
		}
	})
}

type liveEv struct {
	ID, Row, Text string
	SSEID         string `json:"-"`
}

// stream opens the manager's live stream (path after …/inbox) and returns
// its events.
func (s *inboxSite) stream(t *testing.T, path string, headers ...string) (<-chan liveEv, func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.d.Base+"/app/sites/"+s.siteID+"/inbox"+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.manager.client.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("live: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan liveEv, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		id := ""
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
				id = v
			}
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ev liveEv
				if err := json.Unmarshal([]byte(data), &ev); err != nil {
					t.Errorf("event %q: %v", data, err)
					return
				}
				ev.SSEID = id
				events <- ev
			}
		}
	}()
	return events, func() { cancel(); resp.Body.Close() }
}

func nextEvent(t *testing.T, events <-chan liveEv) liveEv {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return liveEv{}
}
