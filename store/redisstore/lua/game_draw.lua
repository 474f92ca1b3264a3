-- One draw of a game's campaign in one step (store.Games.GameDraw): the draw
-- one of the player's keys already has, or a new one picked by weight among
-- the prizes, with the prize's stock checked and its given count raised in
-- the same step. Redis runs one script at a time, so however many draws
-- race, no prize is given beyond its stock and no key draws twice.
-- All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string (the site must exist)
-- KEYS[2] the site's game draws: hash "<widget>\0<campaign>\0<key>" → result JSON
-- KEYS[3] the site's game counts: hash "<widget>\0<campaign>\0n\0<prize>" → given,
--         "<widget>\0<campaign>\0d" → draws
-- ARGV[1] "<widget>\0<campaign>\0"
-- ARGV[2] the new draw's ID, ARGV[3] its time (RFC 3339)
-- ARGV[4] the roll: the random number mod the total weight, -1 for none
-- ARGV[5] n, the number of keys; ARGV[6 … 5+n] the keys
-- then per prize in order: ID, weight, stock (-1: unlimited)
-- Returns {0} when the site does not exist, {1, json} for the draw a key
-- had, {2, json} for a new draw.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
local prefix = ARGV[1]
local n = tonumber(ARGV[5])
local keys = {}
for i = 1, n do
  keys[i] = ARGV[5 + i]
end

local function record(json)
  for _, k in ipairs(keys) do
    redis.call('HSETNX', KEYS[2], prefix .. k, json)
  end
end

for _, k in ipairs(keys) do
  local had = redis.call('HGET', KEYS[2], prefix .. k)
  if had then
    -- A key the player brings for the first time joins the draw it has.
    record(had)
    return {1, had}
  end
end

local roll = tonumber(ARGV[4])
local won = nil
local i = 6 + n
while roll >= 0 and i + 2 <= #ARGV do
  local id, weight, stock = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  if roll < weight then
    local given = tonumber(redis.call('HGET', KEYS[3], prefix .. 'n\0' .. id) or '0')
    -- A prize with no stock left keeps its range, which gives nothing.
    if stock < 0 or given < stock then
      won = id
    end
    break
  end
  roll = roll - weight
  i = i + 3
end

local result = {id = ARGV[2], at = ARGV[3]}
if won then
  result.prize_id = won
  redis.call('HINCRBY', KEYS[3], prefix .. 'n\0' .. won, 1)
end
redis.call('HINCRBY', KEYS[3], prefix .. 'd', 1)
local json = cjson.encode(result)
record(json)
return {2, json}
