--- admit.sandbox — running policies written by colleagues without letting them touch the
-- disk, admit's own tables or the host's limits (after Redis's scripting sandbox).
--
--   local fn, env = admit.sandbox.loadfile("scripts/policies/x.lua")  -- raises on error
--   local env = admit.sandbox.env()                                   -- a fresh safe env
--   admit.sandbox.run(fn, {instructions = 1e7, memory = 50}, ...)     -- fn(...) under limits
--
-- What holds it (each point has a spec in tests/07-sandbox_spec.lua):
--   - an allow-list: a fresh table holding only pure functions (no io, os.execute,
--     require, dofile, loadfile, debug, package, string.dump); load takes text only;
--   - the libraries are read-only copies, admit's tables are reached through read-only
--     views (deep: every table read through a view is a view too); rawset refuses views;
--   - admit's C objects (call orders, datasets...) reach it as proxies with an allow-list
--     of methods, no writer (src/sandbox_view.c): through views, from admit's functions
--     and from the proxies' own methods; tests/12-sandbox-surface_spec.lua walks all of
--     it against SCRIPTING.md §6;
--   - getmetatable gives nothing for strings and other non-tables (the string metatable is
--     shared with the host), and only a read-only view of a metatable the script did not
--     set; setmetatable refuses __gc (finalizers run later, with hooks off: unbounded);
--   - reading an undefined global raises "undefined global 'name'" at the script's line;
--   - limits are C (src/sandbox.c, src/host.c): a budget hook on every coroutine run under
--     a budget (coroutine.resume/wrap/close arm it), an xpcall whose handler cannot
--     outlive a stop, C loops (patterns, string.rep, table.move) counted, errors made
--     plain data before the limits are lifted.
-- Without the debug library a script reaches neither a closure's upvalues nor a protected
-- metatable, which is why this part can be Lua.
return function(admit)
  local C = admit._sandbox
  admit._sandbox = nil
  C.error_class(admit.InputError)

  local sandbox = {}

  -- xpcall for everyone, the sandbox and trusted scripts alike: the standard one, except
  -- that its message handler is skipped while a limit is stopping the script (the stop is
  -- raised from the budget hook, where Lua runs the handler with hooks disabled: a looping
  -- handler could not be stopped). Same with the guards on string patterns, string.rep,
  -- table.move and coroutine.resume/wrap/close that src/sandbox.c puts in the global
  -- tables (they only differ while a budget is set).
  sandbox.xpcall = C.xpcall
  _G.xpcall = C.xpcall

  local SAFE_BASE = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "print", "rawequal", "rawget",
    "rawlen", "select", "tonumber", "tostring", "type", "_VERSION",
  }
  local SAFE_LIBS = { "math", "string", "table", "utf8", "coroutine" }
  local SAFE_OS = { "clock", "date", "difftime", "time" }

  --- What of admit a sandboxed script may use, name -> kind:
  --   "value"       given as is (a function, a string) or, for a table, as a read-only view;
  --   "data"        a function returning admit's embedded data: called without arguments
  --                 (so it reads no path given by the script), its results read-only;
  --   "constructor" a function whose result the host takes back (admit.policy): as is.
  -- Names that admit does not have (yet) are skipped. An area adds its pure functions
  -- here (one line each), or later with sandbox.allow(name, kind).
  sandbox.admit_allowed = {
    version = "value",
    fail = "value",
    check = "value",
    fold = "value",
    nfc = "value",
    annexes = "data",
    policy = "constructor",
    is_policy = "value",
    call_order = "value",
    groups_split = "value",
    bac_of = "value",
    id_before = "value",
  }

  function sandbox.allow(name, kind)
    assert(kind == "value" or kind == "data" or kind == "constructor",
           "sandbox.allow: kind must be 'value', 'data' or 'constructor'")
    sandbox.admit_allowed[name] = kind
  end

  -- Every read-only view ever made (weak), so that rawset can refuse them.
  local views = setmetatable({}, { __mode = "k" })

  --- A deep read-only view of t: reads pass through (tables read through it come back as
  -- views too), writes raise, pairs/ipairs/# work, the real table is never handed out.
  -- `cache` (weak, original -> view) keeps one view per table.
  -- `missing(key) -> message | nil` (optional) is asked when a read of the top-level
  -- table gives nil: a message is raised at the reader's line (a strict record).
  local function readonly(t, name, cache, missing)
    cache = cache or setmetatable({}, { __mode = "k" })
    local function wrap(v, vname, strict)
      if type(v) == "userdata" then return C.confine(v) end  -- its sandbox proxy
      if type(v) ~= "table" then return v end
      local view = cache[v]
      if view then return view end
      view = setmetatable({}, {
        __index = function(_, k)
          local x = v[k]
          if x == nil and strict then
            local msg = strict(k)
            if msg then error(msg, 2) end
          end
          return wrap(x, vname .. "." .. tostring(k))
        end,
        __newindex = function(_, k)
          error(string.format("%s is read-only (cannot set '%s')", vname, tostring(k)), 2)
        end,
        __len = function() return #v end,
        __pairs = function()
          -- v's own pairs: a table of admit's that is itself a view (the annex set) lists
          -- its entries through its __pairs
          local step, state, key = pairs(v)
          return function()
            local nk, nv = step(state, key)
            key = nk
            if nk == nil then return nil end
            return wrap(nk, vname), wrap(nv, vname .. "." .. tostring(nk))
          end, view, nil
        end,
        __tostring = function() return vname .. " (read-only)" end,
        __metatable = false,
      })
      cache[v] = view
      views[view] = true
      return view
    end
    return wrap(t, name, missing)
  end
  -- A table read as a field of one of admit's objects through its proxy (r.summary): a
  -- read-only view, one per table for every sandbox.
  local object_fields = setmetatable({}, { __mode = "k" })
  C.set_viewer(function(t) return readonly(t, "field", object_fields) end)

  --- sandbox.readonly(t [, name [, missing]]): a deep read-only view of t (no raw key: next,
  -- rawget, rawset, setmetatable on it reach nothing). missing(key) -> message | nil makes
  -- reading an absent key of t an error (e.g. a column no candidate has).
  sandbox.readonly = function(t, name, missing)
    return readonly(t, name or "table", nil, missing)
  end

  local function copy(t)
    local c = {}
    for k, v in pairs(t) do c[k] = v end
    return c
  end

  -- For a "constructor": its table argument is copied, and each function in it is
  -- wrapped to run under `limits` whenever admit calls it later (a policy's rank...).
  local function limited_spec(spec, limits)
    if type(spec) ~= "table" or views[spec] then return spec end
    local wrapped = {}
    for k, v in pairs(spec) do
      wrapped[k] = type(v) == "function" and sandbox.limited(v, limits) or v
    end
    return wrapped
  end

  local function admit_view(cache, limits)
    local view = {}
    for name, kind in pairs(sandbox.admit_allowed) do
      local v = admit[name]
      if v ~= nil then
        if kind == "data" and type(v) == "function" then
          local fn = v
          v = function(...)
            if select("#", ...) > 0 then
              error(string.format("admit.%s: in the sandbox, only admit's own data "
                .. "(no argument) can be read", name), 2)
            end
            local results = table.pack(fn())
            for i = 1, results.n do results[i] = readonly(results[i], name, cache) end
            return table.unpack(results, 1, results.n)
          end
        elseif kind == "constructor" and type(v) == "function" then
          -- a plain message without a position gets the script's line (the call inside is
          -- not where the officer should look): C, so that nothing runs after a stop
          v = C.constructor(v, function(spec) return limited_spec(spec, limits) end)
        elseif kind == "value" and type(v) == "function" then
          -- an admit object it returns comes as its sandbox proxy; under a budget it is
          -- charged its arguments' size (C work that no hook sees)
          v = C.confining(C.charged(v))
        elseif kind == "value" then
          v = readonly(v, "admit." .. name, cache)
        end
        view[name] = v
      end
    end
    return readonly(view, "admit", cache)
  end

  --- Builds a fresh sandbox environment. opts.arg: a list of strings given as `arg`;
  -- opts.limits: {instructions=, memory=} applied to every function the script gives to
  -- an admit constructor (admit.policy{rank = ...}) each time admit calls it.
  function sandbox.env(opts)
    local env = {}
    local cache = setmetatable({}, { __mode = "k" })
    local own_metatables = setmetatable({}, { __mode = "k" })
    for _, name in ipairs(SAFE_BASE) do env[name] = _G[name] end
    for _, lib in ipairs(SAFE_LIBS) do env[lib] = copy(_G[lib]) end
    env.string.dump = nil  -- bytecode: useless here (load takes text) and a leak of code
    env.math.randomseed = nil  -- the generator is admit's: a policy must not reseed it
    for _, lib in ipairs(SAFE_LIBS) do env[lib] = readonly(env[lib], lib, cache) end
    local os_safe = {}
    for _, name in ipairs(SAFE_OS) do os_safe[name] = os[name] end
    env.os = readonly(os_safe, "os", cache)

    env.xpcall = C.xpcall
    env.rawset = function(t, k, v)
      if views[t] then error("rawset: this table is read-only", 2) end
      return rawset(t, k, v)
    end
    env.setmetatable = function(t, mt)
      if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
        error("setmetatable: __gc is not allowed in the sandbox (a finalizer would run "
          .. "later, outside the script's limits)", 2)
      end
      -- Only a metatable the script set may be replaced: a table from the host keeps its
      -- class (a view's is protected anyway).
      local current = type(t) == "table" and getmetatable(t)
      if current and not own_metatables[current] then
        error("setmetatable: cannot replace the metatable of a table the script did not make", 2)
      end
      local ok, r = pcall(setmetatable, t, mt)  -- fails on a view (__metatable = false)
      if not ok then error(r, 2) end
      if mt ~= nil then own_metatables[mt] = true end
      return r
    end
    -- The string metatable (and userdata's) is shared with the host: never handed out.
    env.getmetatable = function(v)
      if type(v) ~= "table" then return nil end
      local mt = getmetatable(v)
      if type(mt) ~= "table" or own_metatables[mt] then return mt end
      return readonly(mt, "metatable", cache)
    end
    env.collectgarbage = function(opt)
      if opt == nil or opt == "count" then return collectgarbage("count") end
      error("collectgarbage: only 'count' is allowed in the sandbox", 2)
    end
    env.load = function(chunk, chunkname, mode, chunk_env)
      if mode ~= nil and mode ~= "t" then
        error("load: only text chunks are allowed in the sandbox", 2)
      end
      if type(chunk) == "string" and chunk:byte(1) == 27 then
        return nil, "load: only text chunks are allowed in the sandbox"
      end
      return load(chunk, chunkname, "t", chunk_env or env)
    end
    env.admit = admit_view(cache, opts and opts.limits)
    if opts and opts.arg then
      local a = {}
      for k, v in pairs(opts.arg) do if type(v) == "string" then a[k] = v end end
      env.arg = a
    end
    env._G = env
    return setmetatable(env, {
      __index = function(_, name)
        error(string.format("undefined global '%s'", tostring(name)), 2)
      end,
      __metatable = false,
    })
  end

  --- Compiles source text (never bytecode) in a sandbox env (a fresh one by default);
  -- raises on a syntax error. Returns the function and its env.
  function sandbox.load(source, chunkname, env)
    env = env or sandbox.env()
    local fn, err = load(source, chunkname, "t", env)
    if not fn then error(err, 0) end
    return fn, env
  end

  --- Same for a file (path nil reads stdin). Skips a leading #! line.
  -- The file is read once, within the bound on inputs (admit.read_input).
  function sandbox.loadfile(path, env)
    local source, err = admit.read_input(path)
    if not source then error(err, 0) end
    if source:sub(1, 1) == "#" then source = "--" .. source end
    return sandbox.load(source, "@" .. (path or "stdin"), env)
  end

  --- fn(...) under limits {instructions = N, memory = MB} (each optional; a limit can
  -- only be tightened, never loosened, by a nested run). The previous limits come back
  -- whatever happens; an error is raised again as a string or a plain admit error.
  function sandbox.run(fn, limits, ...)
    return C.run(fn, limits, ...)
  end

  -- Every function made by sandbox.limited (weak): wrapper -> {fn =, limits =}.
  local limited_fns = setmetatable({}, { __mode = "k" })

  --- A function that calls fn under limits every time (for a policy's callbacks).
  function sandbox.limited(fn, limits)
    local wrapper = function(...) return C.run(fn, limits, ...) end
    limited_fns[wrapper] = { fn = fn, limits = limits }
    return wrapper
  end

  --- For a function made by sandbox.limited: the function it calls and its limits table
  -- (host side only: to name where a policy's function is, to check its limits).
  function sandbox.limited_of(wrapper)
    local w = limited_fns[wrapper]
    if w then return w.fn, w.limits end
    return nil
  end

  --- fn made to run through run() (no new limit): its errors come out as plain data, with
  -- an exit status of 1..125, and a plain message becomes an admit error of status 1 (so
  -- the officer reads "admit: file:line: message", without a traceback of admit's own
  -- functions). admit --sandbox runs each chunk this way.
  function sandbox.guarded(fn)
    return function(...) return C.run_reported(fn, nil, ...) end
  end

  --- A policy file, sandboxed and limited: runs the file under `limits` and returns what
  -- it returns (admit.policy{...} or a list of them); the functions it gives admit.policy
  -- run under the same limits each time they are called. For admit.load_policy.
  function sandbox.policy_file(path, limits)
    local fn = sandbox.loadfile(path, sandbox.env { limits = limits })
    return sandbox.run(fn, limits)
  end

  --- {class -> {method, ...}}: what the sandbox's proxy of each of admit's C objects may
  -- call (src/sandbox_view.c; SCRIPTING.md §6 lists the same).
  sandbox.confined_classes = C.confined_classes

  admit.sandbox = sandbox
end
