-- Counts an impression or a click of an event, only while the site keeps
-- the event: made-up ids add nothing. Returns the new count, or false.
--
-- KEYS[1] the site's events hash, KEYS[2] the site's notice counts hash
-- ARGV[1] the event id, ARGV[2] the count's field ("i:"|"c:" id)
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return false
end
return redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
