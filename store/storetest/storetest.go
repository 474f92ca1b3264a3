// Package storetest is the conformance suite of store.Store. Every
// implementation calls Run from its own tests, so the embedded store and Redis
// are held to the same contract: what a caller may rely on is written down
// here as a test, once.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Run runs the suite. newStore must return an empty store that is cleaned up
// when its test ends; every subtest gets its own.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"sites", siteTests},
		{"widgets", widgetTests},
		{"apikeys", apiKeyTests},
		{"settings", settingTests},
		{"pubsub", pubSubTests},
		{"callbacks", callbackTests},
		{"callback redaction", callbackRedactTests},
		{"jobs", jobTests},
		{"counters", counterTests},
		{"timers", timerTests},
		{"outbox", outboxTests},
		{"socialproof", socialProofTests},
		{"presence", presenceTests},
		{"live pushes", livePushTests},
		{"leads", leadTests},
		{"quiz sessions", quizSessionTests},
		{"quiz versions", quizVersionTests},
		{"tallies", tallyTests},
		{"code pools", codePoolTests},
		{"accounts", accountTests},
		{"reviews", reviewTests},
		{"games", gameTests},
		{"quiz data", quizDataTests},
		{"share links", shareLinkTests},
		{"lifecycle", lifecycleTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
			}
		})
	}
}

type test struct {
	name string
	run  func(t *testing.T, st store.Store)
}

var lifecycleTests = []test{
	{"ping", func(t *testing.T, st store.Store) {
		if err := st.Ping(ctx(t)); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}},
	{"ping fails after close", func(t *testing.T, st store.Store) {
		// What health checks rely on to take a replica out. The factory's
		// cleanup closes the store again, which must be harmless.
		must(t, "Close", st.Close())
		if err := st.Ping(ctx(t)); err == nil {
			t.Fatal("Ping after Close succeeded")
		}
	}},
	{"kind", func(t *testing.T, st store.Store) {
		if st.Kind() == "" {
			t.Fatal("Kind is empty")
		}
	}},
}

// concurrency is how many goroutines race in the concurrent update tests.
const concurrency = 20

// wait bounds every wait for something asynchronous (pub/sub delivery, a
// job that a claimer waits for).
const wait = 5 * time.Second

// ctx is a context that ends with the test.
func ctx(t *testing.T) context.Context { return t.Context() }

var idCounter atomic.Int64

// newID is unique across tests and processes, so suites that share one
// backing server (a real Redis) never collide.
func newID(kind string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", kind, idCounter.Add(1), hex.EncodeToString(b))
}

// now is a timestamp as the server makes it: UTC, which also drops the
// monotonic reading that no store can keep.
func now() time.Time { return time.Now().UTC() }

// wantErr fails unless err is (or wraps) target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// must fails the test on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sameStrings compares as sets, for results whose order the contract leaves open.
func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
