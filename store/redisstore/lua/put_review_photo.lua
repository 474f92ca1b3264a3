-- Stores an unattached review photo and drops the unattached ones uploaded
-- before a cutoff, in one step. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string, KEYS[2] photos hash, KEYS[3] unattached
-- photos (sorted set scored by upload time in ms)
-- ARGV[1] id, ARGV[2] content type \0 bytes, ARGV[3] now (ms), ARGV[4] cutoff (ms)
-- Returns 1 stored, 0 no such site.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4], 'LIMIT', 0, 500)
if #old > 0 then
  redis.call('HDEL', KEYS[2], unpack(old))
  redis.call('ZREM', KEYS[3], unpack(old))
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]), ARGV[1])
return 1
