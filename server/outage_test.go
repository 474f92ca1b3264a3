package server_test

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// redisProxy stands between the store and Redis and can make Redis freeze
// (connections stay open, nothing comes back) or go down (connections are
// cut and new ones closed at once), like the outages seen in production.
type redisProxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	frozen chan struct{} // non-nil while frozen; closed to thaw
	down   bool
	conns  map[net.Conn]struct{}
}

func startRedisProxy(t testing.TB, target string) *redisProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &redisProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go p.accept()
	t.Cleanup(func() {
		p.restore()
		ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

func (p *redisProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		if !down {
			p.conns[c] = struct{}{}
		}
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		go p.forward(c)
	}
}

func (p *redisProxy) forward(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	p.conns[server] = struct{}{}
	p.mu.Unlock()
	go p.pipe(server, client)
	p.pipe(client, server)
}

// pipe copies src to dst, holding every chunk while the proxy is frozen.
func (p *redisProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			frozen := p.frozen
			p.mu.Unlock()
			if frozen != nil {
				<-frozen
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *redisProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen == nil {
		p.frozen = make(chan struct{})
	}
}

// cut drops every connection and refuses new ones.
func (p *redisProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *redisProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen != nil {
		close(p.frozen)
		p.frozen = nil
	}
	p.down = false
}

// newProxiedRedisStore is a Redis store reached through a redisProxy, with
// the client options an operator's BECKON_REDIS_URL gets (ParseURL).
func newProxiedRedisStore(t testing.TB) (store.Store, *redisProxy) {
	t.Helper()
	target := storetest.RedisOptions(t)
	p := startRedisProxy(t, target.Addr)
	opts, err := redisstore.ParseURL("redis://" + p.ln.Addr().String() + "/" + strconv.Itoa(target.DB))
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewUniversalClient(opts)
	direct := redis.NewClient(target)
	prefix := servertest.RedisPrefix()
	t.Cleanup(func() {
		storetest.DeleteKeys(direct, prefix)
		direct.Close()
		client.Close()
	})
	return redisstore.New(client, prefix), p
}

// outageBound is how long any request may take while the store is out:
// the 503 is due within two seconds; the bound leaves room for a loaded
// test machine. Each outage lasts far longer than this.
const outageBound = 3 * time.Second

// TestStoreOutage: while Redis is frozen or down, every request answers
// within two seconds — the public config from the cache, everything that
// needs the store 503 "unavailable" with Retry-After — and once Redis is
// back, the server works again without a restart.
func TestStoreOutage(t *testing.T) {
	st, proxy := newProxiedRedisStore(t)
	ts := servertest.Start(t, st, servertest.Options{})
	_, key, _ := ts.CallbackSite("")
	cfgPath := "/w/v1/" + key + "/config"
	before := ts.Request("GET", cfgPath, nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, before, http.StatusOK)

	timed := func(t *testing.T, what string, send func() servertest.Response) servertest.Response {
		t.Helper()
		start := time.Now()
		r := send()
		took := time.Since(start)
		if took > outageBound {
			t.Fatalf("%s took %v during the outage", what, took)
		}
		t.Logf("%s: %d in %v", what, r.Status, took.Round(time.Millisecond))
		return r
	}
	unavailable := func(t *testing.T, what string, r servertest.Response) {
		t.Helper()
		servertest.ExpectStatus(t, r, http.StatusServiceUnavailable)
		if code := r.ErrorCode(t); code != "unavailable" {
			t.Fatalf("%s: code %q", what, code)
		}
		if r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: 503 without Retry-After", what)
		}
	}

	for _, outage := range []struct {
		name, phone string
		start       func()
	}{{"frozen", "+79161234561", proxy.freeze}, {"down", "+79161234562", proxy.cut}} {
		t.Run(outage.name, func(t *testing.T) {
			outage.start()
			// An invalidation (another replica's change) arrived just
			// before the outage: the config must be read again, and the
			// store cannot answer.
			server.InvalidateConfig(ts.Srv, key)
			for range 3 {
				r := timed(t, "GET config", func() servertest.Response { return ts.Request("GET", cfgPath, nil, "Origin", shopOrigin) })
				servertest.ExpectStatus(t, r, http.StatusOK)
				if string(r.Body) != string(before.Body) || r.Header.Get("Access-Control-Allow-Origin") != shopOrigin {
					t.Fatalf("config during the outage: %v %s", r.Header, r.Body)
				}
			}
			r := timed(t, "POST callback", func() servertest.Response {
				return ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1"})
			})
			unavailable(t, "POST callback", r)
			if r.Header.Get("Access-Control-Allow-Origin") != shopOrigin {
				t.Fatalf("503 without CORS headers: %v", r.Header)
			}
			unavailable(t, "admin list", timed(t, "admin list", func() servertest.Response { return ts.Admin("GET", "/api/v1/sites", nil) }))
			unavailable(t, "unknown key", timed(t, "unknown key", func() servertest.Response { return ts.Request("GET", "/w/v1/nosuchkey/config", nil) }))
			r = timed(t, "healthz", func() servertest.Response { return ts.Request("GET", "/healthz", nil) })
			servertest.ExpectStatus(t, r, http.StatusServiceUnavailable)
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("healthz 503 without Retry-After")
			}

			proxy.restore()
			deadline := time.Now().Add(15 * time.Second)
			for {
				h := ts.Request("GET", "/healthz", nil)
				r := ts.PostCallback(key, map[string]any{"phone": outage.phone, "visitor_id": "vis-" + outage.name})
				if h.Status == http.StatusOK && r.Status == http.StatusAccepted {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no recovery 15 s after Redis came back: healthz %d, callback %d %s", h.Status, r.Status, r.Body)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
