-- Makes a notification pending and due again, if it is still what the
-- caller read (else the caller reads again), and raises its claim number so
-- that an attempt in flight cannot undo the replay. Every key carries the
-- outbox's hash tag.
--
-- KEYS[1] hash: ID → notification JSON
-- KEYS[2] hash: ID → number of the latest claim
-- KEYS[3] sorted set: IDs of pending notifications by when they may next be handed out (Unix ms)
-- KEYS[4] sorted set: IDs of finished notifications by their last attempt (Unix ms)
-- ARGV[1] ID, ARGV[2] the JSON read, ARGV[3] the new JSON, ARGV[4] due (Unix ms)
-- Returns the new claim number, -1 when the notification is gone, -2 when
-- it changed since it was read.
local id = ARGV[1]
local raw = redis.call('HGET', KEYS[1], id)
if not raw then
  return -1
end
if raw ~= ARGV[2] then
  return -2
end
redis.call('HSET', KEYS[1], id, ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], id)
redis.call('ZREM', KEYS[4], id)
return redis.call('HINCRBY', KEYS[2], id, 1)
