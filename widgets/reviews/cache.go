package reviews

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// changeChannel carries the id of a site whose published reviews changed
// (publish, hide, answer, delete, import, erasure): every replica drops its
// cached pages of that site.
const changeChannel = "reviews-changed"

// Bounds of a cached page, as for /config (server/configcache.go): pub/sub
// is best effort, so an entry lives at most pageTTL even if the message
// of a change was lost; while the store is out the old page answers and
// the store is asked again every staleRetry, each try waiting at most
// staleRefreshTimeout.
const (
	pageTTL             = 30 * time.Second
	staleRetry          = 2 * time.Second
	staleRefreshTimeout = 500 * time.Millisecond
)

// Bounds of the cache's memory. A catalogue's widget keeps a page per
// product (about), and about comes from the visitor's request, so the
// entries are bounded: past the bounds, pages of new keys are served read
// through, not kept.
const (
	maxPagesPerSite = 2000
	maxPages        = 20000
)

var (
	pageCacheRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_reviews_page_cache_requests_total",
		Help: "First pages of published reviews asked for, by how the cache answered (hit; miss; stale: served old while the store failed; full: read through, the cache at its bound).",
	}, []string{"result"})
	pageCacheInvalidations = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_reviews_page_cache_invalidations_total",
		Help: "Sites whose cached review pages were dropped on this replica after a change here or on another replica.",
	})
)

// page is a rendered first page of a widget's published reviews: the JSON
// visitors get and its ETag. Entries are shared by concurrent requests and
// never changed in place.
type page struct {
	body []byte
	etag string
	// settings is the widget's parsed settings the page was rendered
	// with: a settings change gives the site a new value (the server's
	// site cache reloads), and a page of the old one is not served.
	settings *Settings
	expires  time.Time
}

func newPage(body []byte, s *Settings) *page {
	sum := sha256.Sum256(body)
	return &page{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, settings: s}
}

func (p *page) withExpiry(t time.Time) *page {
	c := *p
	c.expires = t
	return &c
}

// pageCache holds this replica's first pages, by site and then by widget
// and about.
type pageCache struct {
	mu    sync.RWMutex
	sites map[string]map[string]*page
	total int // pages in sites
	// generation grows with every invalidation: a page read from the store
	// while one landed may predate the change and is not kept as fresh.
	generation atomic.Uint64
}

func newPageCache() *pageCache { return &pageCache{sites: map[string]map[string]*page{}} }

func pageKey(widgetID, about string) string { return widgetID + "\x00" + about }

// get returns the page of siteID's widget about about, rendered by load
// when the cached one is missing, expired or of other settings. When load
// fails and an old page of the same settings exists, the old page answers
// (stale-if-error).
func (pc *pageCache) get(ctx context.Context, siteID, widgetID, about string, s *Settings, now time.Time,
	load func(ctx context.Context) ([]byte, error)) (*page, error) {
	key := pageKey(widgetID, about)
	pc.mu.RLock()
	old := pc.sites[siteID][key]
	pc.mu.RUnlock()
	if old != nil && old.settings != s {
		old = nil
	}
	if old != nil && now.Before(old.expires) {
		pageCacheRequests.WithLabelValues("hit").Inc()
		return old, nil
	}
	gen := pc.generation.Load()
	loadCtx := ctx
	if old != nil {
		var cancel context.CancelFunc
		loadCtx, cancel = context.WithTimeout(ctx, staleRefreshTimeout)
		defer cancel()
	}
	body, err := load(loadCtx)
	var p *page
	switch {
	case err != nil && old == nil:
		return nil, err
	case err != nil:
		pageCacheRequests.WithLabelValues("stale").Inc()
		p = old.withExpiry(now.Add(staleRetry))
	default:
		pageCacheRequests.WithLabelValues("miss").Inc()
		p = newPage(body, s).withExpiry(now.Add(pageTTL))
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.generation.Load() != gen {
		// A change landed while we read: serve what we read this once,
		// keep it only to fall back on, and read again next time.
		p = p.withExpiry(time.Time{})
	}
	pages := pc.sites[siteID]
	if pages == nil {
		pages = map[string]*page{}
		pc.sites[siteID] = pages
	}
	if _, kept := pages[key]; !kept {
		if !pc.room(pages, now) {
			pageCacheRequests.WithLabelValues("full").Inc()
			return p, nil
		}
		pc.total++
	}
	pages[key] = p
	return p, nil
}

// room reports whether a new page of the site (pages) may be kept, after
// dropping the site's expired pages when it is at a bound. Called with
// pc.mu held.
func (pc *pageCache) room(pages map[string]*page, now time.Time) bool {
	if len(pages) < maxPagesPerSite && pc.total < maxPages {
		return true
	}
	for k, p := range pages {
		if !now.Before(p.expires) {
			delete(pages, k)
			pc.total--
		}
	}
	return len(pages) < maxPagesPerSite && pc.total < maxPages
}

// invalidate marks every page of the site expired; they are kept to fall
// back on should the store be out on the next read.
func (pc *pageCache) invalidate(siteID string) {
	pc.mu.Lock()
	pc.generation.Add(1)
	for k, p := range pc.sites[siteID] {
		pc.sites[siteID][k] = p.withExpiry(time.Time{})
	}
	pc.mu.Unlock()
	pageCacheInvalidations.Inc()
}

// changed drops the site's pages here at once and tells the other
// replicas. A failed publish is logged, not returned: the change is
// stored, and other replicas catch up within pageTTL.
func (m *Module) changed(ctx context.Context, siteID string) {
	m.pages.invalidate(siteID)
	if err := m.deps.Store.Publish(ctx, changeChannel, []byte(siteID)); err != nil {
		m.deps.Log.Warn("reviews: publish a change of published reviews", "site", siteID, "err", err)
	}
}

// Start implements widgets.Runner: this replica hears of the changes other
// replicas make.
func (m *Module) Start(ctx context.Context) error {
	return m.deps.Store.Subscribe(ctx, changeChannel, func(payload []byte) {
		m.pages.invalidate(string(payload))
	})
}

// Wait implements widgets.Runner; the subscription ends with Start's ctx.
func (m *Module) Wait(context.Context) {}
