-- Returns the pages JSON of every replica whose counts of a site have not
-- expired (by Redis's clock), and deletes the expired ones.
--
-- KEYS[1] the site's presence hash (see report_presence.lua)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  local v = all[i + 1]
  local sp = string.find(v, ' ', 1, true)
  if sp and tonumber(string.sub(v, 1, sp - 1)) > now then
    live[#live + 1] = string.sub(v, sp + 1)
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return live
