package redisstore

import (
	"testing"
	"time"
)

// TestShardedPubSub: with sharded pub/sub (what a Cluster client gets), a
// message reaches a subscriber through SPUBLISH/SSUBSCRIBE, and the channel
// is a shard channel, not a classic one. A single Redis 7 serves both kinds,
// so this runs without a Cluster; what it cannot show is go-redis routing
// to the slot's node and following a resharding.
func TestShardedPubSub(t *testing.T) {
	ts := newTestStore(t)
	ts.sharded = true
	ctx := t.Context()
	got := make(chan string, 1)
	if err := ts.Subscribe(ctx, "sp:site1", func(p []byte) { got <- string(p) }); err != nil {
		t.Skipf("this Redis has no sharded pub/sub: %v", err)
	}
	shard, err := ts.client.PubSubShardNumSub(ctx, ts.channel("sp:site1")).Result()
	if err != nil {
		t.Fatal(err)
	}
	classic, err := ts.client.PubSubNumSub(ctx, ts.channel("sp:site1")).Result()
	if err != nil {
		t.Fatal(err)
	}
	if shard[ts.channel("sp:site1")] != 1 || classic[ts.channel("sp:site1")] != 0 {
		t.Fatalf("subscribers: shard %v, classic %v; want one shard subscriber", shard, classic)
	}
	if err := ts.Publish(ctx, "sp:site1", []byte(`{"kind":"delete","id":"a"}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m != `{"kind":"delete","id":"a"}` {
			t.Fatalf("got %q", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message through sharded pub/sub")
	}
}
