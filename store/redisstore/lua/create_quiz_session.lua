-- Stores a new quiz session unless its ID is taken, after sweeping up to a
-- few of the site's expired sessions (so they never pile up). All keys
-- carry the site's hash tag.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's sessions: hash of ID → session JSON
-- KEYS[3] the sessions by expiry: sorted set of "<visitor>\0<id>" scored by
--         the session's expiry (Unix ms)
-- KEYS[4] the sessions by visitor: the same members, scored 0
-- ARGV[1] ID, ARGV[2] session JSON, ARGV[3] expiry, ARGV[4] member,
-- ARGV[5] now (Unix ms), ARGV[6] how many expired sessions to sweep at most
-- Returns 1 when stored, 0 when the site does not exist, -1 when the ID is taken.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local nul = string.char(0)
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[5], 'LIMIT', 0, tonumber(ARGV[6]))) do
  local at = string.find(member, nul, 1, true)
  redis.call('HDEL', KEYS[2], string.sub(member, at + 1))
  redis.call('ZREM', KEYS[3], member)
  redis.call('ZREM', KEYS[4], member)
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return -1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[4], 0, ARGV[4])
return 1
