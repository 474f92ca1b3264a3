-- Adds one entry (a widget or an API key) to a per-site hash, but only while
-- the site exists, so nothing is ever written under a deleted site.
-- Both keys carry the site's hash tag, so Redis Cluster runs this on one node.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's hash of entries (widgets or keys)
-- ARGV[1] entry ID, ARGV[2] entry JSON
-- Returns 1 when stored, 0 when the site does not exist, -1 when the ID is taken.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then
  return -1
end
return 1
