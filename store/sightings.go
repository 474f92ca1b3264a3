package store

import (
	"context"
	"time"
)

// SnippetSighting says the site's snippet was seen loading its config on
// Origin, last at LastSeen: the dashboard's install check.
type SnippetSighting struct {
	Origin   string
	LastSeen time.Time
}

// SnippetSightings keeps, per site and origin, when the snippet was last
// seen at work. Writes are rare (the server throttles them to one per site
// and origin per minute), so both stores keep one small map per site.
type SnippetSightings interface {
	// SeenSnippet records a sighting at at; an older at than the one
	// kept changes nothing, so replicas may report out of order.
	// ErrNotFound when the site does not exist; DeleteSite removes a
	// site's sightings.
	SeenSnippet(ctx context.Context, siteID, origin string, at time.Time) error
	// SnippetSightings lists the site's sightings by origin.
	SnippetSightings(ctx context.Context, siteID string) ([]SnippetSighting, error)
}
