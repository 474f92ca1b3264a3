-- Records one delivery attempt in one step: the entry goes to the front of
-- the site's log (trimmed to its size, expiring when the site stops
-- getting notifications); when the caller's claim is still the latest, the
-- notification's new state is stored and it is either due again or
-- finished. Finished notifications past their retention are removed, a
-- bounded number per call. Every key carries the outbox's hash tag.
--
-- KEYS[1] hash: ID → notification JSON
-- KEYS[2] hash: ID → number of the latest claim
-- KEYS[3] sorted set: IDs of pending notifications by when they may next be handed out (Unix ms)
-- KEYS[4] sorted set: IDs of finished notifications by their last attempt (Unix ms)
-- KEYS[5] list: the site's log, newest first
-- ARGV[1] ID, ARGV[2] the caller's claim, ARGV[3] the new JSON,
-- ARGV[4] "1" when still pending, ARGV[5] next due (Unix ms),
-- ARGV[6] the attempt's JSON, ARGV[7] the attempt's time (Unix ms),
-- ARGV[8] log size, ARGV[9] log lifetime (ms), ARGV[10] purge before (Unix ms),
-- ARGV[11] purge at most
-- Returns 1, or 0 when the notification is gone.
local id = ARGV[1]
if redis.call('HEXISTS', KEYS[1], id) == 0 then
  return 0
end
redis.call('LPUSH', KEYS[5], ARGV[6])
redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[8]) - 1)
redis.call('PEXPIRE', KEYS[5], ARGV[9])
if tonumber(redis.call('HGET', KEYS[2], id) or '0') ~= tonumber(ARGV[2]) then
  return 1 -- a replay or a newer claim owns the state now
end
redis.call('HSET', KEYS[1], id, ARGV[3])
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[5], id)
  redis.call('ZREM', KEYS[4], id)
else
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZADD', KEYS[4], ARGV[7], id)
end
local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[10], 'LIMIT', 0, tonumber(ARGV[11]))
for _, gone in ipairs(old) do
  redis.call('HDEL', KEYS[1], gone)
  redis.call('HDEL', KEYS[2], gone)
end
if #old > 0 then
  redis.call('ZREM', KEYS[4], unpack(old))
end
return 1
