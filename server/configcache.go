package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/countdown"
)

// configChannel carries the public key of a site whose public config changed.
const configChannel = "config-changed"

// cacheTTL bounds how long an entry lives even if an invalidation message was
// lost (pub/sub is best effort, e.g. while a Redis connection reconnects).
const cacheTTL = 30 * time.Second

// publicConfig is a site's public config, rendered once and served from
// memory until it changes.
type publicConfig struct {
	site    store.Site // zero when the key is unknown (negative entry)
	found   bool
	origins map[string]bool
	body    []byte // JSON of GET /w/v1/{key}/config
	etag    string
	expires time.Time
	// callbacks are the enabled callback widgets with their full settings,
	// so intake needs no store read for them.
	callbacks []callbackWidget
	// timers are the enabled countdown widgets; loc is the site's zone.
	timers []timerWidget
	loc    *time.Location
}

type callbackWidget struct {
	widget store.Widget
	set    callback.Settings
}

// configCache maps site keys to rendered public configs. Every replica keeps
// its own; a change anywhere publishes the site key on configChannel and
// every replica drops its entry.
type configCache struct {
	mu         sync.RWMutex
	entries    map[string]*publicConfig
	generation atomic.Uint64 // bumped by every invalidation; see get
	load       func(ctx context.Context, key string) (*publicConfig, error)
}

func newConfigCache(load func(ctx context.Context, key string) (*publicConfig, error)) *configCache {
	return &configCache{entries: make(map[string]*publicConfig), load: load}
}

// Serving a stale config while the store is out (stale-if-error): after a
// refresh fails, the old entry answers for staleRetry before the store is
// asked again, so an outage costs one slow request per site and interval,
// not every request; a refresh that has an old entry to fall back on waits
// at most staleRefreshTimeout.
const (
	staleRetry          = 2 * time.Second
	staleRefreshTimeout = 500 * time.Millisecond
)

func (cc *configCache) get(ctx context.Context, key string, now time.Time) (*publicConfig, error) {
	cc.mu.RLock()
	old := cc.entries[key]
	cc.mu.RUnlock()
	if old != nil && now.Before(old.expires) {
		return old, nil
	}
	// An invalidation that lands while we read the store must not be
	// overwritten by what we read: remember the generation and only cache
	// the result if no invalidation happened in between.
	gen := cc.generation.Load()
	loadCtx := ctx
	if old != nil {
		var cancel context.CancelFunc
		loadCtx, cancel = context.WithTimeout(ctx, staleRefreshTimeout)
		defer cancel()
	}
	e, err := cc.load(loadCtx, key)
	if err != nil {
		if old == nil {
			return nil, err
		}
		staleConfigServed.Inc()
		e = old.withExpiry(now.Add(staleRetry))
	} else {
		e.expires = now.Add(cacheTTL)
	}
	cc.mu.Lock()
	if cc.generation.Load() == gen {
		cc.entries[key] = e
	}
	cc.mu.Unlock()
	return e, nil
}

// peek returns what the cache holds for key, expired or not, without
// asking the store: enough to decide CORS headers on an error response.
func (cc *configCache) peek(key string) *publicConfig {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	return cc.entries[key]
}

// invalidate marks the entry expired rather than dropping it: the next
// request reads the store, and should the store be out, the old config
// still answers.
func (cc *configCache) invalidate(key string) {
	cc.mu.Lock()
	cc.generation.Add(1)
	if e := cc.entries[key]; e != nil {
		cc.entries[key] = e.withExpiry(time.Time{})
	}
	cc.mu.Unlock()
}

// withExpiry copies e with another expiry: entries are shared by
// concurrent requests, so they are never changed in place.
func (e *publicConfig) withExpiry(t time.Time) *publicConfig {
	c := *e
	c.expires = t
	return &c
}

// configResponse is the body of GET /w/v1/{siteKey}/config.
type configResponse struct {
	Site    publicSite     `json:"site"`
	Widgets []publicWidget `json:"widgets"`
}

type publicSite struct {
	Key      string `json:"key"`
	Locale   string `json:"locale"`
	Timezone string `json:"timezone"`
	Region   string `json:"region"`
	// The loader's language choice; see SiteInfo in embed/src/types.ts.
	FollowBrowserLanguage bool `json:"follow_browser_language"`
}

type publicWidget struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Bundle   string `json:"bundle,omitempty"`
	Settings any    `json:"settings"`
}

// loadPublicConfig renders a site's public config from the store.
func (s *Server) loadPublicConfig(ctx context.Context, key string) (*publicConfig, error) {
	site, err := s.store.GetSiteByKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return &publicConfig{}, nil
	}
	if err != nil {
		return nil, err
	}
	list, err := s.store.ListWidgets(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	var callbacks []callbackWidget
	var timers []timerWidget
	resp := configResponse{
		Site: publicSite{Key: site.Key, Locale: site.Locale, Timezone: site.Timezone, Region: site.Region,
			FollowBrowserLanguage: site.FollowBrowserLanguage},
		Widgets: []publicWidget{},
	}
	for _, w := range list {
		t, ok := widgets.Types[w.Type]
		if !w.Enabled || !ok {
			continue
		}
		settings, err := t.Public(w.Settings)
		if err != nil {
			return nil, err
		}
		if w.Type == "callback" {
			var set callback.Settings
			if err := json.Unmarshal(w.Settings, &set); err != nil {
				return nil, fmt.Errorf("server: settings of callback widget %s: %w", w.ID, err)
			}
			callbacks = append(callbacks, callbackWidget{widget: w, set: set})
		}
		if w.Type == "countdown" {
			var set countdown.Settings
			if err := json.Unmarshal(w.Settings, &set); err != nil {
				return nil, fmt.Errorf("server: settings of countdown widget %s: %w", w.ID, err)
			}
			timers = append(timers, timerWidget{widget: w, set: set})
		}
		bundle, _ := s.assets.BundleURL(w.Type)
		resp.Widgets = append(resp.Widgets, publicWidget{ID: w.ID, Type: w.Type, Bundle: bundle, Settings: settings})
	}
	body, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	origins := make(map[string]bool, len(site.Origins))
	for _, o := range site.Origins {
		origins[o] = true
	}
	loc, err := time.LoadLocation(site.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return &publicConfig{site: site, found: true, origins: origins, body: body,
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`, callbacks: callbacks, timers: timers, loc: loc}, nil
}

// subscribeConfigChanges keeps this replica's cache in step with the others.
func (s *Server) subscribeConfigChanges(ctx context.Context) error {
	return s.store.Subscribe(ctx, configChannel, func(payload []byte) {
		s.cache.invalidate(string(payload))
	})
}

// configChanged drops the site's cached config here at once and tells the
// other replicas. A failed publish is logged, not returned: the change is
// stored, and other replicas catch up within cacheTTL.
func (s *Server) configChanged(c interface{ UserContext() context.Context }, siteKey string) {
	s.cache.invalidate(siteKey)
	if err := s.store.Publish(c.UserContext(), configChannel, []byte(siteKey)); err != nil {
		s.log.Warn("publish config change", slog.String("site_key", siteKey), slog.Any("err", err))
	}
}
