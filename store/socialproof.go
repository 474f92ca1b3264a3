package store

import (
	"context"
	"time"
)

// EventsKept is how many events a site keeps: adding more drops the oldest
// (by Time). A widget shows a handful per visit, and only recent ones.
const EventsKept = 500

// Event is one real thing that happened on an owner's site (an order, a
// sign-up), shown to visitors as a social-proof notice.
type Event struct {
	ID        string    `json:"id"` // the owner's id (order id): idempotency key, unique per site
	SiteID    string    `json:"site_id"`
	WidgetID  string    `json:"widget_id,omitempty"` // set for inbound-webhook and Beckon events
	Type      string    `json:"type"`                // purchase, signup, review, custom
	Name      string    `json:"name"`                // as sent; formatted for display by settings, never sent raw to browsers
	City      string    `json:"city"`
	Product   string    `json:"product"`
	URL       string    `json:"url"`
	Image     string    `json:"image"`
	Text      string    `json:"text"`   // custom events' own text
	Time      time.Time `json:"time"`   // when it really happened
	Source    string    `json:"source"` // api, webhook, beckon
	CreatedAt time.Time `json:"created_at"`
	// Seq is the site's order of storing, assigned by AddEvents: 1, 2, …
	// per site, never reused. A client resumes after the last Seq it got,
	// so an event stored late with an old Time still reaches it.
	Seq int64 `json:"seq,omitempty"`
}

// Events keeps each site's recent social-proof events and how often their
// notices were seen and clicked. Deleting a site deletes its events.
type Events interface {
	// AddEvents stores the events of site whose ids are new, atomically (all
	// or none of a call's new events), and returns the ones it stored, each
	// with the next Seq of the site in the call's order (ignoring Seq as
	// given); a
	// repeated id changes nothing, and of one id repeated within a call the
	// first counts. Keeps the newest EventsKept per site: an event older
	// than those is dropped (with its counts) and its id is new again.
	// ErrNotFound when the site does not exist.
	AddEvents(ctx context.Context, siteID string, evs []Event) ([]Event, error)
	// RecentEvents lists the site's events newest first (by Time; equal
	// times by id, descending), at most limit.
	RecentEvents(ctx context.Context, siteID string, limit int) ([]Event, error)
	// DeleteEvent removes an event and its counts; ErrNotFound when there is none.
	DeleteEvent(ctx context.Context, siteID, id string) error
	// CountNotice counts an impression or a click ("impression"/"click") of
	// a shown event; ErrNotFound when the site keeps no such event, so
	// nobody can grow the counts with made-up ids.
	CountNotice(ctx context.Context, siteID, eventID, action string) error
	// NoticeStats are the counts per event id of the events kept; an event
	// never seen is absent.
	NoticeStats(ctx context.Context, siteID string) (map[string]NoticeCounts, error)
}

// NoticeCounts are one event's counts.
type NoticeCounts struct {
	Impressions int64 `json:"impressions"`
	Clicks      int64 `json:"clicks"`
}

// Notice actions of CountNotice.
const (
	NoticeImpression = "impression"
	NoticeClick      = "click"
)

// Presence keeps how many live connections each replica holds per site and
// page, so every replica can show the sum.
type Presence interface {
	// ReportPresence replaces this replica's open-connection counts of site
	// (path → count; "" never), kept for ttl: a replica that dies stops
	// reporting and its counts vanish after ttl. An empty map removes them.
	ReportPresence(ctx context.Context, replica, siteID string, pages map[string]int, ttl time.Duration) error
	// PresenceCounts sums the live replicas' counts of site: the site total
	// and per path.
	PresenceCounts(ctx context.Context, siteID string) (total int, pages map[string]int, err error)
}
