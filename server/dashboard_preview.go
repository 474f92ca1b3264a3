package server

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/beckonhq/beckon/dashboard"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// dashboardPreview gives the widget editor the served types and a draft's
// public config, normalized by the module as the admin API normalizes
// what it stores, and shaped as /config shapes it.
type dashboardPreview struct{ s *Server }

var _ dashboard.WidgetPreviewer = dashboardPreview{}

func (p dashboardPreview) WidgetModules() []widgets.Module { return p.s.order }

func (p dashboardPreview) PreviewConfig(ctx context.Context, site store.Site, typ, wid string, raw json.RawMessage) ([]byte, error) {
	m, err := p.s.moduleOf(typ)
	if err != nil {
		return nil, err
	}
	normalized, err := widgets.Normalize(m, raw, site)
	if err != nil {
		return nil, err
	}
	parsed, err := widgets.Parse(m, normalized)
	if err != nil {
		return nil, err
	}
	_, err = p.s.store.GetWidget(ctx, site.ID, wid)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	draft := errors.Is(err, store.ErrNotFound)
	bundle, _ := p.s.assets.BundleURL(m.Bundle())
	return json.Marshal(configResponse{
		Site: publicSite{Key: site.Key, Locale: site.Locale, Timezone: site.Timezone, Region: site.Region,
			FollowBrowserLanguage: site.FollowBrowserLanguage},
		Widgets: []publicWidget{{ID: wid, Type: typ, Bundle: bundle, Settings: parsed.Public(), Draft: draft}},
	})
}
