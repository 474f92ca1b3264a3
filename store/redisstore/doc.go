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
//	<prefix>:{s:<siteID>}:site        string: the site's JSON
//	<prefix>:{s:<siteID>}:widgets     hash: widget ID → widget JSON
//	<prefix>:{s:<siteID>}:keys        hash: API key ID → API key JSON
//	<prefix>:{s:<siteID>}:cb:<id>     string: a callback request's JSON
//	<prefix>:{s:<siteID>}:cbs         sorted set: "<created>:<id>" of every request, all
//	                                  scored 0 so they sort by the text: created is Unix
//	                                  nanoseconds in 19 digits (ListCallbacks pages by it)
//	<prefix>:{s:<siteID>}:cbphones    hash: phone → "<created>:<id>" of its newest request (dedupe)
//	<prefix>:{s:<siteID>}:cbunqueued  set: IDs of requests whose job may not be enqueued yet
//	<prefix>:{s:<siteID>}:ctr:<name>  string: a site's counter, expiring with its window
//	<prefix>:{s:<siteID>}:spevents    hash: social-proof event ID → event JSON
//	<prefix>:{s:<siteID>}:sptimes     sorted set: event IDs by the event's time (unix ms)
//	<prefix>:{s:<siteID>}:spnotices   hash: "i:<id>"/"c:<id>" → impressions/clicks of an event
//	<prefix>:{s:<siteID>}:presence    hash: replica → "<expires unix ms> <path → count JSON>"
//	                                  (expiring with its longest-lived entry)
//	<prefix>:{s:<siteID>}:pushes      sorted set: a server push's JSON → expires unix ms (live_pushes.lua)
//
// Global indexes live in other slots, so they cannot change in the same
// atomic step as the data:
//
//	<prefix>:sites                  sorted set: site IDs by creation time (unix nanos)
//	<prefix>:sitekey:<key>          string: site ID (SET NX makes keys unique)
//	<prefix>:apikey:<hash>          string: "<siteID>/<keyID>"
//	<prefix>:setting:<name>         string: the setting's value
//	<prefix>:ctr:<name>             string: a counter across all sites, expiring with its window
//	<prefix>:ps:<channel>           pub/sub channel (not a key); sharded pub/sub
//	                                (SPUBLISH/SSUBSCRIBE) on a Cluster
//
// The callback job queue is shared by every site and replica, in a slot of
// its own:
//
//	<prefix>:{cbq}:jobs    stream: due jobs, field job = {"s":siteID,"c":callbackID,"d":due
//	                       in Unix ns}; consumer group "workers"; or field wake (see below)
//	<prefix>:{cbq}:later   sorted set: the payloads of jobs due later, by due time (Unix ms)
//
// Owners' notifications (the outbox) live in a slot of their own, {ntf}, with
// each site's delivery log; outbox.go lists the keys.
//
// A site's leads, quiz sessions, quiz versions, tallies and code pools are
// hashes and sorted sets in the site's slot, a fixed few per site whatever
// their number, so DeleteSite takes them in its one step; leads.go, quiz.go,
// quiz_versions.go, tallies.go and codepools.go list the keys.
//
// Indexes are written after the data on create and removed before the data on
// delete. A crash between the two steps therefore leaves at worst data that no
// index points to (an invisible orphan, which a repeated delete removes), never
// an index entry that leads to nothing. Reads that follow an index still check
// the data they find, so a race between two replicas cannot make one site's
// index hand out another's data.
//
// # Callback requests and their jobs
//
// A request and its job live in different slots (the site's, the queue's),
// so no step writes both. CreateCallback stores the request in the site's
// slot together with its dedupe check and a "not yet enqueued" mark
// (lua/create_callback.lua), then enqueues the job, then clears the mark. A
// crash between the steps leaves a marked request and a caller that got an
// error. Every replica's engine sweeps the marks (UnqueuedCallbacks, at start
// and every minute) and queues the request again or ends it; before that, a
// repeat of the request finds the marked one in the dedupe and enqueues it.
// A job enqueued twice is harmless: jobs are delivered at least once anyway,
// and workers re-check the request. The dedupe ignores a phone's newest
// request once it has ended: the script cannot read the request's state, so
// the caller reads it and runs the script again naming the ended request.
//
// Jobs are a stream with one consumer group. ClaimJobs runs
// lua/claim_jobs.lua: scheduled jobs that have fallen due move from the
// sorted set into the stream, then XAUTOCLAIM takes over jobs idle (unacked)
// longer than the lease, then XREADGROUP takes new ones; delivery counts are
// the stream's (XPENDING). With nothing to take, ClaimJobs blocks in
// XREADGROUP, which an XADD ends at once, for no longer than until the first
// scheduled job is due and at most a second at a time (go-redis does not
// cut a blocked read short when ctx ends). A job scheduled earlier than
// every other adds a wake entry to the stream, so that a blocked claimer
// learns the earlier time; wake entries are deleted by whoever reads them.
// A waiting ClaimJobs holds one connection of the pool. AckJob is XACK and
// XDEL; ExtendJob re-claims the job for the same consumer (XCLAIM), which
// resets its idle time, only while that consumer still holds it
// (lua/extend_job.lua). Deleting a site leaves its jobs in the queue: the
// worker finds the request gone and acks.
//
// DeleteSite deletes a site's requests in chunks while the site exists, and
// the last chunk with the site in one step (lua/delete_site.lua), which
// refuses when a request was created since the index was read; so no
// request outlives its site, and a crash midway leaves a site with fewer
// requests, which a repeated delete finishes. A site's counters are left to
// expire.
//
// # Counters
//
// Incr is INCR, PEXPIRE NX (the window starts with the first hit) and PTTL
// in one MULTI; the key expires when its window ends.
//
// # Updates
//
// UpdateSite, UpdateWidget and UpdateCallback are optimistic: read the one
// value, apply fn, and write it with swap_json.lua only if the value is
// still what was read (two round trips, no connection held in between);
// start over if another replica wrote first. fn may therefore run more than once and must not have
// side effects beyond the value it is given. A request has a key of its own,
// so updates of different requests never collide.
package redisstore
