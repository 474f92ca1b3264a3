-- Adds a site's social-proof events whose ids are new, all in one step, and
-- keeps only the newest ARGV[1] (by time, then id). Each new event gets the
-- site's next sequence number (the notice counts hash's "seq" field, so it
-- goes with the site's other social-proof keys), written into its JSON.
-- Returns the ids it added each followed by its number, or false when the
-- site does not exist. An id repeated within the call counts once, the
-- first time. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string (the site must exist)
-- KEYS[2] the site's events hash: id → event JSON
-- KEYS[3] the site's events by time (sorted set, score: unix ms)
-- KEYS[4] the site's notice counts hash: "i:"|"c:" id → count
-- ARGV[1] how many events to keep; then per event: id, unix ms, JSON (an
-- object without "seq": the number goes in front of its first field)
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local added = {}
for i = 2, #ARGV, 3 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then
    local seq = redis.call('HINCRBY', KEYS[4], 'seq', 1)
    redis.call('HSET', KEYS[2], ARGV[i], '{"seq":' .. seq .. ',' .. string.sub(ARGV[i + 2], 2))
    redis.call('ZADD', KEYS[3], ARGV[i + 1], ARGV[i])
    added[#added + 1] = ARGV[i]
    added[#added + 1] = seq
  end
end
local extra = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[1])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[3], 0, extra - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, extra - 1)
  redis.call('HDEL', KEYS[2], unpack(old))
  local counts = {}
  for _, id in ipairs(old) do
    counts[#counts + 1] = 'i:' .. id
    counts[#counts + 1] = 'c:' .. id
  end
  redis.call('HDEL', KEYS[4], unpack(counts))
end
return added
