-- Compare-and-swap of one lead: writes the new JSON and index entry only if
-- the lead is still what the caller read. Returns 1 when written, 0 when
-- another writer was first (or the lead is gone).
--
-- KEYS[1] the site's leads hash, KEYS[2] the leads' index entries hash
-- ARGV[1] ID, ARGV[2] the JSON read, ARGV[3] the new JSON, ARGV[4] the new entry
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
