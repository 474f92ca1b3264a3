// Package redisstore is the store for many replicas: state in Redis (a single
// node, Sentinel or Cluster) through a go-redis UniversalClient, and pub/sub
// fanned out by Redis to every replica.
//
// # Connection URLs
//
// BECKON_REDIS_URL takes one of these forms (ParseURL):
//
//	redis://[user:pass@]host[:6379][/db]                      one node
//	rediss://[user:pass@]host[:6379][/db]                     one node over TLS
//	redis+sentinel://[user:pass@]host1[:26379],host2[:26379]/MASTER[?db=N&sentinel_password=P&sentinel_username=U]
//	rediss+sentinel://…                                       the same over TLS
//	redis+cluster://[user:pass@]host1[:6379],host2[:6379]     Redis Cluster (seed nodes)
//	rediss+cluster://…                                        Redis Cluster over TLS
//
// The one-node forms accept go-redis's tuning parameters (dial_timeout,
// pool_size, skip_verify, …; see redis.ParseURL). For Sentinel, user and
// password are those of the Redis master; the Sentinels' own credentials go
// in sentinel_username and sentinel_password. Special characters in user
// names and passwords must be percent-encoded.
//
// # Keys
//
// Every key of one site shares the hash tag {s:<siteID>}, so Redis Cluster
// places them in one slot and the Lua scripts that touch several of them at
// once (lua/*.lua) run on one node:
//
//	<prefix>:{s:<siteID>}:site      string: the site's JSON
//	<prefix>:{s:<siteID>}:widgets   hash: widget ID → widget JSON
//	<prefix>:{s:<siteID>}:keys      hash: API key ID → API key JSON
//
// Global indexes live in other slots, so they cannot change in the same
// atomic step as the data:
//
//	<prefix>:sites                  sorted set: site IDs by creation time (unix nanos)
//	<prefix>:sitekey:<key>          string: site ID (SET NX makes keys unique)
//	<prefix>:apikey:<hash>          string: "<siteID>/<keyID>"
//	<prefix>:setting:<name>         string: the setting's value
//	<prefix>:ps:<channel>           pub/sub channel (not a key)
//
// Indexes are written after the data on create and removed before the data on
// delete. A crash between the two steps therefore leaves at worst data that no
// index points to (an invisible orphan, which a repeated delete removes), never
// an index entry that leads to nothing. Reads that follow an index still check
// the data they find, so a race between two replicas cannot make one site's
// index hand out another's data.
//
// # Updates
//
// UpdateSite and UpdateWidget are optimistic: WATCH the one key, read, apply
// fn, write in MULTI/EXEC, and start over if another replica wrote first. fn
// may therefore run more than once and must not have side effects beyond the
// value it is given.
package redisstore
