package socialproof

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	gorilla "github.com/gorilla/websocket"
)

// wsPair is a member writing to a real WebSocket over loopback TCP, and
// the client reading it. The server's send buffer and the client's receive
// buffer are small, so a client that stops reading fills them quickly and
// a large frame never fits whole.
func wsPair(t *testing.T) (*member, *wsConn, *gorilla.Conn) {
	return wsPairOver(t, false)
}

// wsPairOver is wsPair, over TLS when secure.
func wsPairOver(t *testing.T, secure bool) (*member, *wsConn, *gorilla.Conn) {
	t.Helper()
	members := make(chan *member, 1)
	conns := make(chan *wsConn, 1)
	up := websocket.Upgrader{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		ws := newWSConn(c, 5*time.Second)
		if tcp, ok := ws.sock.(*net.TCPConn); ok {
			_ = tcp.SetWriteBuffer(4096)
		}
		m := newMember("w1", "/", ws, 1000)
		m.flush() // no hello: give up the first turn
		answerPings(ws, m)
		members <- m
		conns <- ws
		for { // read until the client goes, as serveWebsocket does
			if _, _, err := c.ReadMessage(); err != nil {
				m.stop()
				return
			}
		}
	}))
	if secure {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	d := gorilla.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		c, err := net.Dial(network, addr)
		if err == nil {
			_ = c.(*net.TCPConn).SetReadBuffer(64 << 10)
		}
		return c, err
	}}
	if secure {
		d.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
	}
	client, _, err := d.Dial(strings.Replace(srv.URL, "http", "ws", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return <-members, <-conns, client
}

// A broadcast to an idle connection is written at once, straight to the
// socket, and arrives as a proper WebSocket text message.
func TestBroadcastWrittenStraightToTheSocket(t *testing.T) {
	m, ws, client := wsPair(t)
	if ws.raw == nil {
		t.Fatal("the connection has no descriptor to write to: every broadcast would wait in a goroutine")
	}
	for i := range 3 {
		f := textFrame([]byte(fmt.Sprintf(`{"type":"event","n":%d}`, i)))
		if !m.sendNow(f) {
			t.Fatal("an idle member was dropped")
		}
		m.mu.Lock()
		busy := m.writing || len(m.queue) > 0
		m.mu.Unlock()
		if busy {
			t.Fatalf("frame %d was queued to a writer instead of written at once", i)
		}
	}
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	for i := range 3 {
		typ, msg, err := client.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(`{"type":"event","n":%d}`, i); typ != gorilla.TextMessage || string(msg) != want {
			t.Fatalf("message %d: type %d %q, want text %q", i, typ, msg, want)
		}
	}
}

// A socket that takes only part of a frame gets the rest from a writer,
// before any later frame: a client that reads late still gets every
// message whole and in order.
func TestBroadcastToAFullSocketArrivesWholeAndInOrder(t *testing.T) {
	m, _, client := wsPair(t)
	const frames = 12
	payload := func(i int) []byte {
		return append([]byte(fmt.Sprintf(`{"n":%d,"pad":"`, i)), append(bytes.Repeat([]byte{'a' + byte(i%26)}, 100_000), '"', '}')...)
	}
	queued := false
	for i := range frames {
		if !m.sendNow(textFrame(payload(i))) {
			t.Fatalf("frame %d dropped the member", i)
		}
		m.mu.Lock()
		queued = queued || len(m.queue) > 0
		m.mu.Unlock()
	}
	if !queued {
		t.Fatal("the socket took 1.2 MB without the client reading: the test did not fill it")
	}
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	for i := range frames {
		_, msg, err := client.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !bytes.Equal(msg, payload(i)) {
			t.Fatalf("message %d arrived as %.40q… (%d bytes), want %.40q… (%d bytes)", i, msg, len(msg), payload(i), len(payload(i)))
		}
	}
}

// Over TLS the socket carries encrypted bytes: frames go through the TLS
// connection (in a writer), never straight to the socket, and arrive
// whole.
func TestBroadcastOverTLSGoesThroughTheTLSConnection(t *testing.T) {
	m, ws, client := wsPairOver(t, true)
	if _, ok := ws.sock.(*tls.Conn); !ok {
		t.Fatalf("frames go to a %T, want the TLS connection", ws.sock)
	}
	want := `{"type":"event","n":1}`
	if !m.sendNow(textFrame([]byte(want))) {
		t.Fatal("the member was dropped")
	}
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, msg, err := client.ReadMessage(); err != nil || string(msg) != want {
		t.Fatalf("got %q, %v; want %q", msg, err, want)
	}
}

// A client's ping is answered with a pong through the member's writer, as
// the protocol wants, with its payload.
func TestClientPingIsAnswered(t *testing.T) {
	_, _, client := wsPair(t)
	pong := make(chan string, 1)
	client.SetPongHandler(func(data string) error { pong <- data; return nil })
	if err := client.WriteControl(gorilla.PingMessage, []byte("hi"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	go func() {
		for {
			if _, _, err := client.ReadMessage(); err != nil {
				return
			}
		}
	}()
	select {
	case got := <-pong:
		if got != "hi" {
			t.Fatalf("pong %q, want %q", got, "hi")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no pong within 10 s")
	}
}
