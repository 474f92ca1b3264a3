package socialproof_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// pushPopup creates a pop-up with the trigger block triggers (JSON) on the
// site and returns its id.
func (s liveSite) pushPopup(t *testing.T, triggers string) string {
	t.Helper()
	w := s.ts.CreateWidget(s.id, map[string]any{"type": "popup",
		"settings": json.RawMessage(`{"title":"Скидка 10% сегодня","triggers":` + triggers + `}`)})
	return w["id"].(string)
}

// pushable is a trigger block that accepts pushes.
const pushable = `{"on":[{"type":"push"}]}`

// push asks the API to show widget to the site's visitors, with body.
func (s liveSite) push(widget string, body any) servertest.Response {
	return s.ts.Admin("POST", "/api/v1/sites/"+s.id+"/widgets/"+widget+"/push", body)
}

// pushed is the push API's answer.
type pushed struct {
	ID     string `json:"push_id"`
	Online int    `json:"online"`
}

func (s liveSite) mustPush(t *testing.T, widget string, body any) pushed {
	t.Helper()
	r := s.push(widget, body)
	servertest.ExpectStatus(t, r, http.StatusAccepted)
	var p pushed
	if err := json.Unmarshal(r.Body, &p); err != nil || p.ID == "" {
		t.Fatalf("push answer %s: %v", r.Body, err)
	}
	return p
}

// showMsg is a show frame (or one entry of a poll's show).
type showMsg struct {
	Type   string `json:"type"`
	ID     string `json:"push_id"`
	Widget string `json:"widget"`
	Pages  struct {
		Include []string `json:"include"`
		Exclude []string `json:"exclude"`
	} `json:"pages"`
}

// pollShow polls the feed as visitor (of widget, "" for the site's social
// proof widget) and returns the answer's events and pushes.
func (s liveSite) pollShow(t *testing.T, visitor, widget string) (events []map[string]any, show []showMsg) {
	t.Helper()
	q := s
	if widget != "" {
		q.widget = widget
	}
	r := s.ts.Request("GET", "/w/v1/"+s.key+"/live/poll?"+q.query(visitor, "/"), nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusOK)
	var a struct {
		Events []map[string]any `json:"events"`
		Show   []showMsg        `json:"show"`
	}
	if err := json.Unmarshal(r.Body, &a); err != nil {
		t.Fatalf("poll answer %s: %v", r.Body, err)
	}
	return a.Events, a.Show
}

// waitOnline waits until the store counts n visitors on the site (each
// replica reports its own every fastLive.PresenceEvery).
func waitOnline(t *testing.T, st store.Presence, siteID string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		total, _, err := st.PresenceCounts(t.Context(), siteID)
		if err != nil {
			t.Fatal(err)
		}
		if total == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d visitors counted on the site after 5 s, want %d", total, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// readShow waits for the show frame of a WebSocket connection, skipping
// hello and counts.
func readShow(t *testing.T, c *liveConn, d time.Duration) liveMsg {
	t.Helper()
	return readUntil(t, c, d, "a show frame", func(m liveMsg) bool { return m.Type == "show" })
}

// sseShow waits for the show frame of an SSE stream.
func sseShow(t *testing.T, stream <-chan sseMessage, d time.Duration) showMsg {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		var m showMsg
		raw := readSSE(t, stream, time.Until(deadline)).data
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			t.Fatalf("SSE message %s: %v", raw, err)
		}
		if m.Type == "show" {
			return m
		}
	}
}
