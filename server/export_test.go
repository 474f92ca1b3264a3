package server

// InvalidateConfig does to s's cache what another replica's change does
// (see subscribeConfigChanges), for tests of package server_test that
// need it at a moment of their choosing (during a store outage).
func InvalidateConfig(s *Server, key string) { s.cache.invalidate(key) }
