-- Stores published reviews all at once or none: every id is checked
-- before anything is written. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string, KEYS[2] reviews hash, KEYS[3] entries
-- hash, KEYS[4] reviews by creation (sorted set), KEYS[5] aggregates hash,
-- KEYS[6] published reviews by widget and creation (sorted set)
-- ARGV: per review eight values: id, JSON, entry, time member, rating,
-- the widget's aggregate field, the about's, the published index's member
-- Returns 1 stored, 0 no such site, -1 an id taken.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for i = 1, #ARGV, 8 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    return -1
  end
end
for i = 1, #ARGV, 8 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[4], 0, ARGV[i + 3])
  redis.call('ZADD', KEYS[6], 0, ARGV[i + 7])
  for _, f in ipairs({ARGV[i + 5], ARGV[i + 6]}) do
    redis.call('HINCRBY', KEYS[5], 'n' .. f, 1)
    redis.call('HINCRBY', KEYS[5], 's' .. f, tonumber(ARGV[i + 4]))
  end
end
return 1
