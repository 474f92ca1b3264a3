-- Deletes a pool with its codes and who got them, in one step. All keys
-- carry the site's hash tag.
--
-- KEYS[1] the site's pools hash, KEYS[2…4] its codes: every code, free
-- codes, codes handed out (sorted sets whose members start "<pool>\0")
-- ARGV[1] pool ID
-- Returns 1, or 0 when there is no such pool.
local pool = ARGV[1]
if redis.call('HDEL', KEYS[1], pool) == 0 then
  return 0
end
for i = 2, 4 do
  redis.call('ZREMRANGEBYLEX', KEYS[i], '[' .. pool .. '\0', '(' .. pool .. '\1')
end
return 1
