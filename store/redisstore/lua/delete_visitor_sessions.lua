-- Deletes every quiz session of one visitor of a site. Returns how many of
-- them had not expired.
--
-- KEYS[1] the site's sessions hash, KEYS[2] the sessions by expiry,
-- KEYS[3] the sessions by visitor ("<visitor>\0<id>", scored 0)
-- ARGV[1] "[<visitor>\0", ARGV[2] "(<visitor>\1": the visitor's range;
-- ARGV[3] the length of "<visitor>\0"; ARGV[4] now (Unix ms)
local n = 0
for _, member in ipairs(redis.call('ZRANGEBYLEX', KEYS[3], ARGV[1], ARGV[2])) do
  local expires = tonumber(redis.call('ZSCORE', KEYS[2], member))
  local deleted = redis.call('HDEL', KEYS[1], string.sub(member, tonumber(ARGV[3]) + 1))
  if deleted == 1 and expires and expires > tonumber(ARGV[4]) then
    n = n + 1
  end
  redis.call('ZREM', KEYS[2], member)
  redis.call('ZREM', KEYS[3], member)
end
return n
