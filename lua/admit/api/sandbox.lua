--- admit.sandbox — running policies written by colleagues without letting them touch the
-- disk: a fresh environment built from an allow-list (after Redis's scripting sandbox),
-- text chunks only, and reading an undefined global is an error naming it (catches typos).
--
--   local fn = admit.sandbox.loadfile("scripts/policies/x.lua")   -- raises on error
--   local env = admit.sandbox.env()                                -- a fresh safe env
return function(admit)
  local sandbox = {}

  local SAFE_BASE = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "print", "rawequal", "rawget",
    "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall",
    "_VERSION",
  }
  local SAFE_LIBS = { "math", "string", "table", "utf8", "coroutine" }
  local SAFE_OS = { "clock", "date", "difftime", "time" }
  -- admit's functions a policy may use: pure computations and the embedded data.
  -- (An area adds to this list what it exposes that reads no path and writes nothing.)
  sandbox.admit_allowed = {
    "version", "fail", "check", "InputError", "fold", "nfc",
    "policy", "is_policy", "call_order", "groups_split", "bac_of", "id_before",
    "annexes",
  }

  local function copy(t)
    local c = {}
    for k, v in pairs(t) do c[k] = v end
    return c
  end

  --- A read-only view: writes raise, reads pass through.
  local function readonly(t, name)
    return setmetatable({}, {
      __index = t,
      __newindex = function(_, k)
        error(string.format("%s is read-only (cannot set '%s')", name, tostring(k)), 2)
      end,
      __pairs = function() return next, t, nil end,
      __metatable = false,
    })
  end

  local function strict(env)
    return setmetatable(env, {
      __index = function(_, name)
        error(string.format("undefined global '%s'", tostring(name)), 2)
      end,
    })
  end

  --- Builds a fresh sandbox environment.
  function sandbox.env()
    local env = {}
    for _, name in ipairs(SAFE_BASE) do env[name] = _G[name] end
    for _, lib in ipairs(SAFE_LIBS) do env[lib] = copy(_G[lib]) end
    env.string.dump = nil  -- bytecode could be loaded back elsewhere
    for _, lib in ipairs(SAFE_LIBS) do env[lib] = readonly(env[lib], lib) end
    local os_safe = {}
    for _, name in ipairs(SAFE_OS) do os_safe[name] = os[name] end
    env.os = readonly(os_safe, "os")
    -- getmetatable on a string would hand out the shared string metatable
    env.getmetatable = function(v)
      if type(v) ~= "table" then return nil end
      return getmetatable(v)
    end
    env.collectgarbage = function(opt)
      if opt == nil or opt == "count" then return collectgarbage("count") end
      error("collectgarbage: only 'count' is allowed in the sandbox", 2)
    end
    env.load = function(chunk, name, mode, chunk_env)
      if mode ~= nil and mode ~= "t" then
        error("load: only text chunks are allowed in the sandbox", 2)
      end
      return load(chunk, name, "t", chunk_env or env)
    end
    local view = {}
    for _, name in ipairs(sandbox.admit_allowed) do view[name] = admit[name] end
    env.admit = readonly(view, "admit")
    env._G = env
    return strict(env)
  end

  --- Compiles source text (never bytecode) in a fresh sandbox env; raises on a syntax
  -- error. Returns the function and its env.
  function sandbox.load(source, chunkname, env)
    env = env or sandbox.env()
    local fn, err = load(source, chunkname, "t", env)
    if not fn then error(err, 0) end
    return fn, env
  end

  --- Same for a file (path nil reads stdin). Skips a leading #! line.
  function sandbox.loadfile(path, env)
    local f, err = io.stdin, nil
    if path then
      f, err = io.open(path, "rb")
      if not f then error(err, 0) end
    end
    local source = f:read("a")
    if f ~= io.stdin then f:close() end
    if source:sub(1, 1) == "#" then source = "--" .. source end
    return sandbox.load(source, "@" .. (path or "stdin"), env)
  end

  admit.sandbox = sandbox
end
