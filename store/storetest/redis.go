package storetest

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// RedisEnv names a real Redis for tests (CI sets it to the server it
// starts); without it tests run against miniredis, so they pass on a fresh
// machine.
const RedisEnv = "BECKON_TEST_REDIS_URL"

// RedisOptions are the client options of the Redis a test uses: the server
// at RedisEnv, else a miniredis that lives as long as the test. Every call
// of one test gets the same miniredis, as it would the same real server:
// two replicas of a test, or a store reopened, share their data.
func RedisOptions(t testing.TB) *redis.Options {
	t.Helper()
	url := os.Getenv(RedisEnv)
	if url == "" {
		return &redis.Options{Addr: miniredisOf(t).Addr()}
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("%s: %v", RedisEnv, err)
	}
	return opts
}

// DeleteKeys deletes every key under prefix: tests share the real Redis, so
// each cleans up its own keys and touches nobody else's.
func DeleteKeys(client redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := client.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		client.Del(ctx, iter.Val())
	}
}

// miniredises are the running miniredis of each test.
var miniredises sync.Map // testing.TB → *miniredis.Miniredis

func miniredisOf(t testing.TB) *miniredis.Miniredis {
	if m, ok := miniredises.Load(t); ok {
		return m.(*miniredis.Miniredis)
	}
	m := miniredis.RunT(t)
	miniredises.Store(t, m)
	t.Cleanup(func() { miniredises.Delete(t) })
	return m
}
