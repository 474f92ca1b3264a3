-- Reads every field of one tally of a site.
--
-- KEYS[1] the site's tallies hash, KEYS[2] their fields by name
-- ARGV[1] "[<name>\0", ARGV[2] "(<name>\1", ARGV[3] the length of "<name>\0"
-- Returns field, count, field, count …
local out = {}
for _, field in ipairs(redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], ARGV[2])) do
  local n = redis.call('HGET', KEYS[1], field)
  if n then
    out[#out + 1] = string.sub(field, tonumber(ARGV[3]) + 1)
    out[#out + 1] = n
  end
end
return out
