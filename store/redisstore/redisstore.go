package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

const kind = "redis"

// DefaultPrefix starts every key when New is given none.
const DefaultPrefix = "beckon"

// Store is the Redis implementation of store.Store.
type Store struct {
	client     redis.UniversalClient
	prefix     string
	ownsClient bool // Open made the client, so Close closes it
	sharded    bool // pub/sub is sharded (SPUBLISH/SSUBSCRIBE): the client is a Cluster's

	sessions sessionCache // quiz sessions last seen, for one-round-trip updates (quiz.go)

	closeOnce sync.Once
	closed    chan struct{} // ends every subscription on Close
}

var _ store.Store = (*Store)(nil)

// New uses client, which the caller keeps owning (Close leaves it open), and
// starts every key with prefix (DefaultPrefix when empty). A prefix lets
// several deployments, or tests, share one Redis. It must not contain '{' or
// '}': that would move every key into one Cluster slot.
func New(client redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		panic(fmt.Sprintf("redisstore: prefix %q must not contain '{' or '}'", prefix))
	}
	_, cluster := client.(*redis.ClusterClient)
	return &Store{client: client, prefix: prefix, sharded: cluster, closed: make(chan struct{})}
}

// Open connects to the Redis that rawURL names (see the package doc for the
// forms) and checks that it answers. Close closes the connection.
func Open(ctx context.Context, rawURL string) (*Store, error) {
	opts, err := ParseURL(rawURL)
	if err != nil {
		return nil, store.Wrap(kind, "open", err)
	}
	client := redis.NewUniversalClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, store.Wrap(kind, "open", fmt.Errorf("ping redis at %s: %w", strings.Join(opts.Addrs, ","), err))
	}
	s := New(client, DefaultPrefix)
	s.ownsClient = true
	return s, nil
}

// Kind implements store.Store.
func (s *Store) Kind() string { return kind }

// Ping implements store.Store. A closed store fails it even when its client
// (the caller's, see New) still answers: health checks must see the close.
func (s *Store) Ping(ctx context.Context) error {
	if s.isClosed() {
		return wrap("ping", errClosed)
	}
	return wrap("ping", s.client.Ping(ctx).Err())
}

// Close implements store.Store: it ends all subscriptions, makes Ping and
// Subscribe fail and, when Open made the client, closes it. Closing twice is
// harmless.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		if s.ownsClient {
			err = s.client.Close()
		}
	})
	return wrap("close", err)
}

// errClosed is what a closed store answers to Ping and Subscribe.
var errClosed = errors.New("store is closed")

func (s *Store) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// wrap is store.Wrap for this store, with go-redis's "no such key" turned
// into store.ErrNotFound.
func wrap(op string, err error) error {
	if errors.Is(err, redis.Nil) {
		err = store.ErrNotFound
	}
	return store.Wrap(kind, op, err)
}

// Keys. See the package doc for the layout and why it is so.

func (s *Store) siteTag(siteID string) string { return s.prefix + ":{s:" + siteID + "}" }
func (s *Store) siteKey(siteID string) string { return s.siteTag(siteID) + ":site" }
func (s *Store) widgetsKey(siteID string) string {
	return s.siteTag(siteID) + ":widgets"
}
func (s *Store) apiKeysKey(siteID string) string { return s.siteTag(siteID) + ":keys" }

func (s *Store) callbackKey(siteID, id string) string { return s.siteTag(siteID) + ":cb:" + id }
func (s *Store) callbacksIndex(siteID string) string  { return s.siteTag(siteID) + ":cbs" }
func (s *Store) callbackPhones(siteID string) string  { return s.siteTag(siteID) + ":cbphones" }
func (s *Store) unqueuedKey(siteID string) string     { return s.siteTag(siteID) + ":cbunqueued" }

// siteDataKeys are every key holding one site's data, in the order
// delete_site.lua expects them, except the requests' own keys.
func (s *Store) siteDataKeys(siteID string) []string {
	return append([]string{
		s.siteKey(siteID), s.widgetsKey(siteID), s.apiKeysKey(siteID),
		s.callbacksIndex(siteID), s.callbackPhones(siteID), s.unqueuedKey(siteID),
		s.timersKey(siteID), s.timerStartsKey(siteID),
		s.spEventsKey(siteID), s.spTimesKey(siteID), s.spNoticesKey(siteID),
		s.leadsKey(siteID), s.leadEntries(siteID), s.leadTimes(siteID), s.leadVisitors(siteID),
		s.sessionsKey(siteID), s.sessionsByExpiry(siteID), s.sessionsByVisitor(siteID),
		s.versionsKey(siteID), s.definitionsKey(siteID), s.talliesKey(siteID), s.tallyIndex(siteID),
		s.poolsKey(siteID), s.poolCodesKey(siteID), s.poolFreeKey(siteID), s.poolGivenKey(siteID),
		s.gameResultsKey(siteID), s.gameCountsKey(siteID), s.sightingsKey(siteID),
	}, s.reviewDataKeys(siteID)...)
}

// The job queue is shared by all sites, in a slot of its own.
func (s *Store) queueTag() string    { return s.prefix + ":{cbq}" }
func (s *Store) jobStream() string   { return s.queueTag() + ":jobs" }
func (s *Store) jobSchedule() string { return s.queueTag() + ":later" }

// counterKey is in the site's slot for a site's counter, anywhere for a
// global one.
func (s *Store) counterKey(scope, name string) string {
	if scope == "" {
		return s.prefix + ":ctr:" + name
	}
	return s.siteTag(scope) + ":ctr:" + name
}

func (s *Store) sitesIndex() string             { return s.prefix + ":sites" }
func (s *Store) siteKeyIndex(key string) string { return s.prefix + ":sitekey:" + key }
func (s *Store) apiKeyIndex(hash string) string { return s.prefix + ":apikey:" + hash }
func (s *Store) settingKey(name string) string  { return s.prefix + ":setting:" + name }
func (s *Store) channel(name string) string     { return s.prefix + ":ps:" + name }
