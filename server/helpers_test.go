package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

const testAdminToken = "test-admin-token"

// storeFactories are the two stores every server test runs against: the
// embedded one, and Redis (the real server when BECKON_TEST_REDIS_URL is set,
// else miniredis).
var storeFactories = map[string]func(t testing.TB) store.Store{
	"embedded": func(t testing.TB) store.Store {
		st, err := embedded.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	},
	"redis": newRedisStore,
}

var prefixCounter atomic.Int64

func newRedisStore(t testing.TB) store.Store {
	t.Helper()
	client := redis.NewClient(storetest.RedisOptions(t))
	prefix := fmt.Sprintf("beckontest:%d:%d", os.Getpid(), prefixCounter.Add(1))
	t.Cleanup(func() {
		storetest.DeleteKeys(client, prefix)
		client.Close()
	})
	return redisstore.New(client, prefix)
}

// forEachStore runs fn as a subtest per store.
func forEachStore(t *testing.T, fn func(t *testing.T, newStore func(t *testing.T) store.Store)) {
	for _, name := range []string{"embedded", "redis"} {
		t.Run(name, func(t *testing.T) { fn(t, func(t *testing.T) store.Store { return storeFactories[name](t) }) })
	}
}

func testConfig() config.Config {
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	cfg.AdminToken = testAdminToken
	return cfg
}

type testServer struct {
	t     testing.TB
	srv   *Server
	store store.Store
	base  string // http://127.0.0.1:port of the listening app
}

// fastCalls makes the simulator's calls take milliseconds.
var fastCalls = sim.Delays{Ring: 20 * time.Millisecond, Answer: 40 * time.Millisecond,
	Press: 40 * time.Millisecond, Talk: 150 * time.Millisecond}

// newTestServer starts a Server on st with fast simulated telephony; mutate
// may adjust the configuration.
func newTestServer(t testing.TB, st store.Store, mutate func(*config.Config)) *testServer {
	t.Helper()
	return newTestServerWith(t, st, mutate, Options{Telephony: sim.New(fastCalls)})
}

// newTestServerWith starts a Server with opts (logger and token filled in).
func newTestServerWith(t testing.TB, st store.Store, mutate func(*config.Config), opts Options) *testServer {
	t.Helper()
	cfg := testConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hash, _, err := EnsureAdminToken(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	opts.Logger, opts.AdminTokenHash = log, hash
	srv, err := New(ctx, cfg, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv, st)
}

// serve makes srv listen on a loopback port until the test ends.
func serve(t testing.TB, srv *Server, st store.Store) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return &testServer{t: t, srv: srv, store: st, base: "http://" + ln.Addr().String()}
}

// response is what a test reads back.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// errorCode and errorField read the uniform error body.
func (r response) errorCode(t testing.TB) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error object in %s", r.Body)
	}
	if msg, _ := e["message"].(string); msg == "" {
		t.Fatalf("error without message: %s", r.Body)
	}
	code, _ := e["code"].(string)
	return code
}

func (r response) errorField(t testing.TB) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	field, _ := e["field"].(string)
	return field
}

// request sends a real HTTP request to the listening app over loopback. body is sent as is
// when it is a string, JSON-encoded otherwise; headers come in pairs.
func (ts *testServer) request(method, path string, body any, headers ...string) response {
	ts.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, ts.base+path, r)
	if err != nil {
		ts.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	var resp *http.Response
	if req.ContentLength > adminBodyLimit {
		resp, err = ts.announceOversized(req)
	} else {
		resp, err = testClient.Do(req)
	}
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// announceOversized sends only the head of a request whose Content-Length
// is over the server's limit and reads the answer. The server refuses from
// the head alone and closes; a client still writing megabytes at that moment
// would see a reset instead of the 413, which is a race, not a behaviour.
func (ts *testServer) announceOversized(req *http.Request) (*http.Response, error) {
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		return nil, err
	}
	ts.t.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.URL.Host, req.ContentLength)
	if _, err := io.WriteString(conn, head); err != nil {
		return nil, err
	}
	if err := req.Header.Write(conn); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(conn, "\r\n"); err != nil {
		return nil, err
	}
	return http.ReadResponse(bufio.NewReader(conn), req)
}

// testClient never follows redirects: tests look at what the server says.
var testClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// admin sends a request with the operator's token.
func (ts *testServer) admin(method, path string, body any, headers ...string) response {
	ts.t.Helper()
	return ts.request(method, path, body, append([]string{"Authorization", "Bearer " + testAdminToken}, headers...)...)
}

func expectStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body: %s", r.Status, want, r.Body)
	}
}

// createSite makes a site through the API and returns its JSON.
func (ts *testServer) createSite(name string, origins ...string) map[string]any {
	ts.t.Helper()
	if len(origins) == 0 {
		origins = []string{"https://shop.example"}
	}
	r := ts.admin("POST", "/api/v1/sites", map[string]any{"name": name, "origins": origins,
		"timezone": "Europe/Moscow", "locale": "ru", "region": "RU"})
	expectStatus(ts.t, r, http.StatusCreated)
	return r.json(ts.t)
}

func (ts *testServer) createWidget(siteID string, body any) map[string]any {
	ts.t.Helper()
	r := ts.admin("POST", "/api/v1/sites/"+siteID+"/widgets", body)
	expectStatus(ts.t, r, http.StatusCreated)
	return r.json(ts.t)
}

func (ts *testServer) createKey(siteID string, scopes ...string) string {
	ts.t.Helper()
	r := ts.admin("POST", "/api/v1/sites/"+siteID+"/keys", map[string]any{"name": "crm", "scopes": scopes})
	expectStatus(ts.t, r, http.StatusCreated)
	return r.json(ts.t)["secret"].(string)
}

func mustPrefixes(t testing.TB, cidrs ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
