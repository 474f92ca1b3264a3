-- Adds a job to the queue: to the stream when it is due, else to the
-- schedule. A job due before everything scheduled so far also adds a wake
-- entry to the stream, so that a claimer blocked on the stream learns of the
-- earlier time and waits no longer than until it. Both keys carry the
-- queue's hash tag.
--
-- KEYS[1] the stream of due jobs
-- KEYS[2] the schedule: sorted set of job payloads by due time (Unix ms)
-- ARGV[1] the job's payload (JSON), ARGV[2] its due time, ARGV[3] now (Unix ms)
local due, now = tonumber(ARGV[2]), tonumber(ARGV[3])
if due <= now then
  redis.call('XADD', KEYS[1], '*', 'job', ARGV[1])
  return 1
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
redis.call('ZADD', KEYS[2], due, ARGV[1])
if #first == 0 or due < tonumber(first[2]) then
  redis.call('XADD', KEYS[1], '*', 'wake', ARGV[2])
end
return 0
