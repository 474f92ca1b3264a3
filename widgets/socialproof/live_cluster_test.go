package socialproof_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store/redisstore"
)

// Issue 9: live delivery on a real Redis Cluster. Each replica's store is
// on a ClusterClient, so pub/sub is sharded (SPUBLISH/SSUBSCRIBE), which
// go-redis must route to the node that owns each site's channel. Events
// and pushes posted to one replica reach the WebSocket visitors of the
// other, for sites whose channels live on different nodes.
func TestLiveOnRedisCluster(t *testing.T) {
	addrs := startRedisCluster(t, 3)
	prefix := servertest.RedisPrefix()
	newStore := func() *redisstore.Store {
		c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
		t.Cleanup(func() { c.Close() })
		return redisstore.New(c, prefix)
	}
	a := startLive(t, newStore(), fastLive)
	b := startLive(t, newStore(), fastLive)
	admin := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { admin.Close() })

	// Sites until two have their channels on different nodes.
	owners := map[string]liveSite{}
	for i := 0; len(owners) < 2; i++ {
		if i == 12 {
			t.Fatalf("12 sites' channels all on %d node(s)", len(owners))
		}
		s := newLiveSite(t, a, nil)
		node := channelOwner(t, admin, prefix+":ps:sp:"+s.id)
		if _, seen := owners[node]; !seen {
			owners[node] = s
		}
	}
	for node, onA := range owners {
		popup := onA.pushPopup(t, pushable)
		onB := onA.on(b)
		visitor := onB.connect(t, "b1", "/")
		recv(t, visitor, 2*time.Second)
		only := onA
		only.widget = popup
		member := only.connect(t, "a1", "/")
		recv(t, member, 2*time.Second)

		// Both replicas hold a shard subscription on the node that owns the
		// channel's slot.
		channel := prefix + ":ps:sp:" + onA.id
		owner := redis.NewClient(&redis.Options{Addr: node})
		n, err := owner.PubSubShardNumSub(t.Context(), channel).Result()
		owner.Close()
		if err != nil || n[channel] != 2 {
			t.Fatalf("shard subscribers of %s on %s: %v (%v), want 2 (one per replica)", channel, node, n, err)
		}

		start := time.Now()
		onA.post(t, purchaseEvent("order-1", "Maria", 0))
		if m := readUntil(t, visitor, 2*time.Second, "the event", func(m liveMsg) bool { return m.Type == "event" }); m.Event["id"] != "order-1" {
			t.Fatalf("B's visitor got %v, want order-1", m.Event["id"])
		}
		t.Logf("site %s (channel on node %s): an event posted to A reached B's visitor in %s", onA.id, node, time.Since(start))

		p := onB.mustPush(t, popup, nil)
		for name, c := range map[string]*liveConn{"B's visitor": visitor, "A's push-only member": member} {
			if m := readShow(t, c, 2*time.Second); m.PushID != p.ID {
				t.Fatalf("%s got %+v, want push %s", name, m, p.ID)
			}
		}
	}
}

// channelOwner is the address of the master that serves channel's slot.
func channelOwner(t *testing.T, c *redis.ClusterClient, channel string) string {
	t.Helper()
	slot, err := c.ClusterKeySlot(t.Context(), channel).Result()
	if err != nil {
		t.Fatal(err)
	}
	ranges, err := c.ClusterSlots(t.Context()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ranges {
		if int64(r.Start) <= slot && slot <= int64(r.End) && len(r.Nodes) > 0 {
			return r.Nodes[0].Addr
		}
	}
	t.Fatalf("no node serves slot %d", slot)
	return ""
}

// startRedisCluster runs a Cluster of n masters on loopback ports, its
// slots split evenly, and returns their addresses once it is ready. It
// needs only the redis-server binary: the cluster is formed through
// CLUSTER ADDSLOTSRANGE and CLUSTER MEET. Without the binary the test is
// skipped, except in CI, which must run it.
func startRedisCluster(t *testing.T, n int) []string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run the Redis Cluster test, and redis-server is missing: %v", err)
		}
		t.Skipf("redis-server is not installed: %v", err)
	}
	ctx := t.Context()
	var addrs []string
	var clients []*redis.Client
	for i := range n {
		port := freeClusterPort(t)
		dir := t.TempDir()
		cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
			"--cluster-config-file", dir+"/nodes.conf", "--dir", dir, "--save", "", "--appendonly", "no",
			"--daemonize", "no", "--logfile", dir+"/redis.log")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start node %d: %v", i, err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
		addr := "127.0.0.1:" + strconv.Itoa(port)
		c := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { c.Close() })
		if err := waitFor(ctx, 5*time.Second, func() error { return c.Ping(ctx).Err() }); err != nil {
			t.Fatalf("node %s does not answer: %v", addr, err)
		}
		addrs, clients = append(addrs, addr), append(clients, c)
	}
	const slots = 16384
	for i, c := range clients {
		lo, hi := i*slots/n, (i+1)*slots/n-1
		if err := c.ClusterAddSlotsRange(ctx, lo, hi).Err(); err != nil {
			t.Fatalf("node %s: add slots %d-%d: %v", addrs[i], lo, hi, err)
		}
	}
	for _, addr := range addrs[1:] {
		host, port, _ := net.SplitHostPort(addr)
		if err := clients[0].ClusterMeet(ctx, host, port).Err(); err != nil {
			t.Fatalf("cluster meet %s: %v", addr, err)
		}
	}
	for i, c := range clients {
		err := waitFor(ctx, 10*time.Second, func() error {
			info, err := c.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, fmt.Sprintf("cluster_known_nodes:%d", n)) {
				return errors.New("not ready: " + strings.Join(strings.Fields(info)[:3], " "))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("cluster node %s: %v", addrs[i], err)
		}
	}
	return addrs
}

// freeClusterPort is a loopback port free for a node, with its cluster
// bus port (the port + 10000) free too.
func freeClusterPort(t *testing.T) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if port+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		if err != nil {
			continue
		}
		bus.Close()
		return port
	}
	t.Fatal("no free pair of ports for a cluster node")
	return 0
}

// waitFor calls try until it succeeds or d has passed, returning its last
// error then.
func waitFor(ctx context.Context, d time.Duration, try func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := try()
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
