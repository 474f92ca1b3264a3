package redisstore

import "sync"

// sessionCachedMax bounds the session cache; when full it starts again
// empty, which is simpler than an LRU and costs at worst one read per
// session in flight.
const sessionCachedMax = 4096

// sessionCache keeps the JSON of the quiz sessions this replica read or
// wrote last. A quiz answer reads its session, then updates it: with the
// JSON at hand the update goes straight to its compare-and-swap, one round
// trip. An entry that is stale (another replica wrote since, or the
// session is gone) costs nothing but that: the swap fails and answers with
// the session as it is.
type sessionCache struct {
	mu   sync.Mutex
	json map[string]string // siteID \0 sessionID → JSON
}

func (c *sessionCache) get(siteID, id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	raw, ok := c.json[siteID+"\x00"+id]
	return raw, ok
}

func (c *sessionCache) put(siteID, id, raw string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.json == nil || len(c.json) >= sessionCachedMax {
		c.json = make(map[string]string)
	}
	c.json[siteID+"\x00"+id] = raw
}

func (c *sessionCache) forget(siteID, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.json, siteID+"\x00"+id)
}
