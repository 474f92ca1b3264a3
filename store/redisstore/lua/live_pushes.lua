-- The site's pushes that have not expired by Redis's clock, oldest first.
--
-- KEYS[1] the site's pushes (sorted set: push → expires unix ms)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
