-- Records a visitor's exposure to an experiment's variant once, and counts
-- it in the same step. All keys carry the site's hash tag.
--
-- KEYS[1] the site's JSON string
-- KEYS[2] the site's tallies hash; the visitor's record is its field
--         "\0exp\0<experiment>\0<visitor>" (no tally name starts with NUL,
--         and the record is not in the index, so tally reads never see it)
-- KEYS[3] the tallies' index (sorted set of "<name>\0<field>")
-- ARGV[1] the visitor's record field
-- ARGV[2] the variant
-- ARGV[3] the count's field: "<tally name>\0<variant>:exposures"
-- Returns 1 for a first exposure, 0 for a repeated one, -1 when the site
-- does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('ZADD', KEYS[3], 0, ARGV[3])
return 1
