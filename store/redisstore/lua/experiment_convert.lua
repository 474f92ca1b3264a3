-- Counts an exposed visitor's conversion once, for the variant recorded at
-- exposure (see experiment_expose.lua for the keys).
--
-- ARGV[1] the visitor's record field
-- ARGV[2] the tally's field prefix: "<tally name>\0"
-- Returns the variant, "" when the visitor was not exposed or converted
-- already, or -1 when the site does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local got = redis.call('HGET', KEYS[2], ARGV[1])
if not got or string.sub(got, -2) == '\0c' then
  return ''
end
redis.call('HSET', KEYS[2], ARGV[1], got .. '\0c')
local field = ARGV[2] .. got .. ':conversions'
redis.call('HINCRBY', KEYS[2], field, 1)
redis.call('ZADD', KEYS[3], 0, field)
return got
