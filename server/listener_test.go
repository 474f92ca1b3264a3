package server

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
)

// dial opens a TCP connection to ts and closes it when the test ends.
func (ts *testServer) dial(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.base, "http://"))
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
func (ts *testServer) waitAnswers(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !answers(ts.dial(t)) {
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
			ts := newTestServer(t, storeFactories["embedded"](t), func(c *config.Config) {
				c.MaxConns, c.MaxConnsPerIP = tc.maxTotal, tc.perIP
			})
			var open []net.Conn
			for i := 0; i < 4; i++ {
				c := ts.dial(t)
				if !answers(c) {
					t.Fatalf("connection %d within the cap was not served", i+1)
				}
				open = append(open, c)
			}
			if !closedByServer(t, ts.dial(t)) {
				t.Fatal("a fifth connection was kept")
			}
			for _, c := range open {
				if !answers(c) {
					t.Fatal("a connection within the cap stopped being served")
				}
			}
			open[0].Close()
			ts.waitAnswers(t)
		})
	}
	t.Run("trusted proxy", func(t *testing.T) {
		ts := newTestServer(t, storeFactories["embedded"](t), func(c *config.Config) {
			c.MaxConnsPerIP = 2
			c.TrustedProxies = mustPrefixes(t, "127.0.0.1/32")
		})
		for i := 0; i < 6; i++ {
			if !answers(ts.dial(t)) {
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
	ts := newTestServer(t, storeFactories["embedded"](t), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	exhausted := &exhaustedListener{Listener: ln}
	exhausted.failures.Store(8)
	before := ts.metric("beckon_accept_retries_total")
	go ts.srv.Serve(exhausted)
	resp, err := testClient.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatalf("not served after running out of file descriptors: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatal(resp.Status)
	}
	if got := ts.metric("beckon_accept_retries_total") - before; got < 8 {
		t.Fatalf("%v accept retries counted, want 8", got)
	}
}

// metric reads a counter or gauge without labels from /metrics.
func (ts *testServer) metric(name string) float64 {
	ts.t.Helper()
	for _, line := range strings.Split(string(ts.request("GET", "/metrics", nil).Body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				ts.t.Fatal(err)
			}
			return f
		}
	}
	return 0
}

func TestConnCapFitsOpenFiles(t *testing.T) {
	for _, tc := range []struct {
		configured int
		limit      uint64
		want       int
	}{{16000, 20000, 16000}, {16000, 1024, 820}, {500, 1024, 500}, {16000, 0, 16000}, {16000, 50, 16}} {
		if got := connCap(tc.configured, tc.limit); got != tc.want {
			t.Errorf("connCap(%d, %d) = %d, want %d", tc.configured, tc.limit, got, tc.want)
		}
	}
}
