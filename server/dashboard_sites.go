package server

import (
	"context"
	"strings"
	"time"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/dashboard"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// dashboardSites gives the dashboard the admin API's site and key changes:
// the same validation (siteInput.apply, newAPIKey) and the same
// configChanged, so both ways of editing behave alike.
type dashboardSites struct{ s *Server }

var _ dashboard.SiteEditor = dashboardSites{}

func siteInputOf(f dashboard.SiteForm) siteInput {
	return siteInput{Name: &f.Name, Origins: &f.Origins, Timezone: &f.Timezone, Locale: &f.Locale,
		Region: &f.Region, FollowBrowserLanguage: &f.FollowBrowserLanguage}
}

func (d dashboardSites) CreateSite(ctx context.Context, f dashboard.SiteForm) (store.Site, error) {
	now := time.Now().UTC()
	site := store.Site{ID: newID("site"), Key: randomToken(10), CreatedAt: now, UpdatedAt: now}
	if err := siteInputOf(f).apply(&site); err != nil {
		return store.Site{}, err
	}
	if err := d.s.store.CreateSite(ctx, site); err != nil {
		return store.Site{}, err
	}
	d.s.configChanged(ctxOnly{ctx}, site.Key)
	return site, nil
}

func (d dashboardSites) UpdateSite(ctx context.Context, id string, f dashboard.SiteForm) (store.Site, error) {
	site, err := d.s.store.UpdateSite(ctx, id, func(site *store.Site) error {
		site.UpdatedAt = time.Now().UTC()
		return siteInputOf(f).apply(site)
	})
	if err != nil {
		return site, err
	}
	d.s.configChanged(ctxOnly{ctx}, site.Key)
	return site, nil
}

func (d dashboardSites) CreateAPIKey(ctx context.Context, siteID, name string, scopes []string) (store.APIKey, string, error) {
	return d.s.newAPIKey(ctx, siteID, name, scopes)
}

func (d dashboardSites) RevokeAPIKey(ctx context.Context, siteID, keyID string) error {
	return d.s.store.RevokeAPIKey(ctx, siteID, keyID)
}

// newAPIKey validates and stores a new key of the site; the secret is
// returned once. Both the admin API and the dashboard make keys here.
func (s *Server) newAPIKey(ctx context.Context, siteID, name string, scopes []string) (store.APIKey, string, error) {
	if err := validate.Line("name", name, true, 100); err != nil {
		return store.APIKey{}, "", err
	}
	if len(scopes) == 0 {
		return store.APIKey{}, "", validate.Field("scopes", "at least one scope is required: %s", strings.Join(api.Scopes, ", "))
	}
	for i, sc := range scopes {
		if err := validate.OneOf("scopes["+itoa(i)+"]", sc, api.Scopes...); err != nil {
			return store.APIKey{}, "", err
		}
	}
	secret := "bk_" + randomToken(24)
	k := store.APIKey{ID: newID("key"), SiteID: siteID, Name: name, Prefix: secret[:9],
		Hash: hashSecret(secret), Scopes: scopes, CreatedAt: time.Now().UTC()}
	if err := s.store.CreateAPIKey(ctx, k); err != nil {
		return store.APIKey{}, "", err
	}
	return k, secret, nil
}
