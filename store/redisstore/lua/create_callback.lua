-- Stores a callback request unless the site has one for the same phone
-- created at or after the dedupe bound, in one step: of concurrent requests
-- for one phone exactly one is stored. The new request is marked "not yet
-- enqueued" in the same step; the caller enqueues its job (another slot)
-- and then clears the mark, so a request whose job may be missing is never
-- unmarked. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the request's JSON string (a new key)
-- KEYS[3] the site's requests by creation: sorted set of "<created>:<id>"
-- KEYS[4] the site's phones: hash of phone → "<created>:<id>" of its newest request
-- KEYS[5] the site's requests not yet enqueued: set of IDs
-- ARGV[1] request ID, ARGV[2] request JSON, ARGV[3] phone,
-- ARGV[4] created, ARGV[5] dedupe bound: Unix nanoseconds, 19 digits, so
-- that comparing the strings compares the times; ARGV[6] the ID of a request
-- the caller found ended (or ""): when it is still the phone's newest, it is
-- no duplicate. A request that ended stays ended, so the caller's read holds.
-- Returns {1} when stored, {0} when the site does not exist, {-1} when the ID
-- is taken, {2, id, marked} for a duplicate of request id, marked 1 when
-- that one's job may not have been enqueued.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {-1}
end
local last = redis.call('HGET', KEYS[4], ARGV[3])
local lastCreated = ''
if last then
  local id
  lastCreated, id = string.match(last, '^(%d+):(.*)$')
  if lastCreated >= ARGV[5] and id ~= ARGV[6] then
    return {2, id, redis.call('SISMEMBER', KEYS[5], id)}
  end
end
local stamp = ARGV[4] .. ':' .. ARGV[1]
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], 0, stamp)
if ARGV[4] >= lastCreated then
  redis.call('HSET', KEYS[4], ARGV[3], stamp)
end
redis.call('SADD', KEYS[5], ARGV[1])
return {1}
