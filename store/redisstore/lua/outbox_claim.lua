-- Hands out up to max due notifications: each is hidden until now + lease
-- (then it may be handed out again, as after a crash of its sender) and its
-- claim number goes up. An index entry whose notification is gone is
-- dropped. Every key carries the outbox's hash tag.
--
-- KEYS[1] hash: ID → notification JSON
-- KEYS[2] hash: ID → number of the latest claim
-- KEYS[3] sorted set: IDs of pending notifications by when they may next be handed out (Unix ms)
-- ARGV[1] now (Unix ms), ARGV[2] max, ARGV[3] lease (ms)
-- Returns {json, claim, json, claim, ...}.
local now, lease = tonumber(ARGV[1]), tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[1], id)
  if raw then
    redis.call('ZADD', KEYS[3], now + lease, id)
    out[#out + 1] = raw
    out[#out + 1] = redis.call('HINCRBY', KEYS[2], id, 1)
  else
    redis.call('ZREM', KEYS[3], id)
  end
end
return out
