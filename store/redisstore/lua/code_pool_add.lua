-- Creates a code pool with its first codes, or adds codes to one, in one
-- step: the new codes are counted first, so a pool that would grow past its
-- bound is left as it was. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's pools: hash of pool ID → pool JSON
-- KEYS[3] every code: sorted set of "<pool>\0<code>", scored 0 (dedupe, total)
-- KEYS[4] codes not handed out: sorted set of "<pool>\0<seq>\0<code>",
--         scored 0, seq in 8 digits so a pool's oldest code sorts first
-- ARGV[1] pool ID, ARGV[2] the new pool's JSON or "" to add to an existing
-- pool, ARGV[3] the most codes a pool may hold, ARGV[4…] the codes
-- Returns {1, added, total}; {0} when the site (create) or the pool (add)
-- does not exist; {-1} when the pool ID is taken (create); {-2} when the
-- pool would hold too many codes.
local pool = ARGV[1]
local lo, hi = '[' .. pool .. '\0', '(' .. pool .. '\1'
if ARGV[2] ~= '' then
  if redis.call('EXISTS', KEYS[1]) == 0 then
    return {0}
  end
  if redis.call('HEXISTS', KEYS[2], pool) == 1 then
    return {-1}
  end
elseif redis.call('HEXISTS', KEYS[2], pool) == 0 then
  return {0}
end
local total = redis.call('ZLEXCOUNT', KEYS[3], lo, hi)
-- Commands take at most `batch` members at a time: one call per code would
-- keep Redis busy ten times longer on a 10 000-code upload, and unpack has
-- a bounded stack.
local batch = 500
local fresh, seen, members = {}, {}, {}
local function check()
  if #members == 0 then
    return
  end
  local scores = redis.call('ZMSCORE', KEYS[3], unpack(members))
  for i, member in ipairs(members) do
    if not scores[i] then
      fresh[#fresh + 1] = string.sub(member, #pool + 2)
    end
  end
  members = {}
end
for i = 4, #ARGV do
  local code = ARGV[i]
  if not seen[code] then
    seen[code] = true
    members[#members + 1] = pool .. '\0' .. code
    if #members == batch then
      check()
    end
  end
end
check()
if total + #fresh > tonumber(ARGV[3]) then
  return {-2}
end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[2], pool, ARGV[2])
end
-- ZADD arguments: score, member, score, member, …
local all, free, n = {}, {}, 0
for i, code in ipairs(fresh) do
  all[n + 1], free[n + 1] = 0, 0
  all[n + 2] = pool .. '\0' .. code
  free[n + 2] = pool .. '\0' .. string.format('%08d', total + i - 1) .. '\0' .. code
  n = n + 2
  if n == 2 * batch or i == #fresh then
    redis.call('ZADD', KEYS[3], unpack(all, 1, n))
    redis.call('ZADD', KEYS[4], unpack(free, 1, n))
    n = 0
  end
end
return {1, #fresh, total + #fresh}
