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
--     limits = { instructions = 1e6, memory = 20 },        -- per call; tighten only
--   }
--
-- What a policy's functions are given is read-only (candidates through strict views,
-- the formation and applicants through admit.sandbox.readonly; caps is a copy). A failing
-- function stops the run with "policy 'name' (file:line): ..." (admit.fail, status 1).
local fields = require "admit.fields"

return function(admit)
  -- The metatable and the methods are two tables: p.__index must not hand out the class
  -- (a policy writing into it would change every policy, trusted ones included).
  local Policy = {}
  local methods = {}
  Policy.__index = methods
  Policy.__name = "admit.policy"

  local FIELDS = { name = "string", establishment = "string", program = "string",
                   commune = "string", rank = "function", groups = "table|function",
                   rates = "table", description = "string", limits = "table" }
  local GROUP_KINDS = { "techno", "pro", "other" }

  local SANDBOX_HINT
  local check_limits
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

  --- The default limits of a policy loaded by name in the sandbox, for each call of its
  -- functions (rank: once per candidate) and for its file: a runaway loop is stopped after
  -- 10 million instructions (about a tenth of a second; a normal rank function uses a few
  -- hundred), a memory bomb after 100 MB; and, as a backstop for what instructions do not
  -- measure, any call past 5 s of CPU time ends the whole run (SCRIPTING.md §6).
  admit.POLICY_LIMITS = { instructions = 10000000, memory = 100, seconds = 5 }

  -- {instructions = N, memory = MB} checked: whole number / number > 0 (0 or false: none).
  -- Returns a fresh table (nil when no limit is left).
  check_limits = function(t, failf)
    local out, any = {}, false
    for k, v in pairs(t) do
      if k ~= "instructions" and k ~= "memory" and k ~= "seconds" then
        failf(string.format("limits: unknown limit '%s' (instructions, memory, seconds)", tostring(k)))
      end
      if v ~= false and v ~= 0 then
        if k == "instructions" and type(v) == "number" then v = math.tointeger(v) or v end  -- 1e7
        local ok = k == "instructions" and math.type(v) == "integer" and v > 0
          or k ~= "instructions" and type(v) == "number" and v > 0 and v < 1e9
        if not ok then
          failf(string.format("limits.%s must be %s, got %s", k, k == "instructions"
            and "a whole number of instructions > 0" or k == "memory" and "a number of MB > 0"
            or "a number of seconds > 0", tostring(v)))
        end
        out[k] = v
        any = true
      end
    end
    return any and out or nil
  end

  -- nil when the rate is fine, else the message (admit.policy raises it at its caller's line)
  local function rate_problem(v, what)
    if v ~= nil and (math.type(v) ~= "integer" or v < 0 or v > 100) then
      return string.format("rates.%s must be an integer from 0 to 100, got %s", what, tostring(v))
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
    local bad_rate = rate_problem(rates.boursier, "boursier") or rate_problem(rates.resident, "resident")
    if bad_rate then fail(bad_rate) end
    local limits = spec.limits and check_limits(spec.limits, function(m) error("admit.policy: " .. m, 4) end)
    local p = {}
    for k, v in pairs(spec) do p[k] = v end
    p.rates = { boursier = rates.boursier, resident = rates.resident }
    p.limits = limits
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
  function methods:matches(f)
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

  -- ---------------------------------------------------------- calling a policy's code

  -- Where a policy's function is written ("file:line"): a sandboxed function is called
  -- through a wrapper (admit.sandbox.limited), its own definition is what the officer knows.
  local function where(fn)
    local sandbox = admit.sandbox
    local inner = sandbox and sandbox.limited_of(fn)
    local info = debug.getinfo(inner or fn, "S")
    if not info or info.what ~= "Lua" then return nil end
    local src = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
    return src .. ":" .. info.linedefined
  end

  -- admit's own Lua files: a stop or an error may land in them (a candidate's view is read
  -- by admit's code); the officer is shown the policy's lines, not admit's.
  local function strip_internal(msg)
    local src, rest = msg:match("^(.-):%d+: (.*)$")
    if src and src:match("admit/api/[%w_]+%.lua$") then  -- (a long path is cut: "...")
      return rest
    end
    return msg
  end

  -- scope: who the limits are for ("each call of a policy's function" by default)
  local function limit_hint(msg, scope)
    scope = scope or "each call of a policy's function"
    if msg:find("instruction limit reached", 1, true) then
      return msg .. "\n(a loop that never ends? " .. scope .. " may run a"
        .. " limited number of instructions: see SCRIPTING.md §6)"
    elseif msg:find("not enough memory", 1, true) then
      return msg .. "\n(a table or a text that keeps growing? " .. scope
        .. " may hold a limited amount of memory: see SCRIPTING.md §6)"
    end
    return msg
  end

  local function error_text(e)
    if type(e) == "table" and type(rawget(e, "message")) == "string" then return e.message end
    if type(e) == "string" then return e end
    return "(error object is a " .. type(e) .. " value)"
  end

  -- Calls fn(...) (a function of the policy) under the policy's own limits; on any error,
  -- stops with "policy 'name' (file:line): <what> failed...: <message>" as an admit error
  -- of status 1 (no traceback of admit's functions).
  -- `what` is a format for one value, `about` (made only on an error).
  local function call_policy(self, fn, what, about, ...)
    local ok, r
    if self.limits then
      ok, r = pcall(admit.sandbox.run, fn, self.limits, ...)
    else
      ok, r = pcall(fn, ...)
    end
    if ok then return r end
    local loc = where(fn)
    admit.fail(string.format("policy '%s'%s: %s: %s", self.name or "?",
      loc and (" (" .. loc .. ")") or "", string.format(what, about),
      hint(limit_hint(strip_internal(error_text(r))))), 1)
  end

  local function policy_error(self, fn, fmt, ...)
    local loc = where(fn)
    admit.fail(string.format("policy '%s'%s: ", self.name or "?", loc and (" (" .. loc .. ")") or "")
      .. string.format(fmt, ...), 1)
  end

  --- p:classement(f, applicants) -> a new list, best first: score (p.rank) descending, then
  -- id ascending. Without a rank function, the applicants' own `rank` field (ascending).
  -- The rank function sees each candidate through a read-only, strict view: reading a
  -- column no candidate has is an error naming it (a typo such as c.mahts would otherwise
  -- score 0 silently); an empty cell of a real column is nil. The view has no raw key (next,
  -- rawget, rawset, setmetatable reach nothing): the rows stay the host's.
  local function strict_views(applicants)
    local known = {}
    for _, c in ipairs(applicants) do
      for k in pairs(c) do known[k] = true end
    end
    local names
    local function missing(k)
      if known[k] then return nil end
      if not names then
        names = {}
        for n in pairs(known) do names[#names + 1] = tostring(n) end
        table.sort(names)
      end
      return string.format("unknown column '%s'%s (the candidates have: %s)", tostring(k),
                           fields.did_you_mean(k, names), table.concat(names, ", "))
    end
    local views = {}
    for i, c in ipairs(applicants) do
      views[i] = admit.sandbox.readonly(c, "candidate", missing)
    end
    return views
  end

  --- p:scorer() -> a score function for c:rank(...): p.rank under the policy's own limits,
  -- its errors reported as in p:classement (the rows c:rank gives are fresh copies).
  function methods:scorer()
    local rank = self.rank
    return function(row)
      local s = call_policy(self, rank, "the rank function failed for candidate '%s'", row.id, row)
      if type(s) ~= "number" or s ~= s then
        policy_error(self, rank, "the rank function returned %s for candidate '%s'"
                     .. " (it must return a number, higher = better)", s ~= s and "NaN" or type(s), tostring(row.id))
      end
      return s
    end
  end

  function methods:classement(_formation, applicants)
    local scored = {}
    local views = self.rank and strict_views(applicants)
    for i, c in ipairs(applicants) do
      local s
      if self.rank then
        s = call_policy(self, self.rank, "the rank function failed for candidate '%s'",
                        tostring(c.id), views[i])
        if type(s) ~= "number" or s ~= s then
          policy_error(self, self.rank, "the rank function returned %s for candidate '%s'"
                       .. " (it must return a number, higher = better)", s ~= s and "NaN" or type(s), tostring(c.id))
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
  -- own table (never more seats in total than caps). The function gets a fresh copy of caps
  -- (its own to change and return) and read-only views of f and applicants.
  function methods:capacities(f, caps, applicants)
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
      local readonly = admit.sandbox.readonly
      local r = call_policy(self, g, "the groups function failed%s", "", readonly(f or {}, "formation"),
                            copy, readonly(applicants or {}, "applicants"))
      if type(r) ~= "table" then
        policy_error(self, g, "groups must return a table {techno=, pro=, other=}, got %s", type(r))
      end
      local sum = 0
      for _, k in ipairs(GROUP_KINDS) do
        local v = rawget(r, k) or 0
        if math.type(v) ~= "integer" or v < 0 then
          policy_error(self, g, "groups gave %s = %s: seats must be whole numbers >= 0", k, tostring(v))
        end
        out[k] = v
        sum = sum + v
      end
      if sum > total then
        policy_error(self, g, "groups gave %d seats, the formation has %d", sum, total)
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

  -- ------------------------------------------------------------ loading by name

  -- The loader's limits: opts.instructions / opts.memory, else the defaults (sandboxed
  -- only: a trusted policy runs without limits unless given some).
  local function loader_limits(opts)
    local asked = { instructions = opts.instructions, memory = opts.memory, seconds = opts.seconds }
    if not opts.trusted then
      for k, v in pairs(admit.POLICY_LIMITS) do
        if asked[k] == nil then asked[k] = v end
      end
    end
    return check_limits(asked, function(msg) admit.fail("load_policy: " .. msg) end)
  end

  -- A plain copy of a table the policy file made (raw reads: no metamethod of it runs).
  local function plain_copy(t)
    if type(t) ~= "table" then return t end
    local c = {}
    for k, v in next, t do
      if type(v) ~= "table" then c[k] = v end
    end
    return c
  end

  -- The host's own copy of a policy the file returned: the file keeps no reference to it
  -- (changing its policy later, from a rank function, changes nothing here), and each
  -- function runs under the loader's limits (a function put in the policy after
  -- admit.policy{} wrapped it is wrapped now).
  local function take_back(p, limits)
    local spec = {}
    for k in pairs(FIELDS) do spec[k] = plain_copy(rawget(p, k)) end
    spec.limits = plain_copy(rawget(p, "limits"))
    for _, k in ipairs { "rank", "groups" } do
      local fn = spec[k]
      if type(fn) == "function" and limits then
        local _, wrapped_with = admit.sandbox.limited_of(fn)
        if wrapped_with ~= limits then spec[k] = admit.sandbox.limited(fn, limits) end
      end
    end
    return admit.policy(spec)
  end

  local LOAD_OPTIONS = { trusted = true, dir = true, instructions = true, memory = true, seconds = true }

  --- admit.load_policy(name [, {trusted =, dir =, instructions =, memory =}]) -> policy (or
  -- a list of them). Reads <dir or scripts/policies>/<name>.lua in the sandbox
  -- (admit.sandbox.policy_file) under limits (admit.POLICY_LIMITS unless given), which
  -- hold again on every call of its functions; trusted = true: the full library, and no
  -- limit unless given. A policy's own `limits` can only tighten these.
  function admit.load_policy(name, opts)
    opts = opts or {}
    if type(opts) ~= "table" then admit.fail("load_policy: options must be a table") end
    for k in pairs(opts) do
      if not LOAD_OPTIONS[k] then
        admit.fail(string.format("load_policy: unknown option '%s' (trusted, dir, instructions, memory, seconds)",
                                 tostring(k)))
      end
    end
    if type(name) ~= "string" or not name:match("^[%w_%-%.]+$") or name:find("..", 1, true) then
      admit.fail(string.format("load_policy: '%s' is not a policy name (letters, digits, - and _;"
                               .. " the file is scripts/policies/NAME.lua)", tostring(name)))
    end
    name = name:gsub("%.lua$", "")
    local limits = loader_limits(opts)
    local dir = opts.dir or (admit.scripts_dir .. "/policies")
    local path = dir .. "/" .. name .. ".lua"
    -- whether it exists, without opening it: a FIFO can be read only once (admit.read_input)
    if not require("lfs").attributes(path, "mode") then
      admit.fail(string.format("load_policy: no policy '%s' (%s not found)", name, path))
    end
    local ok, result
    if opts.trusted then
      local source, err = admit.read_input(path)   -- read once, within the bound on inputs
      local chunk
      if source and source:sub(1, 1) == "#" then source = "--" .. source end   -- a #! line, as loadfile
      if source then chunk, err = load(source, "@" .. path, "t") end
      if not chunk then admit.fail(string.format("load_policy '%s': %s", name, tostring(err))) end
      if limits then
        ok, result = pcall(admit.sandbox.run, chunk, limits)
      else
        ok, result = pcall(chunk)
      end
    else
      ok, result = pcall(admit.sandbox.policy_file, path, limits)
    end
    if not ok then
      local msg = strip_internal(error_text(result))
      -- a stop is the run's failure (status 1); anything else is the file's (input, 2)
      local stopped = msg:find("instruction limit reached", 1, true) or msg:find("not enough memory", 1, true)
      msg = limit_hint(msg, "a policy file, while it runs,")
      if not opts.trusted then msg = hint(msg) end
      -- the file is named, when the message does not say where already
      local named = msg:find(path, 1, true) and "" or (" (" .. path .. ")")
      admit.fail(string.format("load_policy '%s'%s: %s", name, named, msg), stopped and 1 or 2)
    end
    local list = admit.is_policy(result) and { result } or result
    if type(list) ~= "table" or getmetatable(list) ~= nil or #list == 0 then
      admit.fail(string.format("load_policy '%s': %s must return admit.policy{...} or a list of them",
                               name, path))
    end
    local taken = {}
    for i = 1, #list do
      local p = rawget(list, i)
      if not admit.is_policy(p) then
        admit.fail(string.format("load_policy '%s': item %d of the returned list is not an admit.policy", name, i))
      end
      local good, q = pcall(take_back, p, limits)
      if not good then admit.fail(string.format("load_policy '%s': %s", name, error_text(q))) end
      q.name = q.name or (#list == 1 and name or (name .. "#" .. i))
      q.file = path
      taken[i] = q
    end
    return admit.is_policy(result) and taken[1] or taken
  end
end
