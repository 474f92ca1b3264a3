-- Writes a callback request redacted and takes it out of the phone dedupe
-- index, in one step, only if the request still holds what the caller
-- read (compare-and-swap, as swap_json.lua). Both keys carry the site's
-- hash tag.
--
-- KEYS[1] the request's JSON string
-- KEYS[2] the site's phones: hash of phone → "<created>:<id>" of its newest request
-- ARGV[1] the value read, ARGV[2] the redacted value, ARGV[3] the phone
-- read ("" when already redacted), ARGV[4] the request ID.
-- Returns 1 when written, 0 when another writer was first.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then
  local last = redis.call('HGET', KEYS[2], ARGV[3])
  if last and string.match(last, '^%d+:(.*)$') == ARGV[4] then
    redis.call('HDEL', KEYS[2], ARGV[3])
  end
end
return 1
