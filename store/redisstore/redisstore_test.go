package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/storetest"
)

// testRedisEnv names a real Redis to test against (CI sets it); without it
// the tests run against miniredis, so they pass on a fresh machine.
const testRedisEnv = "BECKON_TEST_REDIS_URL"

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return newTestStore(t) })
}

// testStore is a Store with a prefix of its own, plus what tests need to
// look at the raw keys.
type testStore struct {
	*Store
	client redis.UniversalClient
}

// newTestStore connects to the test Redis under a unique prefix and, when the
// test ends, closes the store and deletes every key under that prefix: the
// real Redis is shared, so nothing may be left behind and nothing else touched.
func newTestStore(t testing.TB) testStore {
	t.Helper()
	client := testClient(t)
	b := make([]byte, 6)
	rand.Read(b)
	prefix := fmt.Sprintf("beckontest:%d:%s", os.Getpid(), hex.EncodeToString(b))
	st := New(client, prefix)
	t.Cleanup(func() {
		st.Close()
		for _, key := range keysUnder(t, client, prefix) {
			if err := client.Del(context.Background(), key).Err(); err != nil {
				t.Errorf("cleanup: delete %s: %v", key, err)
			}
		}
		client.Close()
	})
	return testStore{Store: st, client: client}
}

func testClient(t testing.TB) redis.UniversalClient {
	t.Helper()
	rawURL := os.Getenv(testRedisEnv)
	if rawURL == "" {
		m := miniredis.RunT(t)
		m.ClockTTL(true) // keys expire as time passes, as in Redis
		return redis.NewClient(&redis.Options{Addr: m.Addr()})
	}
	opts, err := ParseURL(rawURL)
	if err != nil {
		t.Fatalf("%s: %v", testRedisEnv, err)
	}
	return redis.NewUniversalClient(opts)
}

// keysUnder lists the keys that start with prefix, sorted.
func keysUnder(t testing.TB, client redis.UniversalClient, prefix string) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	iter := client.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("scan %s: %v", prefix, err)
	}
	slices.Sort(keys)
	return keys
}

func TestOpen(t *testing.T) {
	rawURL := os.Getenv(testRedisEnv)
	if rawURL == "" {
		rawURL = "redis://" + miniredis.RunT(t).Addr() + "/0"
	}
	ctx := t.Context()
	st, err := Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if st.Kind() != "redis" {
		t.Errorf("Kind = %q", st.Kind())
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Open made the client, so Close closed it.
	if err := st.Ping(ctx); err == nil {
		t.Fatal("Ping after Close succeeded")
	}
	if err := st.Subscribe(ctx, "x", func([]byte) {}); err == nil {
		t.Fatal("Subscribe after Close succeeded")
	}
}

func TestOpenUnreachable(t *testing.T) {
	m := miniredis.RunT(t)
	addr := m.Addr()
	m.Close() // nothing listens there now
	_, err := Open(t.Context(), "redis://:secret@"+addr+"/0")
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, addr) || strings.Contains(msg, "secret") {
		t.Fatalf("error should name the address and not the password: %v", err)
	}
}

func TestNewDoesNotCloseCallersClient(t *testing.T) {
	ts := newTestStore(t)
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ts.client.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("the caller's client was closed by Store.Close: %v", err)
	}
}

func TestPrefixWithBracesIsRefused(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New accepted a prefix with a hash tag")
		}
	}()
	New(redis.NewClient(&redis.Options{}), "be{ck}on")
}
