-- One stretch of ListLeads: walks the site's leads from newest to oldest,
-- below a bound, and returns the JSON of those whose type and status match,
-- up to a limit. It looks at no more than a budget of leads, so that a
-- filter that matches few leads of a big inbox does not hold Redis for
-- long: the caller goes on from where it stopped.
--
-- KEYS[1] the leads by creation (sorted set of "<created>:<id>", created in
-- 19 digits), KEYS[2] the index entries hash, KEYS[3] the leads hash
-- ARGV[1] the bound: "+" or "(<created>:<id>"; ARGV[2] type or "";
-- ARGV[3] status or ""; ARGV[4] limit (0: none); ARGV[5] budget
-- Returns {leads' JSON, the member to go on from, or "" when the walk ended
-- or the limit was reached}.
local bound, limit, budget = ARGV[1], tonumber(ARGV[4]), tonumber(ARGV[5])
local found, seen = {}, 0
while true do
  local members = redis.call('ZREVRANGEBYLEX', KEYS[1], bound, '-', 'LIMIT', 0, 100)
  if #members == 0 then
    return {found, ''}
  end
  for _, member in ipairs(members) do
    seen = seen + 1
    local id = string.sub(member, 21)
    local entry = redis.call('HGET', KEYS[2], id)
    if entry then
      local typ, status = string.match(entry, '^([^\n]*)\n([^\n]*)\n')
      if (ARGV[2] == '' or typ == ARGV[2]) and (ARGV[3] == '' or status == ARGV[3]) then
        local lead = redis.call('HGET', KEYS[3], id)
        if lead then
          found[#found + 1] = lead
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
