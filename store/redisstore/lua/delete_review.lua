-- Deletes one review in one step, if it is still what the caller read:
-- the review, its entry and index members, its photo, and its share of the
-- aggregates when it was published. All keys carry the site's hash tag.
--
-- KEYS[1] reviews hash, KEYS[2] entries hash, KEYS[3] reviews by creation,
-- KEYS[4] aggregates hash, KEYS[5] published index, KEYS[6] photos hash,
-- KEYS[7] photo → review hash
-- ARGV[1] id, ARGV[2] the JSON read, ARGV[3] time member, ARGV[4] published
-- index member, ARGV[5] "1" when published, ARGV[6] rating, ARGV[7] the
-- widget's aggregate field, ARGV[8] the about's, ARGV[9] photo id or ""
-- Returns 1 deleted, 0 when another writer was first (or it is gone).
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[3])
if ARGV[5] == '1' then
  redis.call('ZREM', KEYS[5], ARGV[4])
  for _, f in ipairs({ARGV[7], ARGV[8]}) do
    redis.call('HINCRBY', KEYS[4], 'n' .. f, -1)
    redis.call('HINCRBY', KEYS[4], 's' .. f, -tonumber(ARGV[6]))
  end
end
if ARGV[9] ~= '' then
  redis.call('HDEL', KEYS[6], ARGV[9])
  redis.call('HDEL', KEYS[7], ARGV[9])
end
return 1
