package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// opener opens a store on one backing (a directory, a Redis key prefix) as
// often as asked: what one store wrote, the next one opened reads, as after
// a restart. Every store opened is closed when the test ends.
type opener func() store.Store

var prefixCounter atomic.Int64

// backings are the two stores; Redis is the real server when
// BECKON_TEST_REDIS_URL is set, else miniredis.
var backings = map[string]func(t testing.TB) opener{
	"embedded": func(t testing.TB) opener {
		dir := t.TempDir()
		return func() store.Store {
			st, err := embedded.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
	},
	"redis": func(t testing.TB) opener {
		opts := storetest.RedisOptions(t)
		prefix := fmt.Sprintf("beckontest:notify:%d:%d", os.Getpid(), prefixCounter.Add(1))
		cleanup := redis.NewClient(opts)
		t.Cleanup(func() {
			storetest.DeleteKeys(cleanup, prefix)
			cleanup.Close()
		})
		return func() store.Store {
			client := redis.NewClient(opts)
			st := redisstore.New(client, prefix)
			t.Cleanup(func() { st.Close(); client.Close() })
			return st
		}
	},
}

// forEachStore runs fn as a subtest per store.
func forEachStore(t *testing.T, fn func(t *testing.T, open opener)) {
	for _, name := range []string{"embedded", "redis"} {
		t.Run(name, func(t *testing.T) { fn(t, backings[name](t)) })
	}
}

// clock is the schedule's clock, moved by the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// receiver is a site owner's endpoint. It checks every request's signature
// the way the Standard Webhooks spec says (written out here, not with this
// package's Verify), records it, and answers with respond(n, w, r), n
// counting requests from 1.
type receiver struct {
	srv     *httptest.Server
	secret  string
	respond func(n int, w http.ResponseWriter, r *http.Request)

	mu  sync.Mutex
	got []received
}

type received struct {
	path, id string
	body     []byte
}

func newReceiver(t testing.TB, respond func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	t.Helper()
	rc := &receiver{secret: NewSecret(), respond: respond}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := specVerify(rc.secret, r.Header, body); err != nil {
			t.Errorf("webhook %s: %v", r.Header.Get("webhook-id"), err)
		}
		rc.mu.Lock()
		rc.got = append(rc.got, received{path: r.URL.Path, id: r.Header.Get("webhook-id"), body: body})
		n := len(rc.got)
		rc.mu.Unlock()
		rc.respond(n, w, r)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) hook(path string) Webhook {
	return Webhook{URL: rc.srv.URL + path, Secret: rc.secret}
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func status(code int) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

// specVerify is the receiver's side of the spec: the key is the base64
// after "whsec_"; the signed content is "id.timestamp.body"; the header
// holds space-separated "v1,<base64 HMAC-SHA256>"; the timestamp must be
// within five minutes of the receiver's clock.
func specVerify(secret string, h http.Header, body []byte) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing webhook-id, webhook-timestamp or webhook-signature")
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(unix, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("webhook-timestamp %q is not within 5 minutes of now", ts)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return fmt.Errorf("no signature in %q matches", sigs)
}

// endpoints is the tests' Endpoint: widget ID → webhook.
type endpoints struct {
	mu    sync.Mutex
	hooks map[string]Webhook
}

func (e *endpoints) set(widgetID string, h Webhook) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.hooks == nil {
		e.hooks = map[string]Webhook{}
	}
	e.hooks[widgetID] = h
}

func (e *endpoints) lookup(_ context.Context, _, widgetID string) (Webhook, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	h, ok := e.hooks[widgetID]
	if !ok {
		return Webhook{}, ErrNoEndpoint
	}
	return h, nil
}

// testOptions reach loopback (httptest listens there), look for due work
// every few milliseconds and follow clk.
func testOptions(clk *clock) Options {
	return Options{AllowPrivate: true, Poll: 5 * time.Millisecond, Timeout: 5 * time.Second,
		Now: clk.Now, Logger: slog.New(slog.DiscardHandler)}
}

// run starts s until the test ends (or stop is called) and waits for it.
func run(t *testing.T, s *Sender) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Error("Run did not return within 10s of its context ending")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond every few milliseconds until it holds, failing the
// test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// waitLog waits until the site's log has n entries and returns them,
// newest first.
func waitLog(t *testing.T, st store.Store, siteID string, n int) []store.DeliveryAttempt {
	t.Helper()
	var log []store.DeliveryAttempt
	waitFor(t, fmt.Sprintf("%d delivery log entries", n), func() bool {
		var err error
		log, err = st.ListDeliveries(context.Background(), siteID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(log) >= n
	})
	if len(log) != n {
		t.Fatalf("log has %d entries, want %d: %+v", len(log), n, log)
	}
	return log
}

func notification(t *testing.T, st store.Store, siteID, id string) store.Notification {
	t.Helper()
	n, err := st.GetNotification(context.Background(), siteID, id)
	if err != nil {
		t.Fatalf("GetNotification %s: %v", id, err)
	}
	return n
}

func message(widgetID string) Message {
	return Message{SiteID: "site-1", WidgetID: widgetID, EventType: "callback.missed",
		Payload: map[string]any{"callback_id": "cb_1", "phone": "+79161234567", "name": "Ольга"}}
}
