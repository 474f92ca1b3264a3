package embedded

import (
	"context"
	"maps"
	"sync"
	"time"
)

// presence lives in memory only: the embedded store serves one node, whose
// connections end with its process, so there is nothing to keep across a
// restart. The TTL still applies, as the contract says, for a caller that
// stops reporting.
type presence struct {
	mu    sync.Mutex
	sites map[string]map[string]replicaPages // siteID → replica → counts
}

type replicaPages struct {
	pages   map[string]int
	expires time.Time
}

// ReportPresence implements store.Presence.
func (s *Store) ReportPresence(ctx context.Context, replica, siteID string, pages map[string]int, ttl time.Duration) error {
	p := &s.presence
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(pages) == 0 {
		delete(p.sites[siteID], replica)
		if len(p.sites[siteID]) == 0 {
			delete(p.sites, siteID)
		}
		return nil
	}
	if p.sites == nil {
		p.sites = map[string]map[string]replicaPages{}
	}
	if p.sites[siteID] == nil {
		p.sites[siteID] = map[string]replicaPages{}
	}
	p.sites[siteID][replica] = replicaPages{pages: maps.Clone(pages), expires: time.Now().Add(ttl)}
	return nil
}

// PresenceCounts implements store.Presence; it forgets what has expired.
func (s *Store) PresenceCounts(ctx context.Context, siteID string) (int, map[string]int, error) {
	p := &s.presence
	p.mu.Lock()
	defer p.mu.Unlock()
	total, sum, now := 0, map[string]int{}, time.Now()
	for replica, rp := range p.sites[siteID] {
		if !rp.expires.After(now) {
			delete(p.sites[siteID], replica)
			continue
		}
		for path, n := range rp.pages {
			sum[path] += n
			total += n
		}
	}
	return total, sum, nil
}
