-- The sandbox: one spec per escape attempt. Each would fail if the door were open.
local h = require "helpers"
local sandbox = admit.sandbox

-- Runs source in a fresh sandbox env and returns pcall's results.
local function try(source, ...)
  local fn = sandbox.load(source, "=policy")
  return pcall(fn, ...)
end

-- Runs a script file with `admit --sandbox` (with a time limit: a hang fails, not blocks).
local function run_sandboxed(source, extra)
  local dir = h.tmpdir()
  local path = h.write(dir .. "/policy.lua", source)
  local args = { "--sandbox" }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  args[#args + 1] = path
  local out, err, code = h.run(args, nil, { env = "timeout 60" })
  return out, err, code, path
end

describe("sandbox: nothing outside the allow-list", function()
  for _, name in ipairs { "io", "require", "dofile", "loadfile", "debug", "package",
                          "module", "setfenv", "rawsetmetatable", "arg" } do
    it("has no global " .. name, function()
      local ok, err = try("return " .. name)
      assert.is_false(ok)
      assert.are.equal("policy:1: undefined global '" .. name .. "'", err)
    end)
  end

  for _, name in ipairs { "execute", "remove", "rename", "exit", "getenv", "tmpname",
                          "setlocale" } do
    it("has no os." .. name, function()
      local ok, v = try("return os." .. name)
      assert.is_true(ok)
      assert.is_nil(v)
    end)
  end

  it("keeps the harmless os functions", function()
    local ok, t = try("return type(os.time()), type(os.clock()), os.date('!%Y', 0)")
    assert.is_true(ok)
    assert.are.equal("number", t)
  end)

  it("cannot reseed admit's random generator", function()
    assert.are.same({ true, nil, "number" }, { try("return math.randomseed, type(math.random())") })
  end)

  it("has no string.dump in the string table", function()
    assert.are.same({ true, nil }, { try("return string.dump") })
  end)

  it("has no dump through a string method either (the string metatable is shared)", function()
    assert.are.same({ true, nil, nil }, { try([[return ("").dump, ("x").dump]]) })
  end)

  it("cannot load bytecode given to it, whatever the mode asked for", function()
    local code = string.dump(function() return 1 end)
    local ok, a, b, c = try([[
      local code = ...
      local f1, e1 = load(code)
      local ok2, e2 = pcall(load, code, "x", "b")
      local ok3, e3 = pcall(load, code, "x", "bt")
      return f1 == nil and e1, not ok2 and e2, not ok3 and e3
    ]], code)
    assert.is_true(ok)
    assert.matches("only text chunks", a)
    assert.matches("only text chunks", b)
    assert.matches("only text chunks", c)
  end)

  it("load with an env of the script's own gives that env only", function()
    assert.are.same({ true, "nil", "nil" },
      { try([[local f = load("return type(io), type(os)", "x", "t", {type = type}) return f()]]) })
  end)

  it("load without env gives the sandbox env, not the host's", function()
    local ok, loaded, err = try([[return pcall(load("return io.open"))]])
    assert.are.same({ true, false }, { ok, loaded })
    assert.matches("undefined global 'io'", err)
  end)

  it("collectgarbage gives the count only", function()
    local ok, err = try("collectgarbage('collect')")
    assert.is_false(ok)
    assert.matches("only 'count'", err)
    assert.are.equal("number", select(2, try("return type(collectgarbage('count'))")))
  end)
end)

describe("sandbox: undefined globals", function()
  it("reading one raises naming it, at the policy's file:line (CLI, exit 1)", function()
    local _, err, code, path = run_sandboxed("local x = 1\nlocal y = 2\nreturn rnak(x)\n")
    assert.are.equal(1, code)
    assert.matches("^admit: " .. path:gsub("%p", "%%%0") .. ":3: undefined global 'rnak'\n", err)
  end)

  it("a policy may still define and read its own globals", function()
    assert.are.same({ true, 42 }, { try("answer = 42 return answer") })
  end)

  it("the strict metatable of the env cannot be removed", function()
    local ok, err = try("setmetatable(_G, nil)")
    assert.is_false(ok)
    assert.matches("protected metatable", err)
    assert.are.same({ true, false }, { try("return getmetatable(_G)") })
  end)
end)

describe("sandbox: shared metatables", function()
  it("getmetatable gives nothing for a string (the string metatable is the host's)", function()
    assert.are.same({ true, nil, nil, nil }, { try([[
      return getmetatable(""), getmetatable(1), getmetatable(print)]]) })
  end)

  it("cannot change the string metatable, nor string methods of the host", function()
    local before = getmetatable("").__index
    local ok = try([[
      pcall(function() ("").__index = {} end)
      pcall(function() ("").upper = nil end)
      pcall(rawset, string, "upper", nil)
      pcall(function() string.upper = function() return "pwned" end end)
    ]])
    assert.is_true(ok)
    assert.are.equal(before, getmetatable("").__index)
    assert.are.equal("ABC", ("abc"):upper())
    assert.are.equal(string.upper, getmetatable("").__index.upper)
  end)

  it("a host object's metatable is seen read-only", function()
    local Class = { __index = { kind = "host" } }
    local obj = setmetatable({}, Class)
    local ok, err = try([[
      local obj = ...
      local mt = getmetatable(obj)
      assert(mt.__index.kind == "host")
      mt.__index = { kind = "pwned" }
    ]], obj)
    assert.is_false(ok)
    assert.matches("read%-only", err)
    assert.are.equal("host", obj.kind)
    local ok2, err2 = try("local obj = ... setmetatable(obj, {__index = {kind = 'x'}})", obj)
    assert.is_false(ok2)
    assert.matches("did not make", err2)
    local ok3 = try("local obj = ... rawset(getmetatable(obj), '__index', {})", obj)
    assert.is_false(ok3)
    assert.are.equal(Class, getmetatable(obj))
    assert.are.equal("host", obj.kind)
  end)

  it("metatables the script sets itself stay its own", function()
    assert.are.same({ true, true }, { try([[
      local mt = {} local t = setmetatable({}, mt) return getmetatable(t) == mt]]) })
  end)
end)

describe("sandbox: admit's tables are read-only", function()
  local saved
  before_each(function()
    saved = sandbox.admit_allowed.spec_data
    admit.spec_data = { list = { 1, 2, 3 }, nested = { deep = { value = "kept" } } }
    sandbox.allow("spec_data", "value")
  end)
  after_each(function()
    sandbox.admit_allowed.spec_data = saved
    admit.spec_data = nil
  end)

  it("admit's data stays reachable", function()
    assert.are.same({ true, "kept", 3, 2, "eleve" }, { try([[
      return admit.spec_data.nested.deep.value, #admit.spec_data.list,
             admit.spec_data.list[2], admit.fold("Élève")]]) })
    local ok, n = try("local n = 0 for _, v in ipairs(admit.spec_data.list) do n = n + v end return n")
    assert.are.same({ true, 6 }, { ok, n })
  end)

  it("writing to admit or to a table inside it raises", function()
    for _, stmt in ipairs { "admit.fold = nil", "admit.spec_data.list[1] = 9",
                            "admit.spec_data.nested.deep.value = 'x'",
                            "table.insert(admit.spec_data.list, 4)",
                            "table.sort(admit.spec_data.list, function(a, b) return a > b end)" } do
      local ok, err = try(stmt)
      assert.is_false(ok, stmt)
      assert.matches("read%-only", err, nil, stmt)
    end
    assert.are.same({ 1, 2, 3 }, admit.spec_data.list)
    assert.are.equal("kept", admit.spec_data.nested.deep.value)
    assert.is_function(admit.fold)
  end)

  it("rawset refuses a read-only view", function()
    local ok, err = try("rawset(admit.spec_data.list, 1, 9)")
    assert.is_false(ok)
    assert.matches("read%-only", err)
    ok = try("rawset(admit, 'fold', 1)")
    assert.is_false(ok)
  end)

  it("pairs and next never hand out the real table", function()
    local ok, leaked = try([[
      local _, state = pairs(admit.spec_data)
      local found = {}
      for k, v in pairs(admit.spec_data) do found[#found + 1] = v end
      for _, v in ipairs(found) do pcall(function() v[1] = "pwned" end) end
      pcall(function() state.list = "pwned" end)
      return next(admit.spec_data), rawget(admit.spec_data, "list")
    ]])
    assert.is_true(ok)
    assert.is_nil(leaked)
    assert.are.same({ 1, 2, 3 }, admit.spec_data.list)
  end)

  it("setmetatable on a view fails", function()
    local ok, err = try("setmetatable(admit.spec_data, {})")
    assert.is_false(ok)
    assert.matches("protected metatable", err)
  end)

  it("admit functions not on the allow-list are absent", function()
    assert.are.same({ true, nil, nil, nil, nil },
      { try("return admit.write_file, admit.read_csv, admit.set_limits, admit.sandbox") })
  end)

  it("a data function takes no path from the script", function()
    admit.spec_reader = function(p) return { path = p or "embedded" } end
    sandbox.allow("spec_reader", "data")
    local ok, err = try("return admit.spec_reader('/etc/passwd')")
    assert.is_false(ok)
    assert.matches("only admit's own data", err)
    local ok2, v = try("local d = admit.spec_reader() local w = pcall(function() d.path = 1 end) "
      .. "return d.path, w")
    assert.are.same({ true, "embedded" }, { ok2, v })
    sandbox.admit_allowed.spec_reader = nil
    admit.spec_reader = nil
  end)
end)

describe("sandbox: finalizers", function()
  it("setmetatable refuses __gc (it would run later with hooks off)", function()
    local ok, err = try("setmetatable({}, {__gc = function() while true do end end})")
    assert.is_false(ok)
    assert.matches("__gc is not allowed", err)
  end)

  it("refuses a __gc placeholder filled in later too", function()
    local ok = try("local mt = {__gc = false} setmetatable({}, mt) mt.__gc = function() end")
    assert.is_false(ok)
  end)

  it("a __gc added after setmetatable never runs", function()
    _G.spec_gc_ran = false
    local fn = sandbox.load("local mt = {} setmetatable({}, mt) mt.__gc = ... ", "=policy")
    fn(function() _G.spec_gc_ran = true end)
    collectgarbage() collectgarbage()
    assert.is_false(_G.spec_gc_ran)
    _G.spec_gc_ran = nil
  end)
end)

describe("sandbox.run: limits around one call", function()
  local function limits() return admit.limits() end

  it("stops an endless loop and puts the previous limits back", function()
    local before = limits()
    local fn = sandbox.load("while true do end", "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 100000 })
    assert.is_false(ok)
    assert.matches("instruction limit reached %(100000 instructions%)", err)
    local after = limits()
    assert.are.equal(before.instructions, after.instructions)
    assert.are.equal(before.memory, after.memory)
    assert.are.equal(3, sandbox.run(function(a, b) return a + b end, nil, 1, 2))
  end)

  it("returns every result of fn", function()
    assert.are.same({ 1, nil, 3 }, { sandbox.run(function() return 1, nil, 3 end, {}) })
  end)

  it("pcall inside the policy cannot swallow the stop", function()
    local fn = sandbox.load([[
      local n = 0
      while true do pcall(function() while true do n = n + 1 end end) end]], "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 50000 })
    assert.is_false(ok)
    assert.matches("instruction limit reached", err)
  end)

  it("xpcall with a looping message handler cannot swallow it", function()
    local fn = sandbox.load([[
      while true do
        xpcall(function() while true do end end, function(e) while true do end end)
      end]], "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 50000 })
    assert.is_false(ok)
    assert.matches("instruction limit reached", err)
  end)

  it("a loop inside a coroutine is stopped (coroutine.wrap, create/resume)", function()
    for _, src in ipairs {
      "local f = coroutine.wrap(function() while true do end end) f()",
      "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
      "while true do pcall(coroutine.wrap(function() while true do end end)) end",
      [[local co = coroutine.wrap(function()
          local inner = coroutine.create(function() while true do end end)
          while true do coroutine.resume(inner) end end)
        while true do pcall(co) end]],
    } do
      local ok, err = pcall(sandbox.run, sandbox.load(src, "=policy"), { instructions = 50000 })
      assert.is_false(ok, src)
      assert.matches("instruction limit reached", err, nil, src)
    end
  end)

  it("a coroutine made before the limit is still counted", function()
    local env = sandbox.env()
    local make = sandbox.load("co = coroutine.wrap(function() while true do end end)", "=p", env)
    make()   -- no limit yet
    local ok, err = pcall(sandbox.run, sandbox.load("co()", "=p", env), { instructions = 50000 })
    assert.is_false(ok)
    assert.matches("instruction limit reached", err)
  end)

  it("a coroutine whose creator lost its hook (debug.sethook) is armed by the sandbox", function()
    local env = sandbox.env()
    local co = coroutine.create(function()
      debug.sethook()   -- trusted code removes the hook of this thread
      return sandbox.load("return coroutine.create(function() while true do end end)", "=p", env)()
    end)
    local _, inner = coroutine.resume(co)
    local ok, err = pcall(sandbox.run, function() return coroutine.resume(inner) end,
                          { instructions = 50000 })
    -- resume returns false, "...limit reached" from the coroutine; run itself then stops
    assert.is_true(not ok or err == false)
  end)

  it("coroutine.close running a looping __close is stopped", function()
    local fn = sandbox.load([[
      local co = coroutine.create(function()
        local x <close> = setmetatable({}, {__close = function() while true do end end})
        coroutine.yield()
      end)
      coroutine.resume(co)
      coroutine.close(co)]], "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 50000 })
    assert.is_false(ok)
    assert.matches("instruction limit reached", err)
  end)

  it("the running (main) thread cannot be resumed nor closed from a policy", function()
    local ok, a, b = try([[
      local main = coroutine.running()
      return select(2, coroutine.resume(main)), select(2, pcall(coroutine.close, main))]])
    assert.is_true(ok)
    assert.matches("cannot resume non%-suspended coroutine", a)
    assert.matches("running coroutine", b)
  end)

  it("cannot yield out of a limited call", function()
    local co = coroutine.wrap(function()
      return pcall(sandbox.run, function() coroutine.yield("escaped") end, { instructions = 1e6 })
    end)
    local ok, err = co()
    assert.is_false(ok)
    assert.matches("yield across", err)
  end)

  it("a __close handler that loops is stopped", function()
    local fn = sandbox.load([[
      do local x <close> = setmetatable({}, {__close = function() while true do end end}) end]],
      "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 50000 })
    assert.is_false(ok)
    assert.matches("instruction limit reached", err)
  end)

  it("an error object with a looping __tostring never runs outside the limits", function()
    _G.spec_tostring_calls = 0
    local fn = sandbox.load([[
      local count = ...
      error(setmetatable({}, {__tostring = function() count() while true do end end,
                              __index = function() count() while true do end end}))]], "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 50000 },
                          function() _G.spec_tostring_calls = _G.spec_tostring_calls + 1 end)
    assert.is_false(ok)
    assert.are.equal("(error object is a table value)", err)
    assert.are.equal(0, _G.spec_tostring_calls)
    _G.spec_tostring_calls = nil
  end)

  it("admit.fail from a policy comes back as a plain admit error", function()
    local ok, err = pcall(sandbox.run, sandbox.load("admit.fail('bad rank', 3)", "=policy"), {})
    assert.is_false(ok)
    assert.are.equal("bad rank", err.message)
    assert.are.equal(3, err.exit)
    assert.are.equal(admit.InputError, getmetatable(err))
  end)

  it("a policy cannot make a failed run exit 0 (or 255)", function()
    for _, code in ipairs { 0, 255, -1 } do
      local ok, err = pcall(sandbox.run, sandbox.load("admit.fail('stop', ...)", "=policy"), {}, code)
      assert.is_false(ok)
      assert.are.equal(2, err.exit)
    end
  end)

  it("a forged admit error is rebuilt from raw fields", function()
    local fn = sandbox.load([[
      error(setmetatable({message = "m"}, {__index = function() while true do end end}))]],
      "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 50000 })
    assert.is_false(ok)
    assert.are.equal("m", err.message)
    assert.is_nil(getmetatable(err))
  end)

  it("a nested run cannot loosen the limit around it", function()
    local inner = function()
      return sandbox.run(function() while true do end end, { instructions = 1e12 })
    end
    local ok, err = pcall(sandbox.run, inner, { instructions = 50000 })
    assert.is_false(ok)
    assert.matches("%(50000 instructions%)", err)
  end)

  it("memory: a policy's allocations are capped, then the cap is lifted", function()
    local before = admit.limits().memory
    local fn = sandbox.load("local t = {} for i = 1, 1e7 do t[i] = ('x'):rep(100) .. i end", "=p")
    local ok, err = pcall(sandbox.run, fn, { memory = 2 })
    assert.is_false(ok)
    assert.matches("not enough memory", err)
    assert.are.equal(before, admit.limits().memory)
    local big = ("y"):rep(4 * 1024 * 1024)   -- fine again outside
    assert.are.equal(4 * 1024 * 1024, #big)
  end)

  it("refuses bad limits", function()
    assert.has_error(function() sandbox.run(print, { instructions = -1 }) end)
    assert.has_error(function() sandbox.run(print, { memory = "lots" }) end)
    assert.has_error(function() sandbox.run(print, 12) end)
  end)

  it("limited(fn, limits) applies them on every call", function()
    local f = sandbox.limited(function(n) for _ = 1, n do end return n end, { instructions = 1e5 })
    assert.are.equal(10, f(10))
    assert.is_false(pcall(f, 1e9))
    assert.are.equal(20, f(20))
  end)
end)

describe("sandbox: C loops no hook sees", function()
  it("a catastrophic pattern is refused under a budget", function()
    local fn = sandbox.load([[
      local s = ("a"):rep(5000)
      return s:find("(.-)(.-)(.-)(.-)b")]], "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 1e7 })
    assert.is_false(ok)
    assert.matches("too complex for a text of 5000 characters", err)
  end)

  it("ordinary patterns on ordinary texts pass", function()
    local fn = sandbox.load([[
      local s = "  Lycée Faidherbe ; Lille  "
      return s:match("^%s*(.-)%s*$"), select(2, s:gsub("%s+", " ")), s:find(";", 1, true),
             ("x"):rep(100000):find("y")]], "=policy")
    local ok, trimmed, n, at, none = pcall(sandbox.run, fn, { instructions = 1e7 })
    assert.is_true(ok, trimmed)
    assert.are.equal("Lycée Faidherbe ; Lille", trimmed)
    assert.are.equal(5, n)
    assert.are.equal(20, at)   -- bytes: é is two
    assert.is_nil(none)
  end)

  it("table.move over a huge range counts against the budget", function()
    local fn = sandbox.load("table.move({}, 1, math.maxinteger - 1, 2)", "=policy")
    local ok, err = pcall(sandbox.run, fn, { instructions = 1e7 })
    assert.is_false(ok)
    assert.matches("instruction limit reached", err)
  end)
end)

describe("admit --sandbox", function()
  it("runs a script with the safe globals and gives it its arguments", function()
    local dir = h.tmpdir()
    local path = h.write(dir .. "/p.lua", "print(admit.fold('À'), select('#', ...), arg[1])")
    local out, err, code = h.run({ "--sandbox", path, "x", "y" })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.are.equal("a\t2\tx\n", out)
  end)

  it("cannot reach the disk", function()
    local dir = h.tmpdir()
    local _, err, code = run_sandboxed("io.open('" .. dir .. "/x', 'w')")
    assert.are.equal(1, code)
    assert.matches("undefined global 'io'", err)
    assert.is_nil(h.slurp(dir .. "/x"))
  end)

  it("sandboxes -e chunks too, in the same environment as the script", function()
    local _, err, code = h.run({ "--sandbox", "-e", "x = 1", "-e", "print(x, type(io))" })
    assert.are.equal(1, code)
    assert.matches("undefined global 'io'", err)
    local out
    out, err, code = h.run({ "--sandbox", "-e", "x = 41", "-e", "print(x + 1)" })
    assert.are.same({ "42\n", "", 0 }, { out, err, code })
  end)

  it("sandboxes a script read from stdin", function()
    local out, err, code = h.run({ "--sandbox", "-" }, "print(os.execute)")
    assert.are.same({ "nil\n", "", 0 }, { out, err, code })
  end)

  it("refuses a bytecode script", function()
    local dir = h.tmpdir()
    local path = dir .. "/p.luac"
    h.write(path, string.dump(function() print("bytecode ran") end))
    local out, err, code = h.run({ "--sandbox", "--", path })
    assert.are.equal("", out)
    assert.are.equal(1, code)
    assert.matches("attempt to load a binary chunk", err)
  end)

  it("a script cannot make its failure exit 0, nor run code from its error object", function()
    for _, src in ipairs { "admit.fail('stop', 0)", "error({message = 'stop', exit = 0})",
                           "error(setmetatable({}, {__tostring = function() print('ran') return 'x' end}))" } do
      local out, err, code = h.run({ "--sandbox", "-e", src }, nil, { env = "timeout 60" })
      assert.are_not.equal(0, code, src)
      assert.are.equal("", out, src)
      assert.matches("^admit: ", err)
    end
  end)

  it("ignores LUA_INIT", function()
    local out, err, code = h.run({ "--sandbox", "-e", "print(1)" }, nil,
                                 { env = "LUA_INIT='print(\"init ran\")'" })
    assert.are.same({ "1\n", "", 0 }, { out, err, code })
  end)

  it("refuses -l, -i and commands, with exit 2", function()
    for _, args in ipairs { { "--sandbox", "-l", "lfs", "-e", "print(1)" },
                            { "--sandbox", "-i", "-e", "print(1)" },
                            { "--sandbox", "help" } } do
      local out, err, code = h.run(args)
      assert.are.equal(2, code)
      assert.matches("^admit: %-%-sandbox ", err)
      assert.are.equal("", out)
    end
  end)
end)

describe("sandbox.policy_file: a policy under limits, now and later", function()
  local saved_policy
  before_each(function()
    saved_policy = admit.policy
    -- stands for issue 4's constructor: keeps the spec it is given
    admit.policy = function(spec) return { spec = spec } end
  end)
  after_each(function() admit.policy = saved_policy end)

  it("runs the file under the limits and its functions too, each time they are called", function()
    local dir = h.tmpdir()
    local path = h.write(dir .. "/p.lua", [[
      return admit.policy {
        name = "p",
        rank = function(c) if c.spin then while true do end end return c.maths * 2 end,
      }]])
    local p = sandbox.policy_file(path, { instructions = 100000 })
    assert.are.equal("p", p.spec.name)
    assert.are.equal(24, p.spec.rank({ maths = 12 }))
    local ok, err = pcall(p.spec.rank, { spin = true })
    assert.is_false(ok)
    assert.matches("p%.lua:3: instruction limit reached %(100000 instructions%)", err)
    assert.are.equal(0, admit.limits().instructions)
    assert.are.equal(26, p.spec.rank({ maths = 13 }))
  end)

  it("a runaway file body is stopped", function()
    local dir = h.tmpdir()
    local path = h.write(dir .. "/p.lua", "while true do end")
    local ok, err = pcall(sandbox.policy_file, path, { instructions = 100000 })
    assert.is_false(ok)
    assert.matches("instruction limit reached", err)
  end)
end)

describe("SCRIPTING.md §6 examples", function()
  -- The transcripts of §6, run as written.
  local doc = h.slurp(h.root .. "/SCRIPTING.md")
  local section = doc:match("## 6%. Sandbox and limits(.-)\n## 7%.") .. "\n"
  for name, body, output in section:gmatch("    %$ cat (%S+)\n(.-)    %$ admit [^\n]*\n(.-)\n\n") do
    it("runs " .. name .. " as shown", function()
      local dir = h.tmpdir()
      local script = body:gsub("\n    ", "\n"):gsub("^    ", "")
      h.write(dir .. "/" .. name, script)
      local cmd = section:match("    %$ (admit [^\n]*" .. name:gsub("%p", "%%%0") .. ")")
      local args = {}
      for word in cmd:gmatch("%S+") do args[#args + 1] = word end
      table.remove(args, 1)
      local out, err = h.run(args, nil, { cwd = dir })
      local expected = output:gsub("\n    ", "\n"):gsub("^    ", "")
      local got = (out .. err):gsub("stack traceback:.*", "stack traceback: ...")
      assert.are.equal(expected, (got:gsub("\n$", "")))
    end)
  end
end)
