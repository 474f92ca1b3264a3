-- Keeps one server push of a site for ttl by Redis's own clock (replicas'
-- clocks may differ), forgetting the expired ones and, past the limit, the
-- oldest. Scored by expiry, so the oldest first is also the order of adding
-- (every push gets the same ttl). The key lives as long as its newest entry.
--
-- KEYS[1] the site's pushes (sorted set: push → expires unix ms)
-- ARGV[1] push, ARGV[2] ttl (ms), ARGV[3] how many to keep at most
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
