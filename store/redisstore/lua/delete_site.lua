-- Deletes all of one site's data at once: the site, its widgets, its API
-- keys, its callback requests, leads, quiz sessions and versions, tallies
-- and code pools with their indexes. Returns the API keys' JSON, so the caller
-- can drop their global index entries (which live in other slots), false
-- when the site does not exist, or -1 when a request was created since the
-- caller read the index: the caller reads it again.
-- Requests have a key each, and a script may only touch the keys it is
-- given, hence the caller names them.
-- All keys carry the site's hash tag, so Redis Cluster runs this on one node.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's widgets hash
-- KEYS[3] the site's API keys hash
-- KEYS[4] the site's requests by creation (sorted set)
-- KEYS[5] the site's phones hash
-- KEYS[6] the site's requests not yet enqueued (set)
-- KEYS[7] the site's countdown deadlines (hash)
-- KEYS[8] the site's countdown cycles started (hash)
-- KEYS[9] the site's social-proof events (hash)
-- KEYS[10] the site's social-proof events by time (sorted set)
-- KEYS[11] the site's social-proof notice counts (hash)
-- KEYS[12…26] the site's leads, quiz sessions, quiz versions, tallies and
-- code pools with their indexes (hashes and sorted sets: Store.siteDataKeys)
-- KEYS[27…] every request the index lists
-- ARGV the index's members as the caller read them, in order
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local members = redis.call('ZRANGE', KEYS[4], 0, -1)
if #members ~= #ARGV then
  return -1
end
for i, member in ipairs(members) do
  if member ~= ARGV[i] then
    return -1
  end
end
local keys = redis.call('HVALS', KEYS[3])
-- UNLINK: a big inbox is freed in the background, not in this step.
redis.call('UNLINK', unpack(KEYS))
return keys
