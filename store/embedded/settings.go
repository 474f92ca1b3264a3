package embedded

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// GetSetting implements store.Settings.
func (s *Store) GetSetting(ctx context.Context, name string) (string, error) {
	var value string
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSettings).Get([]byte(name))
		if v == nil {
			return store.ErrNotFound
		}
		value = string(v)
		return nil
	})
	return value, store.Wrap(kind, "get setting", err)
}

// SetSettingIfAbsent implements store.Settings.
func (s *Store) SetSettingIfAbsent(ctx context.Context, name, value string) (bool, error) {
	set := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		if b.Get([]byte(name)) != nil {
			return nil
		}
		set = true
		return b.Put([]byte(name), []byte(value))
	})
	return set && err == nil, store.Wrap(kind, "set setting", err)
}
