-- Stores a new review in one step: checks the site, the id and the request
-- token, then writes the review, its index entry, its aggregates (when
-- published) and its photo's link. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string, KEYS[2] reviews hash, KEYS[3] entries
-- hash, KEYS[4] reviews by creation (sorted set), KEYS[5] aggregates hash,
-- KEYS[6] photo → review hash, KEYS[7] unattached photos (sorted set),
-- KEYS[8] used tokens hash, KEYS[9] photos hash, KEYS[10] published
-- reviews by widget and creation (sorted set)
-- ARGV[1] id, ARGV[2] JSON, ARGV[3] entry, ARGV[4] time member, ARGV[5]
-- token or "", ARGV[6] "1" when published, ARGV[7] rating, ARGV[8] the
-- widget's aggregate field, ARGV[9] the about's, ARGV[10] photo id or "",
-- ARGV[11] the member of the published index
-- Returns 1 stored, 0 no such site, -1 id taken, -2 token used.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return -1
end
if ARGV[5] ~= '' then
  if redis.call('HSETNX', KEYS[8], ARGV[5], ARGV[1]) == 0 then
    return -2
  end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[4], 0, ARGV[4])
if ARGV[6] == '1' then
  redis.call('ZADD', KEYS[10], 0, ARGV[11])
  for _, f in ipairs({ARGV[8], ARGV[9]}) do
    redis.call('HINCRBY', KEYS[5], 'n' .. f, 1)
    redis.call('HINCRBY', KEYS[5], 's' .. f, tonumber(ARGV[7]))
  end
end
if ARGV[10] ~= '' and redis.call('HEXISTS', KEYS[9], ARGV[10]) == 1 then
  redis.call('HSET', KEYS[6], ARGV[10], ARGV[1])
  redis.call('ZREM', KEYS[7], ARGV[10])
end
return 1
