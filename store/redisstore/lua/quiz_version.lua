-- Numbers a quiz definition: the version it got when first seen, or the
-- next free number, stored with the definition and its time, in one step so
-- that concurrent first calls agree. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's versions: hash of "<widget>\0h\0<sha256>" → version,
--         "<widget>\0n" → the last version, "<widget>\0t\0<version>" → created
--         (Unix ns)
-- KEYS[3] the site's definitions: hash of "<widget>\0<version>" → definition
-- ARGV[1] the definition's hash field, ARGV[2] the last-version field,
-- ARGV[3] "<widget>\0t\0", ARGV[4] "<widget>\0", ARGV[5] the definition,
-- ARGV[6] created
-- Returns the version, or 0 when the site does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local v = redis.call('HGET', KEYS[2], ARGV[1])
if v then
  return tonumber(v)
end
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('HSET', KEYS[2], ARGV[1], n, ARGV[3] .. n, ARGV[6])
redis.call('HSET', KEYS[3], ARGV[4] .. n, ARGV[5])
return n
