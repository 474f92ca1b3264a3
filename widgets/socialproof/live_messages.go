package socialproof

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// The messages browsers get, over WebSocket, SSE or polling alike.
type (
	helloMessage struct {
		Type    string            `json:"type"` // hello
		Events  []PublicEventView `json:"events"`
		Viewers *viewerCounts     `json:"viewers,omitempty"`
		// NoPushes tells a push-only member that no widget of the site
		// accepts pushes: it may close (only=push).
		NoPushes bool `json:"no_pushes,omitempty"`
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
	// showMessage opens a widget the owner pushed, on the pages that
	// match (the browser checks them, with its trigger block's).
	showMessage struct {
		Type   string          `json:"type"`    // show
		PushID string          `json:"push_id"` // a page shows one push once
		Widget string          `json:"widget"`
		Pages  *triggers.Pages `json:"pages"`
	}
	pollAnswer struct {
		Events  []PublicEventView `json:"events"`
		Viewers *viewerCounts     `json:"viewers,omitempty"`
		// Show are the site's pushes of the last minute (showMessage).
		Show     []json.RawMessage `json:"show"`
		NoPushes bool              `json:"no_pushes,omitempty"` // as the hello's
		Now      time.Time         `json:"now"`
	}
)

// viewerCounts are the live counts a widget shows; a count below the
// widget's threshold is left out (0), and nil means none is shown.
type viewerCounts struct {
	Site int `json:"site,omitempty"`
	Page int `json:"page,omitempty"`
}

// frame is one message on its way to many connections: its JSON is made
// once per broadcast, and so is its WebSocket frame (SSE connections send
// the JSON as is).
type frame struct {
	text []byte
	// wire is the whole WebSocket frame as it goes on the socket: written
	// as is to every WebSocket connection.
	wire []byte
	// eventID and eventSeq are those of an event message: a connection
	// skips an event its hello already had, and an SSE stream gives the
	// seq as the event's id, from which a reconnecting browser resumes.
	eventID  string
	eventSeq int64
}

func newFrame(msg any) (*frame, error) {
	text, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	return textFrame(text), nil
}

func textFrame(text []byte) *frame {
	return &frame{text: text, wire: websocketFrame(opText, text)}
}

// WebSocket opcodes, with the FIN bit: every frame we send is whole.
const (
	opText = 0x81
	opPong = 0x8a
	opPing = 0x89
)

// websocketFrame encodes one unfragmented server frame (RFC 6455 §5.2):
// servers do not mask, and the upgrader does not negotiate compression,
// so the frame is the header and the payload as is. Encoding it here, once
// per broadcast, lets each connection's write be a single system call on
// bytes shared by all.
func websocketFrame(op byte, payload []byte) []byte {
	n := len(payload)
	var b []byte
	switch {
	case n < 126:
		b = append(make([]byte, 0, 2+n), op, byte(n))
	case n <= 0xffff:
		b = append(make([]byte, 0, 4+n), op, 126, byte(n>>8), byte(n))
	default:
		b = append(make([]byte, 0, 10+n), op, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// reconnectFrame tells a browser that this replica is going away and to
// connect again (to another replica, or this one once it is back).
var reconnectFrame = textFrame([]byte(`{"type":"reconnect"}`))

// cursor is where a resuming client left off: the Seq of the last event
// it got, or, from widgets older than sequences, that event's time. The
// zero cursor is a first connection: every event is after it.
type cursor struct {
	seq  int64
	time time.Time
}

// parseCursor reads since: a sequence number, or an RFC 3339 time.
func parseCursor(s string) (cursor, bool) {
	if seq, err := strconv.ParseInt(s, 10, 64); err == nil && seq >= 0 {
		return cursor{seq: seq}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return cursor{time: t}, err == nil
}

// passes says whether ev came after c. By sequence, an event stored after
// the client left is new to it whatever its time (a shop may report an
// order late); only the old time cursor compares times.
func (c cursor) passes(ev store.Event) bool {
	switch {
	case c.seq > 0:
		return ev.Seq > c.seq
	case !c.time.IsZero():
		return ev.Time.After(c.time)
	}
	return true
}

// later is the cursor further on of c and d: a seq beats a time.
func (c cursor) later(d cursor) cursor {
	if d.seq > c.seq || (c.seq == 0 && d.seq == 0 && d.time.After(c.time)) {
		return d
	}
	return c
}

// newerThan keeps the events a widget with set shows (see shows) that
// come after since and are no older than its max age at now.
func newerThan(evs []store.Event, since cursor, now time.Time, set *Settings) []store.Event {
	var out []store.Event
	for _, ev := range evs {
		if since.passes(ev) && now.Sub(ev.Time) <= maxAge(set) && shows(set, ev) {
			out = append(out, ev)
		}
	}
	return out
}
