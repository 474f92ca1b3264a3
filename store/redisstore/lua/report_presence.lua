-- Replaces one replica's open-connection counts of a site, to expire ttl
-- from now by Redis's own clock (replicas' clocks may differ). The value is
-- "<expires unix ms> <pages JSON>"; an empty JSON removes the replica. The
-- key lives as long as its longest-lived entry, so a site whose replicas
-- all died leaves nothing behind.
--
-- KEYS[1] the site's presence hash: replica → value
-- ARGV[1] replica, ARGV[2] ttl (ms), ARGV[3] pages JSON or ""
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], (now + ttl) .. ' ' .. ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
