-- Compare-and-swap of one quiz session: writes the new JSON and its expiry
-- only if the session is still what the caller had. Returns 1 when
-- written, the session's JSON as it is when another writer was first (so
-- the caller starts over without reading it again), 0 when it is gone.
--
-- KEYS[1] the site's sessions hash, KEYS[2] the sessions by expiry
-- ARGV[1] ID, ARGV[2] the JSON the caller had, ARGV[3] the new JSON,
-- ARGV[4] the new expiry (Unix ms), ARGV[5] the session's member
-- ("<visitor>\0<id>")
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then
  return 0
end
if cur ~= ARGV[2] then
  return cur
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
return 1
