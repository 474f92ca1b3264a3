package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/beckonhq/beckon/store"
)

// CreateWidget implements store.Widgets: stored only while the site exists,
// in one step (create_in_site.lua).
func (s *Store) CreateWidget(ctx context.Context, w store.Widget) error {
	return wrap("create widget", s.createInSite(ctx, w.SiteID, s.widgetsKey(w.SiteID), w.ID, w))
}

// createInSite adds v under id to a site's hash, refusing when the site does
// not exist (ErrNotFound) or id is taken (ErrConflict).
func (s *Store) createInSite(ctx context.Context, siteID, hashKey, id string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	res, err := scriptCreateInSite.Run(ctx, s.client, []string{s.siteKey(siteID), hashKey}, id, data).Int()
	switch {
	case err != nil:
		return err
	case res == siteMissing:
		return store.ErrNotFound
	case res == idTaken:
		return store.ErrConflict
	}
	return nil
}

// GetWidget implements store.Widgets. The hash is the site's own, so a
// widget of another site is simply not in it.
func (s *Store) GetWidget(ctx context.Context, siteID, id string) (store.Widget, error) {
	var w store.Widget
	raw, err := s.client.HGet(ctx, s.widgetsKey(siteID), id).Bytes()
	if err == nil {
		err = json.Unmarshal(raw, &w)
	}
	return w, wrap("get widget", err)
}

// ListWidgets implements store.Widgets.
func (s *Store) ListWidgets(ctx context.Context, siteID string) ([]store.Widget, error) {
	list, err := hashValues[store.Widget](ctx, s, s.widgetsKey(siteID))
	if err != nil {
		return nil, wrap("list widgets", err)
	}
	slices.SortFunc(list, func(a, b store.Widget) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// UpdateWidget implements store.Widgets, optimistically like UpdateSite; fn
// may run more than once and cannot move the widget to another ID or site.
func (s *Store) UpdateWidget(ctx context.Context, siteID, id string, fn func(*store.Widget) error) (store.Widget, error) {
	w, err := updateJSON(ctx, s.client, s.widgetsKey(siteID), id, func(w *store.Widget) error {
		if err := fn(w); err != nil {
			return callerError{err}
		}
		w.ID, w.SiteID = id, siteID
		return nil
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.Widget{}, ce.err
	}
	if err != nil {
		return store.Widget{}, wrap("update widget", err)
	}
	return w, nil
}

// DeleteWidget implements store.Widgets.
func (s *Store) DeleteWidget(ctx context.Context, siteID, id string) error {
	n, err := s.client.HDel(ctx, s.widgetsKey(siteID), id).Result()
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return wrap("delete widget", err)
}

// hashValues decodes every value of a per-site hash.
func hashValues[T any](ctx context.Context, s *Store, key string) ([]T, error) {
	raws, err := s.client.HVals(ctx, key).Result()
	if err != nil {
		return nil, err
	}
	list := make([]T, 0, len(raws))
	for _, raw := range raws {
		var v T
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, nil
}
