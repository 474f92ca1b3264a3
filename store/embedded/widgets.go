package embedded

import (
	"context"
	"encoding/json"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// CreateWidget implements store.Widgets.
func (s *Store) CreateWidget(ctx context.Context, w store.Widget) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if !siteExists(tx, w.SiteID) {
			return store.ErrNotFound
		}
		b, err := tx.Bucket(bucketWidgets).CreateBucketIfNotExists([]byte(w.SiteID))
		if err != nil {
			return err
		}
		if b.Get([]byte(w.ID)) != nil {
			return store.ErrConflict
		}
		return putJSON(b, w.ID, w)
	})
	return store.Wrap(kind, "create widget", err)
}

// GetWidget implements store.Widgets.
func (s *Store) GetWidget(ctx context.Context, siteID, id string) (store.Widget, error) {
	var w store.Widget
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketWidgets).Bucket([]byte(siteID)), id, &w)
	})
	return w, store.Wrap(kind, "get widget", err)
}

// ListWidgets implements store.Widgets.
func (s *Store) ListWidgets(ctx context.Context, siteID string) ([]store.Widget, error) {
	var list []store.Widget
	err := s.db.View(func(tx *bolt.Tx) error {
		return listJSON(tx.Bucket(bucketWidgets).Bucket([]byte(siteID)), func(raw []byte) error {
			var w store.Widget
			if err := json.Unmarshal(raw, &w); err != nil {
				return err
			}
			list = append(list, w)
			return nil
		})
	})
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.Before(list[j].CreatedAt) })
	return list, store.Wrap(kind, "list widgets", err)
}

// UpdateWidget implements store.Widgets.
func (s *Store) UpdateWidget(ctx context.Context, siteID, id string, fn func(*store.Widget) error) (store.Widget, error) {
	var w store.Widget
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWidgets).Bucket([]byte(siteID))
		if err := getJSON(b, id, &w); err != nil {
			return err
		}
		if err := fn(&w); err != nil {
			return errFn{err}
		}
		w.ID, w.SiteID = id, siteID
		return putJSON(b, id, w)
	})
	if err != nil {
		return store.Widget{}, unwrapFn("update widget", err)
	}
	return w, nil
}

// DeleteWidget implements store.Widgets.
func (s *Store) DeleteWidget(ctx context.Context, siteID, id string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWidgets).Bucket([]byte(siteID))
		if b == nil || b.Get([]byte(id)) == nil {
			return store.ErrNotFound
		}
		return b.Delete([]byte(id))
	})
	return store.Wrap(kind, "delete widget", err)
}
