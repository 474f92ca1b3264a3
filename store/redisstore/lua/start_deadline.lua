-- Gets or starts one subject's countdown deadline, atomically: of
-- concurrent first calls one sets it and all read it. A set deadline stands
-- unless a cool-down is given and it ended at least that long ago: then a
-- new cycle starts. Returns {deadline in unix ms, 1 if this call set it}.
-- Both keys carry the site's hash tag.
--
-- KEYS[1] the site's deadlines hash: widgetID \0 subject → unix ms
-- KEYS[2] the site's cycles-started hash: widgetID → count
-- KEYS[3] the site's JSON string (the site must exist)
-- ARGV[1] field (widgetID \0 subject), ARGV[2] widgetID,
-- ARGV[3] now (ms), ARGV[4] duration (ms), ARGV[5] cool-down (ms, 0: none)
if redis.call('EXISTS', KEYS[3]) == 0 then
  return false
end
local now = tonumber(ARGV[3])
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local d = tonumber(cur)
  local cooldown = tonumber(ARGV[5])
  if cooldown <= 0 or now < d + cooldown then
    return {d, 0}
  end
end
local d = now + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], d)
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return {d, 1}
