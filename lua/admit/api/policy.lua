--- admit.policy — a formation's own rules, written by an officer in Lua: which
-- formations it applies to, how to score candidates (the classement pédagogique), and how
-- the reserved seats of the techno / pro groups are used. Policies live in
-- scripts/policies/<name>.lua and are loaded in the sandbox by admit.load_policy(name).
--
--   local p = admit.policy{
--     name = "iut-lille-info",
--     establishment = "Lille", program = "informatique",   -- folded substrings
--     rank = function(c) return c.maths * 2 + c.french end, -- higher = better
--     groups = { unused_to_other = true },                 -- or function(f, caps, applicants)
--     rates = { boursier = nil, resident = nil },          -- overrides of the formation's
--   }
local fields = require "admit.fields"

return function(admit)
  local Policy = {}
  Policy.__index = Policy
  Policy.__name = "admit.policy"

  local FIELDS = { name = "string", establishment = "string", program = "string",
                   commune = "string", rank = "function", groups = "table|function",
                   rates = "table", description = "string" }
  local GROUP_KINDS = { "techno", "pro", "other" }

  local SANDBOX_HINT
  local function hint(msg)
    if msg:find("undefined global", 1, true) or msg:find("a nil value (field", 1, true) then
      return msg .. "\n(" .. SANDBOX_HINT .. ")"
    end
    return msg
  end

  SANDBOX_HINT = "a misspelt name? or something policies cannot use: policies run in the "
    .. "sandbox, with no files, no programs, no network "
    .. "(io, os.execute, require are not available); only math, string, table, os.time/date "
    .. "and admit's pure functions"

  local function fail(msg) error("admit.policy: " .. msg, 3) end

  local function check_rate(v, what)
    if v ~= nil and (math.type(v) ~= "integer" or v < 0 or v > 100) then
      fail(string.format("rates.%s must be an integer from 0 to 100, got %s", what, tostring(v)))
    end
  end

  --- admit.policy{...} -> policy (checks every field; an unknown one is an error naming it)
  function admit.policy(spec)
    if type(spec) ~= "table" then fail("expected a table {establishment=, program=, rank=, ...}") end
    local known, problem = fields.check(spec, FIELDS)
    if not known then fail(problem) end
    if type(spec.groups) == "table" then
      for k in pairs(spec.groups) do
        if k ~= "unused_to_other" then
          fail(string.format("groups: unknown option '%s' (only unused_to_other, or a function)", tostring(k)))
        end
      end
    end
    local rates = spec.rates or {}
    for k in pairs(rates) do
      if k ~= "boursier" and k ~= "resident" then
        fail(string.format("rates: unknown rate '%s' (boursier, resident)", tostring(k)))
      end
    end
    check_rate(rates.boursier, "boursier")
    check_rate(rates.resident, "resident")
    local p = {}
    for k, v in pairs(spec) do p[k] = v end
    p.rates = { boursier = rates.boursier, resident = rates.resident }
    return setmetatable(p, Policy)
  end

  function admit.is_policy(v) return getmetatable(v) == Policy end

  function Policy:__tostring()
    local where = {}
    for _, k in ipairs { "establishment", "program", "commune" } do
      if self[k] then where[#where + 1] = k .. " ~ '" .. self[k] .. "'" end
    end
    return string.format("admit.policy '%s' (%s)", self.name or "?",
                         #where > 0 and table.concat(where, ", ") or "every formation")
  end

  --- p:matches(f) -> true when each of the policy's establishment / program / commune is
  -- found, case- and accent-insensitively, inside the formation's.
  function Policy:matches(f)
    for _, k in ipairs { "establishment", "program", "commune" } do
      local want = self[k]
      if want then
        local have = f[k]
        if type(have) ~= "string" then return false end
        if not admit.fold(have):find(admit.fold(want), 1, true) then return false end
      end
    end
    return true
  end

  -- Ids compare numerically when both are whole numbers, else as text (as in C).
  local function id_before(a, b)
    local x, y = tostring(a), tostring(b)
    if x:match("^%d+$") and y:match("^%d+$") and #x <= 18 and #y <= 18 then
      local nx, ny = math.tointeger(tonumber(x)), math.tointeger(tonumber(y))
      if nx ~= ny then return nx < ny end
    end
    return x < y
  end
  admit.id_before = id_before

  --- p:classement(f, applicants) -> a new list, best first: score (p.rank) descending, then
  -- id ascending. Without a rank function, the applicants' own `rank` field (ascending).
  -- The rank function sees each candidate through a strict view: reading a column no
  -- candidate has is an error naming it (a typo such as c.mahts would otherwise score 0
  -- silently); an empty cell of a real column is nil.
  local function strict_views(applicants)
    local known = {}
    for _, c in ipairs(applicants) do
      for k in pairs(c) do known[k] = true end
    end
    local names
    local ROW = {}  -- private key: the row behind a view
    local mt = {
      __index = function(view, k)
        local v = rawget(view, ROW)[k]
        if v == nil and not known[k] then
          if not names then
            names = {}
            for n in pairs(known) do names[#names + 1] = tostring(n) end
            table.sort(names)
          end
          error(string.format("unknown column '%s' (the candidates have: %s)", tostring(k),
                              table.concat(names, ", ")), 2)
        end
        return v
      end,
      __newindex = function() error("a candidate is read-only in a rank function", 2) end,
      __pairs = function(view) return next, rawget(view, ROW), nil end,
    }
    local views = {}
    for i, c in ipairs(applicants) do
      local view = setmetatable({}, mt)
      rawset(view, ROW, c)
      views[i] = view
    end
    return views
  end

  function Policy:classement(f, applicants)
    local scored = {}
    local views = self.rank and strict_views(applicants)
    for i, c in ipairs(applicants) do
      local s
      if self.rank then
        local ok, v = pcall(self.rank, views[i])
        if not ok then
          error(string.format("policy '%s': the rank function failed for candidate '%s': %s",
                              self.name or "?", tostring(c.id), hint(tostring(v))), 2)
        end
        s = v
        if type(s) ~= "number" or s ~= s then
          error(string.format("policy '%s': the rank function returned %s for candidate '%s'"
                              .. " (it must return a number, higher = better)",
                              self.name or "?", type(s), tostring(c.id)), 2)
        end
      else
        if math.type(c.rank) ~= "integer" then
          error(string.format("policy '%s' has no rank function and candidate '%s' has no rank",
                              self.name or "?", tostring(c.id)), 2)
        end
        s = -c.rank
      end
      scored[i] = { s = s, c = c }
    end
    table.sort(scored, function(a, b)
      if a.s ~= b.s then return a.s > b.s end
      return id_before(a.c.id, b.c.id)
    end)
    local out = {}
    for i, e in ipairs(scored) do out[i] = e.c end
    return out
  end

  local function bac_of(c)
    local b = c.bac and admit.fold(tostring(c.bac)) or "general"
    if b == "techno" or b == "technologique" then return "techno" end
    if b == "pro" or b == "professionnel" then return "pro" end
    return "general"
  end
  admit.bac_of = bac_of

  --- p:capacities(f, caps, applicants) -> {techno=, pro=, other=}: the seats the policy
  -- decides. groups = {unused_to_other = true} gives the reserved seats the group's
  -- applicants cannot fill to the other group; a function(f, caps, applicants) returns its
  -- own table (never more seats in total than caps).
  function Policy:capacities(f, caps, applicants)
    local out = {}
    local total = 0
    for _, k in ipairs(GROUP_KINDS) do
      out[k] = caps[k] or 0
      total = total + out[k]
    end
    local g = self.groups
    if g == nil then return out end
    if type(g) == "function" then
      local copy = {}
      for k, v in pairs(out) do copy[k] = v end
      local r = g(f, copy, applicants)
      if type(r) ~= "table" then
        error(string.format("policy '%s': groups must return a table {techno=, pro=, other=}, got %s",
                            self.name or "?", type(r)), 2)
      end
      local sum = 0
      for _, k in ipairs(GROUP_KINDS) do
        local v = r[k] or 0
        if math.type(v) ~= "integer" or v < 0 then
          error(string.format("policy '%s': groups gave %s = %s: seats must be whole numbers >= 0",
                              self.name or "?", k, tostring(v)), 2)
        end
        out[k] = v
        sum = sum + v
      end
      if sum > total then
        error(string.format("policy '%s': groups gave %d seats, the formation has %d",
                            self.name or "?", sum, total), 2)
      end
      return out
    end
    if g.unused_to_other then
      local count = { techno = 0, pro = 0 }
      for _, c in ipairs(applicants or {}) do
        local b = bac_of(c)
        if count[b] then count[b] = count[b] + 1 end
      end
      for _, k in ipairs { "techno", "pro" } do
        if out[k] > count[k] then
          out.other = out.other + out[k] - count[k]
          out[k] = count[k]
        end
      end
    end
    return out
  end

  --- admit.load_policy(name [, {trusted = true, dir = path}]) -> policy (or a list of them).
  -- Reads <dir or scripts/policies>/<name>.lua in the sandbox (unless trusted).
  function admit.load_policy(name, opts)
    opts = opts or {}
    if type(name) ~= "string" or not name:match("^[%w_%-%.]+$") or name:find("..", 1, true) then
      admit.fail(string.format("load_policy: '%s' is not a policy name (letters, digits, - and _;"
                               .. " the file is scripts/policies/NAME.lua)", tostring(name)))
    end
    name = name:gsub("%.lua$", "")
    local dir = opts.dir or (admit.scripts_dir .. "/policies")
    local path = dir .. "/" .. name .. ".lua"
    local f = io.open(path, "rb")
    if not f then
      admit.fail(string.format("load_policy: no policy '%s' (%s not found)", name, path))
    end
    f:close()
    local chunk, err
    if opts.trusted then
      chunk, err = loadfile(path, "t")
    else
      local ok, fn = pcall(admit.sandbox.loadfile, path)
      chunk, err = ok and fn or nil, not ok and fn or nil
    end
    if not chunk then admit.fail(string.format("load_policy '%s': %s", name, tostring(err))) end
    local ok, result = pcall(chunk)
    if not ok then
      local msg = tostring(type(result) == "table" and result.message or result)
      if not opts.trusted then msg = hint(msg) end
      admit.fail(string.format("load_policy '%s': %s", name, msg))
    end
    local list = admit.is_policy(result) and { result } or result
    if type(list) ~= "table" or #list == 0 then
      admit.fail(string.format("load_policy '%s': %s must return admit.policy{...} or a list of them",
                               name, path))
    end
    for i, p in ipairs(list) do
      if not admit.is_policy(p) then
        admit.fail(string.format("load_policy '%s': item %d of the returned list is not an admit.policy", name, i))
      end
      p.name = p.name or (#list == 1 and name or (name .. "#" .. i))
      p.file = path
    end
    return admit.is_policy(result) and list[1] or list
  end
end
