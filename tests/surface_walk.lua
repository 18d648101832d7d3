--- The sandbox's surface, walked: everything a sandboxed script can call, found the way
-- the script could find it (reading fields, pairs, the sandbox's getmetatable, indexing
-- admit's objects by any name admit uses, calling admit's functions and methods), as
-- {kind -> {name -> true}}. Used by tests/12-sandbox-surface_spec.lua, which compares it
-- with the list in SCRIPTING.md §6. Trusted code: it uses debug to name what it finds,
-- never to reach further than the script could.
local walk = {}

local LIBS = { "string", "table", "math", "utf8", "coroutine", "os" }
local METAMETHODS = { "__index", "__newindex", "__gc", "__close", "__call", "__len",
  "__tostring", "__name", "__pairs", "__metatable", "__mode", "__eq", "__lt", "__le",
  "__concat", "__add", "__fields" }

--- Every name admit's code could answer to: the host's libraries and admit's module,
-- every method and field of every class in the registry, metamethods, and the names of
-- writing functions (so that a method of that name would be found wherever it is).
function walk.known_keys()
  local keys, list = {}, {}
  local function add(k) if type(k) == "string" and not keys[k] then keys[k] = true; list[#list + 1] = k end end
  for _, lib in ipairs(LIBS) do for k in pairs(_G[lib]) do add(k) end end
  for k in pairs(_G) do add(k) end
  for k in pairs(admit) do add(k) end
  for k in pairs(admit.sandbox) do add(k) end
  for _, k in ipairs(METAMETHODS) do add(k) end
  for _, k in ipairs(admit.annex_kinds) do add(k) end   -- the annex set's fields
  -- every name SCRIPTING.md shows in code (the fields a C __index answers to: r.summary...)
  local f = assert(io.open("SCRIPTING.md", "rb"))
  local doc = f:read("a")
  f:close()
  for code in doc:gmatch("`([^`\n]+)`") do
    for name in code:gmatch("[%a_][%w_]*") do add(name) end
  end
  for _, k in ipairs { "anomalies", "dir" } do add(k) end
  for _, k in ipairs { "write", "export", "write_dir", "write_file", "save", "open", "remove",
                       "rename", "dump", "close", "methods", "min_boursiers", "min_residents" } do add(k) end
  for _, mt in pairs(debug.getregistry()) do
    if type(mt) == "table" and type(rawget(mt, "__name")) == "string" then
      for k, v in pairs(mt) do
        add(k)
        if type(v) == "table" then for m in pairs(v) do add(m) end end
      end
      local index = rawget(mt, "__index")
      for i = 1, type(index) == "function" and 3 or 0 do
        local name, up = debug.getupvalue(index, i)
        if not name then break end
        if type(up) == "table" then for m in pairs(up) do add(m) end end
      end
    end
  end
  table.sort(list)
  return list
end

-- The class of an admit object the script holds (the real one behind a proxy).
local function class_of(v)
  local mt = debug.getmetatable(v)
  if type(v) == "userdata" and mt and mt.__name == "admit.sandbox_view" then
    local real = debug.getuservalue(v, 1)
    mt = debug.getmetatable(real)
    return mt and mt.__name or "userdata"
  end
  return mt and type(rawget(mt, "__name")) == "string" and rawget(mt, "__name") or nil
end
walk.class_of = class_of

--- env: a sandbox env (admit.sandbox.env()); samples: {["kind.name"] = function(obj, env)
-- -> list of argument lists} telling how to call admit's functions and methods; extra:
-- {kind = value} objects the host may hand a policy. Returns surface, unknown_calls
-- (admit functions found without a sample: the spec must say how to call them), and the
-- set of every table reached.
function walk.surface(env, samples, extra)
  local surface, missing = {}, {}
  local keys = walk.known_keys()
  local seen = {}
  local kinds = { [env] = "_G", [env.admit] = "admit" }
  for _, lib in ipairs(LIBS) do kinds[env[lib]] = lib end
  local visit

  local function add(kind, name)
    surface[kind] = surface[kind] or {}
    surface[kind][name] = true
  end

  local function call(kind, name, fn, obj)
    local label = kind .. "." .. name
    local how = samples[label]
    if how == nil then missing[#missing + 1] = label return end
    for _, args in ipairs(how(obj, env)) do
      local r = table.pack(pcall(fn, table.unpack(args, 1, args.n or #args)))
      if args.fails then
        assert(not r[1], label .. " was expected to raise")
        r = { n = 2, true, r[2] }   -- the error object, which the script can catch
      end
      assert(r[1], label .. " failed with the spec's sample arguments: " .. tostring(r[2]))
      for i = 2, r.n do
        local x = r[i]
        if type(x) == "function" then
          add(kind, name .. "()")
        else
          visit(x, kind)
        end
      end
    end
  end

  local LIB_KINDS = { _G = true }
  for _, lib in ipairs(LIBS) do LIB_KINDS[lib] = true end
  local called = {}

  -- A function found: named under its kind; admit's own (not Lua's libraries) are called
  -- with the spec's sample arguments, once per kind and name, and what they give walked.
  local function found(kind, name, x, obj)
    if type(x) == "function" then
      add(kind, name)
      local label = kind .. "." .. name
      if not LIB_KINDS[kind] and not called[label] then
        called[label] = true
        call(kind, name, x, obj)
      end
    elseif type(x) == "table" or type(x) == "userdata" then
      visit(x, kind)
    end
  end

  visit = function(v, inherited)
    if (type(v) ~= "table" and type(v) ~= "userdata") or seen[v] then return end
    seen[v] = true
    local kind = kinds[v] or class_of(v) or inherited
    if type(v) == "table" then
      for k, x in pairs(v) do
        if type(k) == "string" then found(kind, k, x, v) elseif type(x) ~= "function" then found(kind, "[]", x, v) end
      end
      local mt = env.getmetatable(v)
      if type(mt) == "table" then visit(mt, kind) end
    end
    if type(v) == "userdata" or debug.getmetatable(v) then
      for _, k in ipairs(keys) do
        local ok, x = pcall(function() return v[k] end)
        if ok and x ~= nil then found(kind, k, x, v) end
      end
      local ok, x = pcall(function() return v[1] end)
      if ok then found(kind, "[]", x, v) end
    end
  end

  visit(env, "_G")
  for kind, obj in pairs(extra or {}) do kinds[obj] = kind; visit(obj, kind) end
  -- string methods: ("").name
  for _, k in ipairs(keys) do
    local x = ("")[k]
    if x ~= nil then add("(\"\")", k) end
  end
  table.sort(missing)
  local tables = {}
  for v in pairs(seen) do if type(v) == "table" then tables[v] = true end end
  return surface, missing, tables
end

function walk.format(surface)
  local kinds = {}
  for k in pairs(surface) do kinds[#kinds + 1] = k end
  table.sort(kinds)
  local out = {}
  for _, k in ipairs(kinds) do
    local names = {}
    for n in pairs(surface[k]) do names[#names + 1] = n end
    table.sort(names)
    out[#out + 1] = k .. ": " .. table.concat(names, " ")
  end
  return table.concat(out, "\n")
end

return walk
