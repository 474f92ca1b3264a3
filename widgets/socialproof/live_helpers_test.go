package socialproof_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/socialproof"
)

// fastLive are live options for tests: counts reported and read in
// fractions of a second instead of seconds.
var fastLive = socialproof.LiveOptions{ViewersEvery: 100 * time.Millisecond,
	PresenceEvery: 300 * time.Millisecond, PresenceTTL: 2 * time.Second}

// startLive runs a server on st whose social proof module has live
// options lo.
func startLive(t testing.TB, st store.Store, lo socialproof.LiveOptions) *servertest.Server {
	t.Helper()
	return startLiveWith(t, st, lo, nil)
}

// startLiveWith is startLive with the configuration changed by tune.
func startLiveWith(t testing.TB, st store.Store, lo socialproof.LiveOptions, tune func(*config.Config)) *servertest.Server {
	t.Helper()
	return servertest.Start(t, st, servertest.Options{Config: tune, Modules: func(cfg config.Config) []widgets.Module {
		var mods []widgets.Module
		for _, m := range servertest.Modules(cfg, sim.New(servertest.FastCalls)) {
			if m.Type() != "social_proof" {
				mods = append(mods, m)
			}
		}
		return append(mods, socialproof.NewModule().WithLive(lo))
	}})
}

// liveSite is a site with a social proof widget.
type liveSite struct {
	ts              *servertest.Server
	id, key, widget string
}

// newLiveSite creates a site and a social proof widget with settings.
func newLiveSite(t *testing.T, ts *servertest.Server, settings map[string]any) liveSite {
	t.Helper()
	site := ts.CreateSite("shop")
	w := ts.CreateWidget(site["id"].(string), map[string]any{"type": "social_proof", "settings": settings})
	return liveSite{ts: ts, id: site["id"].(string), key: site["key"].(string), widget: w["id"].(string)}
}

// on is the same site served by another replica.
func (s liveSite) on(ts *servertest.Server) liveSite { s.ts = ts; return s }

// query is the live routes' query of a visitor on page.
func (s liveSite) query(visitor, page string, extra ...string) string {
	q := url.Values{"widget_id": {s.widget}, "visitor_id": {visitor}, "page": {page}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q.Encode()
}

// dial opens the WebSocket feed of a visitor on page.
func (s liveSite) dial(t *testing.T, visitor, page string, extra ...string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	return s.dialWith(t, websocket.DefaultDialer, shopOrigin, s.query(visitor, page, extra...))
}

func (s liveSite) dialWith(t *testing.T, d *websocket.Dialer, origin, query string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	u := "ws" + strings.TrimPrefix(s.ts.Base, "http") + "/w/v1/" + s.key + "/live?" + query
	ws, resp, err := d.Dial(u, h)
	if ws != nil {
		t.Cleanup(func() { ws.Close() })
	}
	return ws, resp, err
}

// connect dials and fails the test unless the connection opens.
func (s liveSite) connect(t *testing.T, visitor, page string, extra ...string) *liveConn {
	t.Helper()
	ws, resp, err := s.dial(t, visitor, page, extra...)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial: %v (HTTP %d)", err, status)
	}
	return followConn(ws)
}

// liveConn reads a connection's messages as they come, so a test can wait
// for one with a timeout and go on reading after it.
type liveConn struct {
	ws   *websocket.Conn
	msgs chan liveMsg
	err  error // why msgs was closed
}

func followConn(ws *websocket.Conn) *liveConn {
	c := &liveConn{ws: ws, msgs: make(chan liveMsg, 10000)}
	go func() {
		defer close(c.msgs)
		for {
			typ, data, err := ws.ReadMessage()
			if err != nil {
				c.err = err
				return
			}
			var m liveMsg
			if err := json.Unmarshal(data, &m); err != nil || typ != websocket.TextMessage {
				c.err = fmt.Errorf("not a JSON text liveMsg (%d): %v: %s", typ, err, data)
				return
			}
			c.msgs <- m
		}
	}()
	return c
}

// next waits up to d for the next liveMsg.
func (c *liveConn) next(d time.Duration) (liveMsg, error) {
	select {
	case m, ok := <-c.msgs:
		if !ok {
			return m, fmt.Errorf("connection ended: %w", c.err)
		}
		return m, nil
	case <-time.After(d):
		return liveMsg{}, fmt.Errorf("no liveMsg within %s", d)
	}
}

// post adds events through the admin API.
func (s liveSite) post(t *testing.T, events ...map[string]any) {
	t.Helper()
	r := s.ts.Admin("POST", "/api/v1/sites/"+s.id+"/events", map[string]any{"events": events})
	servertest.ExpectStatus(t, r, http.StatusAccepted)
}

// purchaseEvent is an event of the API's shape, happened ago.
func purchaseEvent(id, name string, ago time.Duration) map[string]any {
	return map[string]any{"id": id, "type": "purchase", "name": name, "city": "Bryansk",
		"product": "Apple Watch", "time": time.Now().Add(-ago).UTC().Format(time.RFC3339Nano)}
}

// liveMsg is one liveMsg of the feed.
type liveMsg struct {
	Type     string                    `json:"type"`
	Events   []map[string]any          `json:"events"`
	Event    map[string]any            `json:"event"`
	ID       string                    `json:"id"`
	Viewers  *struct{ Site, Page int } `json:"viewers"`
	NoPushes bool                      `json:"no_pushes"`
	// PushID, Widget and Pages are a show frame's (a push).
	PushID string              `json:"push_id"`
	Widget string              `json:"widget"`
	Pages  map[string][]string `json:"pages"`
}

// recv waits up to d for the next liveMsg.
func recv(t *testing.T, c *liveConn, d time.Duration) liveMsg {
	t.Helper()
	m, err := c.next(d)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readUntil reads messages until one satisfies ok, for up to d.
func readUntil(t *testing.T, c *liveConn, d time.Duration, what string, ok func(liveMsg) bool) liveMsg {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		m, err := c.next(time.Until(deadline))
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok(m) {
			return m
		}
	}
}

// expectNoMessage fails if c gets a liveMsg within d.
func expectNoMessage(t *testing.T, c *liveConn, d time.Duration) {
	t.Helper()
	if m, err := c.next(d); err == nil {
		t.Fatalf("unexpected %s liveMsg %+v", m.Type, m)
	}
}

// eventIDs are the events' ids, in order.
func eventIDs(evs []map[string]any) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i], _ = ev["id"].(string)
	}
	return out
}
