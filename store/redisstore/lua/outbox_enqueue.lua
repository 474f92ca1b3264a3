-- Stores a new notification as pending and due, in one step; refuses an ID
-- that is taken. Every key carries the outbox's hash tag.
--
-- KEYS[1] hash: ID → notification JSON
-- KEYS[2] hash: ID → number of the latest claim
-- KEYS[3] sorted set: IDs of pending notifications by when they may next be handed out (Unix ms)
-- ARGV[1] ID, ARGV[2] JSON, ARGV[3] due (Unix ms)
-- Returns 1, or 0 when the ID is taken.
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], 0)
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1
