package embedded

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/beckonhq/beckon/store"
)

// livePushes live in memory only, like presence: the embedded store serves
// one node, and a push is worth a minute, not a restart.
type livePushes struct {
	mu    sync.Mutex
	sites map[string][]livePush // oldest first
}

type livePush struct {
	push    []byte
	expires time.Time
}

// AddLivePush implements store.LivePushes.
func (s *Store) AddLivePush(ctx context.Context, siteID string, push []byte, ttl time.Duration) error {
	p := &s.pushes
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.sites == nil {
		p.sites = map[string][]livePush{}
	}
	kept := append(p.live(siteID, now), livePush{push: slices.Clone(push), expires: now.Add(ttl)})
	if over := len(kept) - store.LivePushesKept; over > 0 {
		kept = kept[over:]
	}
	p.sites[siteID] = kept
	return nil
}

// LivePushes implements store.LivePushes.
func (s *Store) LivePushes(ctx context.Context, siteID string) ([][]byte, error) {
	p := &s.pushes
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]byte
	for _, lp := range p.live(siteID, time.Now()) {
		out = append(out, slices.Clone(lp.push))
	}
	return out, nil
}

// live forgets the site's expired pushes and returns the others. The
// caller holds mu.
func (p *livePushes) live(siteID string, now time.Time) []livePush {
	kept := slices.DeleteFunc(p.sites[siteID], func(lp livePush) bool { return !lp.expires.After(now) })
	if len(kept) == 0 {
		delete(p.sites, siteID)
		return nil
	}
	p.sites[siteID] = kept
	return kept
}
