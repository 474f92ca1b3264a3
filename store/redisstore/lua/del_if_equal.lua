-- Deletes a global index entry only while it still holds the expected value,
-- so removing our own entry can never remove one that another site or key
-- has claimed meanwhile. One key, so it is Cluster safe wherever it lives.
--
-- KEYS[1] the index entry, ARGV[1] the value it must hold
-- Returns 1 when deleted, 0 otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
