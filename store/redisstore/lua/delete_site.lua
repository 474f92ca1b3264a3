-- Deletes all of one site's data at once: the site, its widgets and its API
-- keys. Returns the API keys' JSON, so the caller can drop their global index
-- entries (which live in other slots), or false when the site does not exist.
-- All keys carry the site's hash tag, so Redis Cluster runs this on one node.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's widgets hash
-- KEYS[3] the site's API keys hash
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local keys = redis.call('HVALS', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return keys
