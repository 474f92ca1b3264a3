package redisstore

import "context"

// GetSetting implements store.Settings.
func (s *Store) GetSetting(ctx context.Context, name string) (string, error) {
	v, err := s.client.Get(ctx, s.settingKey(name)).Result()
	return v, wrap("get setting", err)
}

// SetSettingIfAbsent implements store.Settings: SET NX is decided by Redis
// alone, so of many replicas starting at once exactly one wins.
func (s *Store) SetSettingIfAbsent(ctx context.Context, name, value string) (bool, error) {
	set, err := s.client.SetNX(ctx, s.settingKey(name), value, 0).Result()
	return set, wrap("set setting", err)
}
