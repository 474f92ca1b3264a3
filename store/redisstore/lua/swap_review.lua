-- Compare-and-swap of one review: writes the new JSON and entry, and moves
-- the aggregates by delta (+1 published, -1 unpublished, 0), only if the
-- review is still what the caller read. Returns 1 when written, 0 when
-- another writer was first.
--
-- KEYS[1] reviews hash, KEYS[2] entries hash, KEYS[3] aggregates hash,
-- KEYS[4] published reviews by widget and creation (sorted set)
-- ARGV[1] id, ARGV[2] the JSON read, ARGV[3] the new JSON, ARGV[4] the new
-- entry, ARGV[5] delta, ARGV[6] rating, ARGV[7] the widget's aggregate
-- field, ARGV[8] the about's, ARGV[9] the published index's member
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
local delta = tonumber(ARGV[5])
if delta == 1 then
  redis.call('ZADD', KEYS[4], 0, ARGV[9])
elseif delta == -1 then
  redis.call('ZREM', KEYS[4], ARGV[9])
end
if delta ~= 0 then
  for _, f in ipairs({ARGV[7], ARGV[8]}) do
    redis.call('HINCRBY', KEYS[3], 'n' .. f, delta)
    redis.call('HINCRBY', KEYS[3], 's' .. f, delta * tonumber(ARGV[6]))
  end
end
return 1
