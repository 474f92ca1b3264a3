package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// configChannel carries the public key of a site whose public config changed.
const configChannel = "config-changed"

// cacheTTL bounds how long an entry lives even if an invalidation message was
// lost (pub/sub is best effort, e.g. while a Redis connection reconnects).
const cacheTTL = 30 * time.Second

// publicConfig is a site as every part of the server uses it: the site
// with its widgets' parsed settings (what modules get from widgets.Sites),
// and its public config rendered once and served from memory until it
// changes.
type publicConfig struct {
	site    *widgets.Site // nil when the key is unknown (negative entry)
	origins map[string]bool
	body    []byte // JSON of GET /w/v1/{key}/config
	etag    string
	expires time.Time
	// variants renders the config per visitor while a widget runs an A/B
	// experiment; nil when none does (configvariants.go).
	variants *configVariants
	// widgetIDs are the widgets in the config, whose views it counts.
	widgetIDs []string
}

func (e *publicConfig) found() bool { return e.site != nil }

// configCache maps site keys to sites and their rendered public configs:
// the one cache of sites, serving /config and every module. Every replica
// keeps its own; a change anywhere publishes the site key on configChannel
// and every replica drops its entry.
type configCache struct {
	mu      sync.RWMutex
	entries map[string]*publicConfig
	keys    map[string]string // site id → key, for ByID
	// exposures records who saw an experiment's variant; set when the
	// modules are mounted (mountModules), before the server serves.
	exposures  *experiments.Service
	generation atomic.Uint64 // bumped by every invalidation; see get
	load       func(ctx context.Context, key string) (*publicConfig, error)
	keyOf      func(ctx context.Context, id string) (string, error)
}

func newConfigCache(load func(ctx context.Context, key string) (*publicConfig, error),
	keyOf func(ctx context.Context, id string) (string, error)) *configCache {
	return &configCache{entries: make(map[string]*publicConfig), keys: make(map[string]string), load: load, keyOf: keyOf}
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
	if cc.generation.Load() != gen {
		// An invalidation landed while we read (any site's: generations
		// are not per key): what we read may be older than the change, so
		// the next request reads again; until then it is kept to fall
		// back on should the store be out.
		e = e.withExpiry(time.Time{})
	}
	cc.entries[key] = e
	if e.found() {
		cc.keys[e.site.ID] = key
	}
	cc.mu.Unlock()
	return e, nil
}

// ByKey implements widgets.Sites.
func (cc *configCache) ByKey(ctx context.Context, key string) (*widgets.Site, error) {
	e, err := cc.get(ctx, key, time.Now())
	if err != nil {
		return nil, err
	}
	if !e.found() {
		return nil, store.ErrNotFound
	}
	return e.site, nil
}

// ByID implements widgets.Sites. A site's key never changes, so the id's
// key is read from the store once and then found in memory.
func (cc *configCache) ByID(ctx context.Context, id string) (*widgets.Site, error) {
	cc.mu.RLock()
	key, ok := cc.keys[id]
	cc.mu.RUnlock()
	if !ok {
		var err error
		if key, err = cc.keyOf(ctx, id); err != nil {
			return nil, err
		}
	}
	return cc.ByKey(ctx, key)
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
	Bundle   string `json:"bundle"`
	Settings any    `json:"settings"`
	// HostedBy is the id of the enabled widget (a multi-button) that shows
	// this widget's launcher instead of its own floating button.
	HostedBy string `json:"hosted_by,omitempty"`
	// Variant is the visitor's variant of the widget's A/B experiment
	// (only with ?visitor_id= and while one runs).
	Variant string `json:"variant,omitempty"`
	// Draft marks the dashboard's preview of a widget not saved yet, which
	// the public API does not know: its bundle shows a sample instead.
	Draft bool `json:"draft,omitempty"`
}

// loadPublicConfig reads a site with its widgets and renders its public
// config: every enabled widget with its module's public settings.
func (s *Server) loadPublicConfig(ctx context.Context, key string) (*publicConfig, error) {
	st, err := s.store.GetSiteByKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return &publicConfig{}, nil
	}
	if err != nil {
		return nil, err
	}
	site, err := widgets.Load(ctx, s.store, st, s.modules)
	if err != nil {
		return nil, err
	}
	// The body is put together from parts (configResponse's JSON), so that
	// a visitor's variants can replace their widgets' parts.
	siteJSON, err := json.Marshal(publicSite{Key: site.Key, Locale: site.Locale, Timezone: site.Timezone, Region: site.Region,
		FollowBrowserLanguage: site.FollowBrowserLanguage})
	if err != nil {
		return nil, err
	}
	cv := &configVariants{head: append(append([]byte(`{"site":`), siteJSON...), `,"widgets":[`...), exposures: s.cache.exposures}
	hosts := hostsOf(site)
	var ids []string
	for _, w := range site.Widgets {
		if !w.Enabled {
			continue
		}
		m := s.modules[w.Type]
		ids = append(ids, w.ID)
		bundle, _ := s.assets.BundleURL(m.Bundle())
		pw := publicWidget{ID: w.ID, Type: w.Type, Bundle: bundle, Settings: w.Parsed.Public(), HostedBy: hosts[w.ID]}
		part, err := json.Marshal(pw)
		if err != nil {
			return nil, err
		}
		if w.Experiment.Running() {
			test, err := s.experimentArms(m, w, site, pw, len(cv.parts))
			if err != nil {
				return nil, err
			}
			cv.tests = append(cv.tests, test)
		}
		cv.parts = append(cv.parts, part)
	}
	body := cv.assemble(nil)
	sum := sha256.Sum256(body)
	cv.hash = hex.EncodeToString(sum[:12])
	if len(cv.tests) == 0 {
		cv = nil
	}
	origins := make(map[string]bool, len(site.Origins))
	for _, o := range site.Origins {
		origins[o] = true
	}
	return &publicConfig{site: site, origins: origins, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, variants: cv, widgetIDs: ids}, nil
}

// hostsOf maps each widget id an enabled Host (a multi-button) names to
// the host's id; of two hosts naming one widget the older wins.
func hostsOf(site *widgets.Site) map[string]string {
	hosts := map[string]string{}
	for _, w := range site.Widgets {
		h, ok := w.Parsed.(widgets.Host)
		if !ok || !w.Enabled {
			continue
		}
		for _, id := range h.Hosted() {
			if _, taken := hosts[id]; !taken && id != w.ID {
				hosts[id] = w.ID
			}
		}
	}
	return hosts
}

// siteKeyOf is the public key of the site with id, for configCache.ByID.
func (s *Server) siteKeyOf(ctx context.Context, id string) (string, error) {
	site, err := s.store.GetSite(ctx, id)
	if err != nil {
		return "", err
	}
	return site.Key, nil
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
