package servertest

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/embedded"
	"github.com/beckonhq/beckon/store/redisstore"
	"github.com/beckonhq/beckon/store/storetest"
)

// StoreKinds are the stores every test runs against.
var StoreKinds = []string{"embedded", "redis"}

// NewStore opens a fresh store of kind ("embedded" or "redis"), closed
// (and its Redis keys deleted) when the test ends.
func NewStore(t testing.TB, kind string) store.Store {
	t.Helper()
	switch kind {
	case "embedded":
		st, err := embedded.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	case "redis":
		client := redis.NewClient(storetest.RedisOptions(t))
		prefix := RedisPrefix()
		t.Cleanup(func() {
			storetest.DeleteKeys(client, prefix)
			client.Close()
		})
		return redisstore.New(client, prefix)
	}
	t.Fatalf("servertest: unknown store kind %q", kind)
	return nil
}

var prefixCounter atomic.Int64

// RedisPrefix is a key prefix no other test of this run uses.
func RedisPrefix() string {
	return fmt.Sprintf("beckontest:%d:%d", os.Getpid(), prefixCounter.Add(1))
}

// ForEachStore runs fn as a subtest per store kind.
func ForEachStore(t *testing.T, fn func(t *testing.T, newStore func(t *testing.T) store.Store)) {
	for _, kind := range StoreKinds {
		t.Run(kind, func(t *testing.T) { fn(t, func(t *testing.T) store.Store { return NewStore(t, kind) }) })
	}
}
