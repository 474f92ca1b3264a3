package dashboard

import (
	"context"

	"github.com/beckonhq/beckon/store"
)

// SiteForm is a site's settings as the site form sends them.
type SiteForm struct {
	Name                  string
	Origins               []string
	Timezone              string
	Locale                string
	Region                string
	FollowBrowserLanguage bool
}

// SiteEditor makes the changes the admin API makes, through the same code:
// its validation (a *validate.Error naming the field, like "origins[2]"),
// and its cache invalidation, so that an edit here shows in the public
// /config at once. The server supplies it; the dashboard cannot import
// the server package, which mounts the dashboard.
type SiteEditor interface {
	CreateSite(ctx context.Context, f SiteForm) (store.Site, error)
	UpdateSite(ctx context.Context, id string, f SiteForm) (store.Site, error)
	// CreateAPIKey returns the stored key and its secret, which is shown
	// once and never stored.
	CreateAPIKey(ctx context.Context, siteID, name string, scopes []string) (store.APIKey, string, error)
	RevokeAPIKey(ctx context.Context, siteID, keyID string) error
}
