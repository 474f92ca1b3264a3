-- Compare-and-swap of one JSON value: writes the new value only if the key
-- (a string, or a hash field when ARGV[1] is not empty) still holds what
-- the caller read. Returns 1 when written, 0 when another writer was first.
--
-- KEYS[1] the key; ARGV[1] the hash field or ""; ARGV[2] the value read;
-- ARGV[3] the value to write
local cur
if ARGV[1] == '' then
  cur = redis.call('GET', KEYS[1])
else
  cur = redis.call('HGET', KEYS[1], ARGV[1])
end
if cur ~= ARGV[2] then
  return 0
end
if ARGV[1] == '' then
  redis.call('SET', KEYS[1], ARGV[3])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1
