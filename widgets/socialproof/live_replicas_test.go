package socialproof_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// Two replicas on one Redis: events posted to one reach the other's
// visitors, the counts are the sum of both, and a replica that dies
// leaves the counts once its reports expire, not before.
func TestLiveAcrossReplicas(t *testing.T) {
	opts := storetest.RedisOptions(t)
	prefix := servertest.RedisPrefix()
	open := func() *redis.Client {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		return c
	}
	clientA, clientB := open(), open()
	t.Cleanup(func() { storetest.DeleteKeys(clientA, prefix) })
	a := startLive(t, redisstore.New(clientA, prefix), fastLive)
	b := startLive(t, redisstore.New(clientB, prefix), fastLive)

	onA := newLiveSite(t, a, map[string]any{"viewers": map[string]any{"enabled": true, "threshold": 3, "scope": "page"}})
	onB := onA.on(b)

	visitor := onA.connect(t, "a1", "/")
	if m := recv(t, visitor, 2*time.Second); m.Viewers != nil {
		t.Fatalf("one visitor: viewers %+v, want nothing below the threshold of 3", *m.Viewers)
	}
	others := []*liveConn{onB.connect(t, "b1", "/"), onB.connect(t, "b2", "/")}
	m := readUntil(t, visitor, 3*time.Second, "the count of both replicas", func(m liveMsg) bool { return m.Viewers != nil })
	if m.Viewers.Page != 3 || m.Viewers.Site != 3 {
		t.Fatalf("viewers on A %+v, want 3 (1 on A + 2 on B)", *m.Viewers)
	}

	start := time.Now()
	onA.post(t, purchaseEvent("order-1", "Maria", 0))
	for i, c := range append(others, visitor) {
		m := readUntil(t, c, time.Second, "the event posted to the other replica", func(m liveMsg) bool { return m.Type == "event" })
		if m.Event["id"] != "order-1" {
			t.Fatalf("visitor %d got %v, want order-1", i, m.Event["id"])
		}
	}
	t.Logf("an event posted to A reached B's visitors in %s", time.Since(start))

	// B dies: its Redis connection is gone, so it reports nothing more. Its
	// visitors count until its last report expires (fastLive's TTL, 2 s).
	clientB.Close()
	killed := time.Now()
	ttl := fastLive.PresenceTTL
	expectNoMessage(t, visitor, ttl/2)
	m = readUntil(t, visitor, ttl+time.Second, "the count without B", func(m liveMsg) bool { return m.Type == "viewers" })
	gone := time.Since(killed)
	if m.Viewers != nil {
		t.Fatalf("after B died: viewers %+v, want nothing (1 visitor left)", *m.Viewers)
	}
	if gone < ttl-fastLive.PresenceEvery {
		t.Fatalf("B's visitors left the count %s after it died, before its reports (TTL %s) expired", gone, ttl)
	}
	t.Logf("B's visitors left the count %s after it died (TTL %s)", gone, ttl)
}

// A replica holds one subscription per site however many visitors it has,
// and ends it when the last one leaves.
func TestLiveOneSubscriptionPerSite(t *testing.T) {
	opts := storetest.RedisOptions(t)
	prefix := servertest.RedisPrefix()
	client, served := redis.NewClient(opts), redis.NewClient(opts)
	t.Cleanup(func() {
		storetest.DeleteKeys(client, prefix)
		client.Close()
		served.Close()
	})
	ts := startLive(t, redisstore.New(served, prefix), fastLive)
	s := newLiveSite(t, ts, nil)
	channel := prefix + ":ps:sp:" + s.id
	subscribers := func() int64 {
		t.Helper()
		n, err := client.PubSubNumSub(t.Context(), channel).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n[channel]
	}
	var visitors []*liveConn
	for _, v := range []string{"v1", "v2", "v3"} {
		c := s.connect(t, v, "/")
		recv(t, c, 2*time.Second)
		visitors = append(visitors, c)
	}
	if n := subscribers(); n != 1 {
		t.Fatalf("%d subscriptions to the site's channel with three visitors, want 1", n)
	}
	for _, c := range visitors {
		c.ws.Close()
	}
	deadline := time.Now().Add(3 * time.Second)
	for subscribers() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the subscription outlived the site's last visitor by 3 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A replica shut down gracefully takes its visitors out of the count at
// once, not after the TTL; they are told to reconnect.
func TestLiveDrainWithdrawsCounts(t *testing.T) {
	opts := storetest.RedisOptions(t)
	prefix := servertest.RedisPrefix()
	clientA, clientB := redis.NewClient(opts), redis.NewClient(opts)
	t.Cleanup(func() {
		storetest.DeleteKeys(clientA, prefix)
		clientA.Close()
		clientB.Close()
	})
	lo := fastLive
	lo.PresenceTTL = 30 * time.Second
	a := startLive(t, redisstore.New(clientA, prefix), lo)
	b := startLive(t, redisstore.New(clientB, prefix), lo)
	onA := newLiveSite(t, a, map[string]any{"viewers": map[string]any{"enabled": true, "threshold": 2, "scope": "site"}})

	visitor := onA.connect(t, "a1", "/")
	recv(t, visitor, 2*time.Second)
	leaving := onA.on(b).connect(t, "b1", "/")
	m := readUntil(t, visitor, 3*time.Second, "the count of both replicas", func(m liveMsg) bool { return m.Viewers != nil })
	if m.Viewers.Site != 2 {
		t.Fatalf("viewers %+v, want site 2", *m.Viewers)
	}

	if err := b.Srv.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	readUntil(t, leaving, time.Second, "reconnect", func(m liveMsg) bool { return m.Type == "reconnect" })
	m = readUntil(t, visitor, 2*time.Second, "the count without B", func(m liveMsg) bool { return m.Type == "viewers" })
	if m.Viewers != nil {
		t.Fatalf("after B shut down: viewers %+v, want nothing (1 < 2)", *m.Viewers)
	}
}
