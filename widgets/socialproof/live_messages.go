package socialproof

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/beckonhq/beckon/store"
)

// The messages browsers get, over WebSocket, SSE or polling alike.
type (
	helloMessage struct {
		Type    string            `json:"type"` // hello
		Events  []PublicEventView `json:"events"`
		Viewers *viewerCounts     `json:"viewers,omitempty"`
		// Now is the server's clock: the widget measures events' ages on it.
		Now time.Time `json:"now"`
	}
	eventMessage struct {
		Type  string          `json:"type"` // event
		Event PublicEventView `json:"event"`
	}
	deleteMessage struct {
		Type string `json:"type"` // delete
		ID   string `json:"id"`
	}
	viewersMessage struct {
		Type    string        `json:"type"` // viewers
		Viewers *viewerCounts `json:"viewers"`
	}
	pollAnswer struct {
		Events  []PublicEventView `json:"events"`
		Viewers *viewerCounts     `json:"viewers,omitempty"`
		Now     time.Time         `json:"now"`
	}
)

// viewerCounts are the live counts a widget shows; a count below the
// widget's threshold is left out (0), and nil means none is shown.
type viewerCounts struct {
	Site int `json:"site,omitempty"`
	Page int `json:"page,omitempty"`
}

// frame is one message on its way to many connections: its JSON is made
// once per broadcast, and so is its WebSocket frame, by the first
// connection that writes it (SSE connections send the JSON as is).
type frame struct {
	text []byte
	// eventID and eventTime are those of an event message: a connection
	// skips an event its hello already had, and an SSE stream gives the
	// time as the event's id, from which a reconnecting browser resumes.
	eventID   string
	eventTime time.Time

	once     sync.Once
	prepared *websocket.PreparedMessage
	err      error
}

func newFrame(msg any) (*frame, error) {
	text, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	return &frame{text: text}, nil
}

// websocketFrame is the frame encoded for WebSocket, once for all.
func (f *frame) websocketFrame() (*websocket.PreparedMessage, error) {
	f.once.Do(func() { f.prepared, f.err = websocket.NewPreparedMessage(websocket.TextMessage, f.text) })
	return f.prepared, f.err
}

// reconnectFrame tells a browser that this replica is going away and to
// connect again (to another replica, or this one once it is back).
var reconnectFrame = &frame{text: []byte(`{"type":"reconnect"}`)}

// newerThan keeps the events a widget with set shows (see shows) that
// happened after since (all when since is zero) and are no older than its
// max age at now.
func newerThan(evs []store.Event, since, now time.Time, set *Settings) []store.Event {
	var out []store.Event
	for _, ev := range evs {
		if (since.IsZero() || ev.Time.After(since)) && now.Sub(ev.Time) <= maxAge(set) && shows(set, ev) {
			out = append(out, ev)
		}
	}
	return out
}
