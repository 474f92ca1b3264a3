-- Compare-and-swap of one quiz session: writes the new JSON and its expiry
-- only if the session is still what the caller read. Returns 1 when
-- written, 0 when another writer was first (or the session is gone).
--
-- KEYS[1] the site's sessions hash, KEYS[2] the sessions by expiry
-- ARGV[1] ID, ARGV[2] the JSON read, ARGV[3] the new JSON, ARGV[4] the new
-- expiry (Unix ms), ARGV[5] the session's member ("<visitor>\0<id>")
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
return 1
