-- Hands one consumer up to max jobs, in one step: scheduled jobs that have
-- fallen due move into the stream, then the consumer takes over jobs that
-- other consumers have held longer than the lease without acking, then new
-- ones. Wake entries it comes across (see enqueue_job.lua) have done their
-- work and are removed. Both keys carry the queue's hash tag.
--
-- KEYS[1] the stream of due jobs (its consumer group exists)
-- KEYS[2] the schedule: sorted set of job payloads by due time (Unix ms)
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] now (Unix ms), ARGV[4] max,
-- ARGV[5] lease (ms)
-- Returns {next, id, payload, deliveries, id, payload, deliveries, ...}:
-- next is when the first scheduled job falls due (Unix ms), or -1.
local stream, schedule = KEYS[1], KEYS[2]
local group, consumer = ARGV[1], ARGV[2]
local now, max, lease = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])

-- At most this many scheduled jobs move per call, and the takeover and the
-- reading of new jobs take at most this many rounds each, so one call stays
-- short.
local moveAtMost, scanRounds = 1000, 10

local due = redis.call('ZRANGEBYSCORE', schedule, '-inf', now, 'LIMIT', 0, moveAtMost)
for _, payload in ipairs(due) do
  redis.call('XADD', stream, '*', 'job', payload)
end
if #due > 0 then
  redis.call('ZREM', schedule, unpack(due))
end

local out, taken = {0}, 0
-- take adds a stream entry to the result, or drops it when it is a wake
-- entry (or an entry deleted meanwhile, which XAUTOCLAIM of Redis 6.2 still
-- lists as nil).
local function take(entry, deliveries)
  if not entry then
    return
  end
  local id, fields = entry[1], entry[2]
  if fields and fields[1] == 'job' then
    out[#out + 1] = id
    out[#out + 1] = fields[2]
    out[#out + 1] = deliveries
    taken = taken + 1
  else
    redis.call('XACK', stream, group, id)
    redis.call('XDEL', stream, id)
  end
end

local cursor = '0-0'
for _ = 1, scanRounds do
  if taken >= max then
    break
  end
  local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, lease, cursor, 'COUNT', max - taken)
  cursor = claimed[1]
  for _, entry in ipairs(claimed[2]) do
    if entry then
      -- XAUTOCLAIM counted this delivery; XPENDING tells the count.
      local pending = redis.call('XPENDING', stream, group, entry[1], entry[1], 1)
      take(entry, pending[1] and pending[1][4] or 1)
    end
  end
  if cursor == '0-0' then
    break
  end
end

-- Wake entries take up places in a read, so read again until max is
-- reached or nothing new is left.
for _ = 1, scanRounds do
  if taken >= max then
    break
  end
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max - taken, 'STREAMS', stream, '>')
  if not read then
    break
  end
  for _, entry in ipairs(read[1][2]) do
    take(entry, 1)
  end
end

local first = redis.call('ZRANGE', schedule, 0, 0, 'WITHSCORES')
if #first > 0 then
  out[1] = tonumber(first[2])
else
  out[1] = -1
end
return out
