package socialproof_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// Replicas on one Redis: a push asked of one reaches the connections of
// every replica, counts the visitors of all, and a poll answered by a
// replica that holds no connection of the site finds it too.
func TestPushAcrossReplicas(t *testing.T) {
	opts := storetest.RedisOptions(t)
	prefix := servertest.RedisPrefix()
	var clients []*redis.Client
	for range 3 {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		clients = append(clients, c)
	}
	t.Cleanup(func() { storetest.DeleteKeys(clients[0], prefix) })
	stA := redisstore.New(clients[0], prefix)
	a := startLive(t, stA, fastLive)
	b := startLive(t, redisstore.New(clients[1], prefix), fastLive)
	quiet := startLive(t, redisstore.New(clients[2], prefix), fastLive) // no live connection

	onA := newLiveSite(t, a, nil)
	popup := onA.pushPopup(t, pushable)
	onB := onA.on(b)
	visitor := onB.connect(t, "b1", "/")
	recv(t, visitor, 2*time.Second)
	only := onA
	only.widget = popup
	member := only.connect(t, "a1", "/")
	recv(t, member, 2*time.Second)
	stream := openStream(t, onB, onB.query("b2", "/"))
	readSSE(t, stream, 2*time.Second)
	waitOnline(t, stA, onA.id, 3)

	p := onA.mustPush(t, popup, nil)
	if p.Online != 3 {
		t.Fatalf("online %d, want 3 (2 on B, 1 on A)", p.Online)
	}
	if m := readShow(t, visitor, 2*time.Second); m.PushID != p.ID || m.Widget != popup {
		t.Fatalf("B's WebSocket visitor got %+v, want push %s", m, p.ID)
	}
	if m := sseShow(t, stream, 2*time.Second); m.ID != p.ID {
		t.Fatalf("B's SSE visitor got %+v, want push %s", m, p.ID)
	}
	if m := readShow(t, member, 2*time.Second); m.PushID != p.ID {
		t.Fatalf("A's push-only member got %+v, want push %s", m, p.ID)
	}
	if _, show := onA.on(quiet).pollShow(t, "c1", popup); len(show) != 1 || show[0].ID != p.ID {
		t.Fatalf("a poll on the replica without connections: %+v, want push %s", show, p.ID)
	}
}
