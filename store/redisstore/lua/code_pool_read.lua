-- Reads pools with their counts in one step, so total and issued agree.
-- All keys carry the site's hash tag.
--
-- KEYS[1] the site's pools: hash of pool ID → pool JSON
-- KEYS[2] every code: sorted set of "<pool>\0<code>", scored 0
-- KEYS[3] codes not handed out: sorted set of "<pool>\0<seq>\0<code>", scored 0
-- ARGV[1] a pool ID, or none for every pool of the site
-- Returns {json, total, free, json, total, free, …}.
local ids
if ARGV[1] then
  ids = {ARGV[1]}
else
  ids = redis.call('HKEYS', KEYS[1])
end
local out = {}
for _, pool in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], pool)
  if json then
    local lo, hi = '[' .. pool .. '\0', '(' .. pool .. '\1'
    out[#out + 1] = json
    out[#out + 1] = redis.call('ZLEXCOUNT', KEYS[2], lo, hi)
    out[#out + 1] = redis.call('ZLEXCOUNT', KEYS[3], lo, hi)
  end
end
return out
