--- admit.formation — one formation (establishment, programme, capacité) with its minimum
-- rates, its ranking groups and their ordres d'appel (docs/ordre-appel.md §7):
-- the techno (IUT) and pro (BTS) minimums reserve ⌈m·C/100⌉ seats in a group ranked among
-- those bacheliers; everyone else competes for the rest; each group gets its own call
-- order with the formation's boursier rate.
--
--   local f = admit.formation{ establishment = "IUT de Lille", program = "informatique",
--                              capacity = 30, min_techno = 50, min_boursier = 10 }
--   local groups = f:call_orders(candidates)      -- or a ranking
--   print(groups.techno.capacity, groups.techno.call_order[1].id)
local fields = require "admit.fields"

return function(admit)
  local Formation = {}
  Formation.__index = Formation
  Formation.__name = "admit.formation"

  local FIELDS = { establishment = "string", program = "string", commune = "string",
                   academie = "string", capacity = "number", min_techno = "number",
                   min_pro = "number", min_boursier = "number", min_resident = "number",
                   policy = "table", rank = "function|table", annexes = "table" }
  -- which annex each minimum comes from (contract of issue 3: admit.annexes())
  local ANNEX_OF = { min_techno = "techno", min_pro = "pro", min_boursier = "boursier" }

  -- level: 3 is the script's line when fail is called from admit.formation itself
  local function fail(msg, level) error("admit.formation: " .. msg, level or 3) end

  local function pct(v, field)
    if math.type(v) ~= "integer" or v < 0 or v > 100 then
      fail(string.format("%s must be an integer percentage from 0 to 100, got %s", field, tostring(v)), 4)
    end
    return v
  end

  -- The annex set, loaded once per session (it is the same embedded data every time).
  local annex_cache
  local function annex_set(spec)
    if spec.annexes then return spec.annexes end
    if not admit.annexes then return nil, "annexes not available in this build" end
    if annex_cache == nil then
      local ok, set, err = pcall(admit.annexes)
      if not ok or not set then
        return nil, "annexes could not be loaded: " .. tostring(ok and err or set)
      end
      annex_cache = set
    end
    return annex_cache
  end

  --- The minimum rate of the formation in annex `kind`, or nil and why not. Uses the
  -- annex dataset's min_rate(establishment, program [, commune]) (issue 3's contract),
  -- or its find{...} for a set without it.
  local function annex_rate(spec, kind)
    local set, why = annex_set(spec)
    if not set then return nil, why end
    local ds = set[kind]
    if not ds then return nil, "no " .. kind .. " annex" end
    if not spec.establishment or not spec.program then
      return nil, "no establishment and program to look up in the " .. kind .. " annex"
    end
    local ok, v, reason = pcall(function()
      if ds.min_rate then
        return ds:min_rate(spec.establishment, spec.program, spec.commune)
      end
      local row = ds:find { establishment = spec.establishment, program = spec.program,
                            commune = spec.commune }
      if type(row) ~= "table" and type(row) ~= "userdata" then return nil end
      if row.min_pct == nil then row = row[1] end
      return row and row.min_pct
    end)
    if not ok then
      error(string.format("admit.formation: looking up %s / %s in the %s annex failed: %s",
                          spec.establishment, spec.program, kind, tostring(v)), 3)
    end
    if v == nil then
      return nil, "not in the " .. kind .. " annex" .. (reason and (": " .. tostring(reason)) or "")
    end
    return math.tointeger(tonumber(v)) or v
  end

  --- admit.formation{establishment=, program=, commune=, capacity=, min_techno=, min_pro=,
  -- min_boursier=, min_resident=, policy=, rank=} -> formation. A minimum left out is
  -- taken from the annexes (admit.annexes), or 0 when the formation is not listed there;
  -- f.rate_source tells where each came from. min_resident is never in an annex (0).
  function admit.formation(spec)
    if type(spec) ~= "table" then fail("expected a table {establishment=, program=, capacity=, ...}") end
    local known, problem = fields.check(spec, FIELDS)
    if not known then fail(problem) end
    if math.type(spec.capacity) ~= "integer" or spec.capacity < 0 then
      fail("capacity must be a whole number of seats >= 0, got " .. tostring(spec.capacity))
    end
    if spec.policy and not admit.is_policy(spec.policy) then fail("policy must be an admit.policy") end
    local f = setmetatable({
      establishment = spec.establishment, program = spec.program, commune = spec.commune,
      academie = spec.academie, capacity = spec.capacity, policy = spec.policy,
      rank = spec.rank, rate_source = {},
    }, Formation)
    for _, field in ipairs { "min_techno", "min_pro", "min_boursier", "min_resident" } do
      if spec[field] ~= nil then
        f[field] = pct(spec[field], field)
        f.rate_source[field] = "explicit"
      elseif ANNEX_OF[field] then
        local v, why = annex_rate(spec, ANNEX_OF[field])
        if v ~= nil then
          f[field] = pct(v, field .. " (from the " .. ANNEX_OF[field] .. " annex)")
          f.rate_source[field] = "annex"
        else
          f[field] = 0
          f.rate_source[field] = why
        end
      else
        f[field] = 0
        f.rate_source[field] = "default"
      end
    end
    f.groups = admit.groups_split(f.capacity, f.min_techno, f.min_pro)
    return f
  end

  function Formation:__tostring()
    local g = self.groups
    return string.format("admit.formation %s / %s%s: %d seats (techno %d, pro %d, other %d);"
                         .. " minimums techno %d%%, pro %d%%, boursiers %d%%, résidents %d%%",
                         self.establishment or "?", self.program or "?",
                         self.commune and (" (" .. self.commune .. ")") or "", self.capacity,
                         g.techno, g.pro, g.other, self.min_techno, self.min_pro,
                         self.min_boursier, self.min_resident)
  end

  local function type_name(v)
    local mt = getmetatable(v)
    return type(mt) == "table" and mt.__name or type(v)
  end

  --- f:ranking(candidates) -> the classement pédagogique: by the policy's rank function,
  -- else the formation's rank (a score function or a c:rank spec), else the candidates'
  -- own `rank` column.
  function Formation:ranking(c)
    if self.policy and self.policy.rank then return c:rank(self.policy:scorer()) end
    if self.rank then return c:rank(self.rank) end
    for _, name in ipairs(c:columns()) do
      if name == "rank" then return c:rank { by = "rank" } end
    end
    error("formation: no way to rank these candidates: give a ranking, a policy with a rank"
          .. " function, rank = ... in the formation, or a 'rank' column", 2)
  end

  local GroupSet = {}
  GroupSet.__index = GroupSet
  GroupSet.__name = "admit.formation.groups"
  function GroupSet:__tostring()
    local lines = {}
    for _, g in ipairs(self.list) do
      lines[#lines + 1] = string.format("%-6s %3d seats, %d candidates, boursiers >= %d%%",
                                        g.name, g.capacity, #g.ranking, g.call_order.min_boursiers)
    end
    return table.concat(lines, "\n")
  end

  --- f:call_orders(candidates | ranking) -> groups: groups.techno / .pro / .other (present
  -- when the formation has them) and groups.list in that order; each group is
  -- {name=, capacity=, ranking=, call_order=}. Capacities are the policy's when it has
  -- group rules; rates are the formation's (the policy's rates override them).
  function Formation:call_orders(x)
    local kind = type_name(x)
    local ranking
    if kind == "admit.ranking" then ranking = x
    elseif kind == "admit.candidates" then ranking = self:ranking(x)
    else error("call_orders: expected candidates or a ranking, got " .. kind, 2) end
    local caps = { techno = self.groups.techno, pro = self.groups.pro, other = self.groups.other }
    local rates = { boursier = self.min_boursier, resident = self.min_resident }
    local p = self.policy
    if p then
      if p.groups then
        local applicants = {}
        for i, row in ranking:rows() do applicants[i] = row end
        caps = p:capacities(self, caps, applicants)
      end
      rates.boursier = p.rates.boursier or rates.boursier
      rates.resident = p.rates.resident or rates.resident
    end
    local others = { "general" }
    if self.min_techno == 0 then others[#others + 1] = "techno" end
    if self.min_pro == 0 then others[#others + 1] = "pro" end
    local out = setmetatable({ list = {} }, GroupSet)
    local function add(name, sub)
      local co = assert(admit.call_order(sub, rates))
      local g = { name = name, capacity = caps[name], ranking = sub, call_order = co }
      out[name] = g
      out.list[#out.list + 1] = g
    end
    if self.min_techno > 0 then add("techno", ranking:bac("techno")) end
    if self.min_pro > 0 then add("pro", ranking:bac("pro")) end
    add("other", ranking:bac(table.unpack(others)))
    return out
  end
end
