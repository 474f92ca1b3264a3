-- One stretch of ListReviews, like list_leads.lua: walks the site's
-- reviews from newest to oldest below a bound and returns the JSON of those
-- that match, up to a limit, looking at no more than a budget of them.
--
-- KEYS[1] reviews by creation (sorted set of "<created>:<id>"), or the
-- published ones of a widget ("<widget>\n<created>:<id>"), KEYS[2]
-- entries hash ("<widget>\n<status>\n<about>\n<rating>"), KEYS[3] reviews hash
-- ARGV[1] bound: "+" or "(<member>"; ARGV[2] widget or ""; ARGV[3] status
-- or ""; ARGV[4] about or ""; ARGV[5] least rating; ARGV[6] limit (0:
-- none); ARGV[7] budget; ARGV[8] the length of the members' prefix before
-- "<created>:<id>"; ARGV[9] the lowest member: "-" or "[<prefix>"
-- Returns {reviews' JSON, the member to go on from or ""}.
local bound, minr, limit, budget = ARGV[1], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local skip, lowest = tonumber(ARGV[8]), ARGV[9]
local found, seen = {}, 0
while true do
  local members = redis.call('ZREVRANGEBYLEX', KEYS[1], bound, lowest, 'LIMIT', 0, 100)
  if #members == 0 then
    return {found, ''}
  end
  for _, member in ipairs(members) do
    seen = seen + 1
    local id = string.sub(member, skip + 21)
    local entry = redis.call('HGET', KEYS[2], id)
    if entry then
      local w, st, ab, r = string.match(entry, '^([^\n]*)\n([^\n]*)\n([^\n]*)\n([0-9]+)$')
      if (ARGV[2] == '' or w == ARGV[2]) and (ARGV[3] == '' or st == ARGV[3]) and
         (ARGV[4] == '' or ab == ARGV[4]) and tonumber(r) >= minr then
        local rv = redis.call('HGET', KEYS[3], id)
        if rv then
          found[#found + 1] = rv
          if limit > 0 and #found >= limit then
            return {found, ''}
          end
        end
      end
    end
    if seen >= budget then
      return {found, member}
    end
    bound = '(' .. member
  end
end
