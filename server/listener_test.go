package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// dial opens a TCP connection to ts and closes it when the test ends.
func dial(t *testing.T, ts *servertest.Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.Base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// answers sends a request on c and says whether a 200 came back; the
// connection stays open (keep-alive).
func answers(c net.Conn) bool {
	c.SetDeadline(time.Now().Add(3 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// closedByServer says whether the server closed c without a word.
func closedByServer(t *testing.T, c net.Conn) bool {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	n, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return n == 0 && err != nil
}

// waitAnswers polls until a fresh connection is served again.
func waitAnswers(t *testing.T, ts *servertest.Server) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !answers(dial(t, ts)) {
		if time.Now().After(deadline) {
			t.Fatal("no connection served 5 s after one closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestConnectionCaps: connections over the per-address or the total cap
// are closed at once while the others are served; a place frees as soon as
// a connection closes; a trusted proxy has no per-address cap.
func TestConnectionCaps(t *testing.T) {
	for _, tc := range []struct {
		name            string
		maxTotal, perIP int
	}{{"per address", 100, 4}, {"total", 4, 100}} {
		t.Run(tc.name, func(t *testing.T) {
			ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{Config: func(c *config.Config) {
				c.MaxConns, c.MaxConnsPerIP = tc.maxTotal, tc.perIP
			}})
			var open []net.Conn
			for i := 0; i < 4; i++ {
				c := dial(t, ts)
				if !answers(c) {
					t.Fatalf("connection %d within the cap was not served", i+1)
				}
				open = append(open, c)
			}
			if !closedByServer(t, dial(t, ts)) {
				t.Fatal("a fifth connection was kept")
			}
			for _, c := range open {
				if !answers(c) {
					t.Fatal("a connection within the cap stopped being served")
				}
			}
			open[0].Close()
			waitAnswers(t, ts)
		})
	}
	t.Run("trusted proxy", func(t *testing.T) {
		ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{Config: func(c *config.Config) {
			c.MaxConnsPerIP = 2
			c.TrustedProxies = mustPrefixes(t, "127.0.0.1/32")
		}})
		for i := 0; i < 6; i++ {
			if !answers(dial(t, ts)) {
				t.Fatalf("connection %d from a trusted proxy was not served", i+1)
			}
		}
	})
}

// exhaustedListener fails its first accepts the way accept4 does when the
// process has no file descriptor left.
type exhaustedListener struct {
	net.Listener
	failures atomic.Int32
}

func (l *exhaustedListener) Accept() (net.Conn, error) {
	if l.failures.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// TestServingSurvivesOutOfFiles: "too many open files" on accept is waited
// out, not the end of serving (fasthttp alone stops serving on it).
func TestServingSurvivesOutOfFiles(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	exhausted := &exhaustedListener{Listener: ln}
	exhausted.failures.Store(8)
	before := metric(ts, "beckon_accept_retries_total")
	go ts.Srv.Serve(exhausted)
	resp, err := servertest.Client.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatalf("not served after running out of file descriptors: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatal(resp.Status)
	}
	if got := metric(ts, "beckon_accept_retries_total") - before; got < 8 {
		t.Fatalf("%v accept retries counted, want 8", got)
	}
}

// metric reads a counter or gauge without labels from /metrics.
func metric(ts *servertest.Server, name string) float64 {
	ts.T.Helper()
	for _, line := range strings.Split(string(ts.Request("GET", "/metrics", nil).Body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				ts.T.Fatal(err)
			}
			return f
		}
	}
	return 0
}
