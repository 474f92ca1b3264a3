-- Hands a visitor a code of a pool in one step: the code it got before, or
-- the pool's oldest free one, which stops being free. Redis runs one script
-- at a time, so no code goes to two visitors and no visitor gets two codes.
-- All keys carry the site's hash tag.
--
-- KEYS[1] the site's pools: hash of pool ID → pool JSON
-- KEYS[2] codes not handed out: sorted set of "<pool>\0<seq>\0<code>", scored 0
-- KEYS[3] codes handed out: sorted set of "<pool>\0<visitor>\0<code>", scored 0
-- ARGV[1] pool ID, ARGV[2] visitor ID (neither holds a control character)
-- Returns {1, code}; {0} when there is no such pool; {-2} when no code is
-- left for a visitor who has none.
local pool, visitor = ARGV[1], ARGV[2]
if redis.call('HEXISTS', KEYS[1], pool) == 0 then
  return {0}
end
local mine = pool .. '\0' .. visitor .. '\0'
local had = redis.call('ZRANGEBYLEX', KEYS[3], '[' .. mine, '(' .. pool .. '\0' .. visitor .. '\1', 'LIMIT', 0, 1)
if #had > 0 then
  return {1, string.sub(had[1], #mine + 1)}
end
local free = redis.call('ZRANGEBYLEX', KEYS[2], '[' .. pool .. '\0', '(' .. pool .. '\1', 'LIMIT', 0, 1)
if #free == 0 then
  return {-2}
end
-- "<pool>\0<8 digits>\0" comes before the code.
local code = string.sub(free[1], #pool + 11)
redis.call('ZREM', KEYS[2], free[1])
redis.call('ZADD', KEYS[3], 0, mine .. code)
return {1, code}
