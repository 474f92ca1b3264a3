package store

import (
	"encoding/json"
	"strconv"
	"time"
)

// Site is one tenant: a website that embeds Beckon.
type Site struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"` // public, goes into the snippet
	Name      string    `json:"name"`
	Origins   []string  `json:"origins"`  // e.g. https://shop.example; CORS allow-list
	Timezone  string    `json:"timezone"` // IANA name
	Locale    string    `json:"locale"`   // ru, uk or en
	Region    string    `json:"region"`   // ISO 3166 region for phone parsing
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// FollowBrowserLanguage makes the widgets speak the visitor's browser
	// language (ru, uk or en) rather than the page's <html lang>.
	FollowBrowserLanguage bool `json:"follow_browser_language"`

	// Channels are where the owner is told about leads and calls besides
	// the widgets' own webhooks (notify.Channels, validated there). They
	// hold secrets: the admin API shows them masked.
	Channels json.RawMessage `json:"channels,omitempty"`
}

// Widget is one configured widget of a site. Settings are validated by the
// widget type's package before they reach the store.
type Widget struct {
	ID        string          `json:"id"`
	SiteID    string          `json:"site_id"`
	Type      string          `json:"type"`
	Enabled   bool            `json:"enabled"`
	Settings  json.RawMessage `json:"settings"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	// Experiment is the widget's A/B test, running or the last one ended.
	Experiment *Experiment `json:"experiment,omitempty"`
}

// ETag names the widget's version: its last change, to the nanosecond.
// A PATCH with If-Match applies only to that version, so an editor open
// in two tabs, or by two people, does not silently undo the other's save.
func (w Widget) ETag() string {
	return `"` + strconv.FormatInt(w.UpdatedAt.UnixNano(), 36) + `"`
}

// APIKey lets a site's own servers call the admin API for that site alone.
type APIKey struct {
	ID        string    `json:"id"`
	SiteID    string    `json:"site_id"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"` // first characters of the secret, to recognise it
	Hash      string    `json:"hash"`   // SHA-256 of the secret, hex
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
}

// HasScope reports whether the key was granted scope.
func (k APIKey) HasScope(scope string) bool {
	for _, s := range k.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}
