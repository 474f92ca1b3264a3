-- Adds to the fields of one tally of a site, in one step. All keys carry
-- the site's hash tag.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's tallies: hash of "<name>\0<field>" → count
-- KEYS[3] their fields by name: sorted set of "<name>\0<field>", scored 0
-- ARGV[1] "<name>\0", then pairs of field and delta
-- Returns 1, or 0 when the site does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for i = 2, #ARGV, 2 do
  local field = ARGV[1] .. ARGV[i]
  redis.call('HINCRBY', KEYS[2], field, ARGV[i + 1])
  redis.call('ZADD', KEYS[3], 0, field)
end
return 1
