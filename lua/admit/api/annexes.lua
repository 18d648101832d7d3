--- admit.annexes([dir]) — the minimum-rate annexes of the decrees as datasets.
--
--   local set = admit.check(admit.annexes())     -- the embedded 2023 data (cached)
--   set.techno, set.pro, set.boursier             -- datasets (userdata admit.dataset)
--   #set.pro, set.pro[1], set.pro:rows(), set.pro:find{program = "cybersecurite"}
--   set.pro:min_rate("Lycée Louis Pasteur", "Gestion de la PME", "Somain")  --> 64
--   set.anomalies                                  -- rows of anomalies.csv (if present)
--
-- Datasets are C arrays of rows (src/annex.c); this file only assembles the set.
return function(admit)
  local lfs = require "lfs"

  local KINDS = { "techno", "pro", "boursier" }
  admit.annex_kinds = KINDS
  admit.annexes_default_dir = admit.data_dir .. "/2023-hauts-de-france"

  local function set_tostring(set)
    local parts = {}
    for _, kind in ipairs(KINDS) do
      parts[#parts + 1] = string.format("%s %d rows", kind, #set[kind])
    end
    return string.format("annex set (%s): %s", set.dir, table.concat(parts, ", "))
  end

  --- A read-only view of t: the default set is shared by every script and policy, so
  -- nobody may change it under the others' feet.
  local function readonly(t, what, tostring_fn)
    return setmetatable({}, {
      __index = t,
      __newindex = function(_, k)
        error(string.format("%s is read-only (cannot set '%s')", what, tostring(k)), 2)
      end,
      __len = function() return #t end,
      __pairs = function() return next, t, nil end,
      __tostring = tostring_fn,
    })
  end

  --- Is sandboxed code (a policy) calling? A sandboxed chunk's _ENV holds a read-only
  -- copy of admit, never the module itself (see api/sandbox.lua). admit.annexes is a C
  -- entry (core.annex_entry), so even a tail call leaves the caller's frame on the stack:
  -- levels are 1 this function, 2 load_checked, 3 the C entry, 4+ the callers. In a
  -- coroutine the resumer is out of sight: with no Lua caller there, refuse too.
  local function called_from_sandbox()
    local level, seen_lua = 4, false
    while true do
      local info = debug.getinfo(level, "fS")
      if not info then
        local _, is_main = coroutine.running()
        return not is_main and not seen_lua
      end
      if info.what ~= "C" then
        seen_lua = true
        local i = 1
        while true do
          local name, value = debug.getupvalue(info.func, i)
          if name == nil then break end
          if name == "_ENV" then
            if type(value) == "table" then
              local a = rawget(value, "admit")
              if a ~= nil and a ~= admit then return true end
            end
            break
          end
          i = i + 1
        end
      end
      level = level + 1
    end
  end

  --- The rows of dir/anomalies.csv ({} when there is none), or nil, message: a damaged
  -- file is an error like any other, never a silently empty list.
  local function read_anomalies(dir)
    local path = dir .. "/anomalies.csv"
    if not lfs.attributes(path, "mode") then return {} end
    local header, rows = admit.read_csv(path)
    if not header then return nil, rows end
    local list = {}
    for i, r in ipairs(rows) do
      list[i] = {
        anomaly = r.anomaly, annex = r.annex, academie = r.academie,
        establishment = r.establishment, commune = r.commune, program = r.program,
        min_pct = math.tointeger(tonumber(r.min_pct)), line = math.tointeger(tonumber(r.line)),
        detail = r.detail,
      }
      list[i] = readonly(list[i], "an anomaly")
    end
    return readonly(list, "the anomaly list")
  end

  local function load_set(dir)
    local mode = lfs.attributes(dir, "mode")
    if mode ~= "directory" then
      return nil, dir .. (mode and ": not a directory" or ": no such directory")
        .. " (expected the annex files iut-techno.csv, bts-pro.csv and sante-boursiers.csv in it)"
    end
    local set = { dir = dir }
    for _, kind in ipairs(KINDS) do
      local ds, err = admit.annex_load(dir .. "/" .. admit.annex_files[kind], kind)
      if not ds then return nil, err end
      set[kind] = ds
    end
    local anomalies, err = read_anomalies(dir)
    if not anomalies then return nil, err end
    set.anomalies = anomalies
    return readonly(set, "the annex set", set_tostring)
  end

  local default_set

  --- The annex set of dir (default: the embedded 2023 data, loaded once and shared).
  -- Returns the set, or nil and "file:line:col: what". A policy (sandboxed code) may
  -- use the embedded data but not name a directory: it must not read arbitrary paths.
  local function load_checked(dir)
    if dir ~= nil then
      -- error level 3: the caller of the C entry
      if type(dir) ~= "string" then
        error("admit.annexes: dir must be a string (a directory), got " .. type(dir), 3)
      end
      if called_from_sandbox() then
        error("admit.annexes: a policy cannot read a directory; call admit.annexes() "
          .. "for the embedded data", 3)
      end
      return load_set(dir)
    end
    if not default_set then
      local set, err = load_set(admit.annexes_default_dir)
      if not set then return nil, err end
      default_set = set
    end
    return default_set
  end
  admit.annexes = admit.annex_entry(load_checked)
end
