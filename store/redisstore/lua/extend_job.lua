-- Renews a consumer's claim on a job, only while that consumer still holds
-- it: XCLAIM alone would take the job from whoever holds it now. RETRYCOUNT
-- keeps the delivery count as it is (JUSTID alone should, but miniredis
-- counts up anyway). One key.
--
-- KEYS[1] the stream of due jobs
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] job (entry) ID
-- Returns 1 when renewed, 0 when the job is not pending (acked), -1 when
-- another consumer holds it.
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 then
  return 0
end
if pending[1][2] ~= ARGV[2] then
  return -1
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'RETRYCOUNT', pending[1][4], 'JUSTID')
return 1
