// Package store defines Beckon's state as small domain interfaces. Each has two
// implementations: store/embedded (bbolt on disk, in-process pub/sub, one node)
// and store/redisstore (go-redis UniversalClient, many replicas). Both pass the
// same conformance suite in store/storetest.
//
// Widgets that need state of their own add an interface here, implement it in
// both packages and add its cases to the suite; nothing outside this package
// knows which store is in use.
package store

import (
	"context"
	"errors"
)

// Errors every implementation returns for the same situations; callers test
// them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Sites keeps the tenants. Deleting a site deletes its widgets, API keys, code pools and
// callback requests.
type Sites interface {
	// CreateSite stores a new site; ErrConflict when its ID or Key is taken.
	CreateSite(ctx context.Context, s Site) error
	GetSite(ctx context.Context, id string) (Site, error)
	// GetSiteByKey finds a site by its public key (the snippet's data-site).
	GetSiteByKey(ctx context.Context, key string) (Site, error)
	// ListSites returns all sites, oldest first.
	ListSites(ctx context.Context) ([]Site, error)
	// UpdateSite applies fn to the stored site atomically: concurrent updates
	// never lose each other's changes. An error from fn aborts and is returned.
	// fn may run more than once (Redis retries on a concurrent write), so it
	// must only change the site it is given. Changing ID or Key is ErrConflict.
	UpdateSite(ctx context.Context, id string, fn func(*Site) error) (Site, error)
	DeleteSite(ctx context.Context, id string) error
}

// Widgets keeps each site's widget configurations. Every call is scoped by
// site: a widget ID of another site is ErrNotFound.
type Widgets interface {
	CreateWidget(ctx context.Context, w Widget) error
	GetWidget(ctx context.Context, siteID, id string) (Widget, error)
	// ListWidgets returns the site's widgets, oldest first.
	ListWidgets(ctx context.Context, siteID string) ([]Widget, error)
	// UpdateWidget applies fn atomically, like UpdateSite (fn may run more
	// than once). The widget keeps its ID and SiteID whatever fn sets.
	UpdateWidget(ctx context.Context, siteID, id string, fn func(*Widget) error) (Widget, error)
	DeleteWidget(ctx context.Context, siteID, id string) error
}

// APIKeys keeps per-site keys for server-to-server calls. Only a hash of the
// secret is stored.
type APIKeys interface {
	// CreateAPIKey stores a key; ErrNotFound when its site does not exist.
	CreateAPIKey(ctx context.Context, k APIKey) error
	ListAPIKeys(ctx context.Context, siteID string) ([]APIKey, error)
	// APIKeyByHash finds an unrevoked key by the hash of its secret.
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	// RevokeAPIKey deletes the key; it stops authenticating at once.
	RevokeAPIKey(ctx context.Context, siteID, id string) error
}

// Settings keeps operator-level values such as the admin token's hash.
type Settings interface {
	GetSetting(ctx context.Context, name string) (string, error)
	// SetSettingIfAbsent stores value unless name already has one, and reports
	// whether it did: of many replicas starting at once exactly one wins.
	SetSettingIfAbsent(ctx context.Context, name, value string) (bool, error)
}

// PubSub fans messages out to every subscriber on every replica. Delivery is
// best effort (at most once); use it for hints such as cache invalidation, not
// for data that must not be lost.
type PubSub interface {
	Publish(ctx context.Context, channel string, payload []byte) error
	// Subscribe calls handle for each message on channel, from one goroutine,
	// until ctx is done. It returns once the subscription is active.
	Subscribe(ctx context.Context, channel string, handle func(payload []byte)) error
}

// Store is everything the server needs, plus its lifecycle.
type Store interface {
	Sites
	Widgets
	APIKeys
	Settings
	PubSub
	Callbacks
	Jobs
	Counters
	Timers
	Outbox
	Events
	Presence
	LivePushes
	Leads
	Quizzes
	Tallies
	CodePools
	Reviews
	Accounts
	Games
	GameErasure
	Experiments
	SnippetSightings
	ShareLinks
	// Kind names the implementation: "embedded" or "redis".
	Kind() string
	// Ping reports whether the backing storage answers.
	Ping(ctx context.Context) error
	Close() error
}
