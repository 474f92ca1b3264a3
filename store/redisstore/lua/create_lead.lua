-- Stores a lead unless the site has one with its ID, in one step: of
-- concurrent creates of one ID exactly one stores. All keys carry the
-- site's hash tag.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's leads: hash of ID → lead JSON
-- KEYS[3] the leads' index entries: hash of ID → entry (see leads.go)
-- KEYS[4] the leads by creation: sorted set of "<created>:<id>", scored 0
-- KEYS[5] the leads by visitor: sorted set of "<visitor>\0<created>:<id>", scored 0
-- ARGV[1] ID, ARGV[2] lead JSON, ARGV[3] entry, ARGV[4] time member,
-- ARGV[5] visitor member
-- Returns {1} when stored, {0} when the site does not exist, {-1, json} with
-- the lead stored before under the ID.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then
  return {-1, existing}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[4], 0, ARGV[4])
redis.call('ZADD', KEYS[5], 0, ARGV[5])
return {1}
