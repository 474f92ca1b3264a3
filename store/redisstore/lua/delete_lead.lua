-- Deletes a lead with its index entries, which its entry names. Returns 1,
-- or 0 when there is no such lead.
--
-- KEYS[1] leads hash, KEYS[2] entries hash, KEYS[3] by creation, KEYS[4] by visitor
-- ARGV[1] ID
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then
  return 0
end
-- type, status, time member, visitor member (the visitor may hold anything)
local _, _, byTime, byVisitor = string.match(entry, '^([^\n]*)\n([^\n]*)\n([^\n]*)\n(.*)$')
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], byTime)
redis.call('ZREM', KEYS[4], byVisitor)
return 1
