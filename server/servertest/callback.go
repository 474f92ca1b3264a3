package servertest

import (
	"context"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// StoreSites are the sites of st as the server's cache gives them to
// modules (widgets.Load over modules), read from the store on every call:
// for tests that run a module's parts (the callback engine) without a
// server, on sites they write to the store themselves.
func StoreSites(st store.Store, modules ...widgets.Module) widgets.Sites {
	byType := make(map[string]widgets.Module, len(modules))
	for _, m := range modules {
		byType[m.Type()] = m
	}
	return storeSites{st: st, modules: byType}
}

type storeSites struct {
	st      store.Store
	modules map[string]widgets.Module
}

func (s storeSites) ByKey(ctx context.Context, key string) (*widgets.Site, error) {
	site, err := s.st.GetSiteByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	return widgets.Load(ctx, s.st, site, s.modules)
}

func (s storeSites) ByID(ctx context.Context, id string) (*widgets.Site, error) {
	site, err := s.st.GetSite(ctx, id)
	if err != nil {
		return nil, err
	}
	return widgets.Load(ctx, s.st, site, s.modules)
}
