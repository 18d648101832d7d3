-- Crashes and limits (issue 9 §3 and §4), one table per class, each row run trusted and
-- with --sandbox: a script never ends admit by a signal; the instruction budget bounds
-- the CPU time of C functions too; a limit reached stays reached; counts saturate; a
-- script only lowers its limits; --max-memory counts admit's C memory; __gc finalizers
-- are limited; --max-seconds ends the run wherever it is.
-- Every command runs under `timeout`: a limit that does not hold fails the row (status
-- 124) instead of hanging the suite; a signal gives a status of 128 or more.
local h = require "helpers"

local ASAN = h.exe():find("asan", 1, true) ~= nil
local SLOW = ASAN and 6 or 1   -- the sanitizers' cost, for the CPU-time bounds

local function run(args, stdin, timeout)
  return h.run(args, stdin, { env = "timeout " .. tostring(timeout or 60) })
end

local function run_file(flags, source, timeout)
  local dir = h.scratch()
  local path = h.write(dir .. "/s.lua", source)
  local args = {}
  for _, f in ipairs(flags) do args[#args + 1] = f end
  args[#args + 1] = path
  return run(args, nil, timeout)
end

teardown(function() h.remove_scratch() end)

local MODES = {
  trusted = {},
  sandbox = { "--sandbox" },
}

local function with(mode, ...)
  local t = {}
  for _, f in ipairs(MODES[mode]) do t[#t + 1] = f end
  for _, f in ipairs { ... } do t[#t + 1] = f end
  return t
end

-- ------------------------------------------------------------------ §3 crashes
-- source; `message`: what the error says when the run fails (nil: any clean failure or
-- success is fine, the point is the absence of a signal).
local C_STACK = "C stack overflow"
local CRASHES = {
  { "the issue's 20,000 nested coroutine.close, each from a __close", [[
    local co = coroutine.create(function() end)
    for i = 1, 20000 do
      local prev = co
      co = coroutine.create(function()
        local x <close> = setmetatable({}, {__close = function() coroutine.close(prev) end})
        coroutine.yield()
      end)
      coroutine.resume(co)
    end
    print(coroutine.close(co))]] },
  { "5,000 nested coroutine.close, errors checked: Lua 5.4.4 does not count them, admit does", [[
    local co = coroutine.create(function() end)
    for i = 1, 5000 do
      local prev = co
      co = coroutine.create(function()
        local x <close> = setmetatable({}, {__close = function() assert(coroutine.close(prev)) end})
        coroutine.yield()
      end)
      coroutine.resume(co)
    end
    assert(coroutine.close(co))]], "coroutine.close nested more than 200 deep" },
  { "deep __close handlers calling the next", [[
    local function f(n) local x <close> = setmetatable({}, {__close = function() if n > 0 then f(n - 1) end end}) end
    f(1e6)]], C_STACK },
  { "a chain of 100,000 __close errors", [[
    local function f(n) local x <close> = setmetatable({}, {__close = function() error("e" .. n) end}) if n > 0 then f(n - 1) end end
    f(1e5)]], "e" },
  { "__close of a coroutine.wrap calling the next", [[
    local function f(n) local co = coroutine.wrap(function() local x <close> = setmetatable({}, {__close = function() if n > 0 then f(n - 1) end end}) coroutine.yield() end) co() end
    f(1e5)]] },
  { "an __index chain", "local t = setmetatable({}, {__index = function(t, k) return t[k + 1] end}) return t[1]", C_STACK },
  { "a __newindex chain", "local t = setmetatable({}, {__newindex = function(t, k, v) t[k + 1] = v end}) t[1] = 1", C_STACK },
  { "a __call chain", "local t; t = setmetatable({}, {__call = function(self, n) return self(n + 1) + 1 end}) return t(1)", "stack overflow" },
  { "an __eq chain", "local mt = {} mt.__eq = function() return setmetatable({}, mt) == setmetatable({}, mt) end return setmetatable({}, mt) == setmetatable({}, mt)", C_STACK },
  { "an __lt chain", "local mt = {} mt.__lt = function() return setmetatable({}, mt) < setmetatable({}, mt) end return setmetatable({}, mt) < setmetatable({}, mt)", C_STACK },
  { "a __concat chain", "local mt = {} mt.__concat = function() return setmetatable({}, mt) .. 'x' end return setmetatable({}, mt) .. 'x'", C_STACK },
  { "a __len chain", "local mt = {} mt.__len = function() return #setmetatable({}, mt) end return #setmetatable({}, mt)", C_STACK },
  { "an __unm chain", "local mt = {} mt.__unm = function() return -setmetatable({}, mt) end return -setmetatable({}, mt)", C_STACK },
  { "tostring and __tostring", "local mt = {} mt.__tostring = function() return tostring(setmetatable({}, mt)) end return tostring(setmetatable({}, mt))", C_STACK },
  { "string.format('%s') and __tostring", "local mt = {} mt.__tostring = function() return string.format('%s', setmetatable({}, mt)) end return string.format('%s', setmetatable({}, mt))", C_STACK },
  { "string.gsub callbacks re-entering gsub", "local function f(s) return (s:gsub('.', f)) end return f('ab')", C_STACK },
  { "table.sort comparators sorting again", "local function cmp(a, b) table.sort({3, 2, 1}, cmp) return a < b end table.sort({3, 2, 1}, cmp)", C_STACK },
  { "next inside __index", "local mt = {} mt.__index = function(t, k) return next(setmetatable({}, mt)[k]) end return setmetatable({}, mt).x", C_STACK },
  { "load of 10^6 nested parentheses", "assert(not load('return ' .. ('('):rep(1e6) .. '1' .. (')'):rep(1e6)))" },
  { "load of 10^6 nested tables", "assert(not load('return ' .. ('{'):rep(1e6) .. ('}'):rep(1e6)))" },
  { "load of 10^5 nested functions", "assert(not load(('function f() '):rep(1e5) .. ('end '):rep(1e5)))" },
  { "load of 10^6 unary minus", "assert(not load('return ' .. ('-'):rep(1e6) .. '1'))" },
  { "load of a 10^6-term concatenation", "assert(not load('return ' .. (\"'a'..\"):rep(1e6) .. \"'a'\"))" },
  { "load of 2*10^5 field accesses, run", "local f = load('local a = {} return a' .. ('.x'):rep(2e5)) return f and pcall(f)" },
  { "load of 2*10^5 calls, run", "local f = load('local a return a' .. ('()'):rep(2e5)) return f and pcall(f)" },
  { "coroutine.wrap nesting", "local function f() return coroutine.wrap(f)() end return f()", C_STACK },
  { "coroutine.resume nesting", "local function f() return coroutine.resume(coroutine.create(f)) end print(f())" },
  { "pcall nesting", "local function f() return pcall(f) end print(f())" },
  { "xpcall nesting, the handler nesting too", "local function f() return xpcall(f, f) end print(f())" },
  { "an error handler that overflows (Lua 5.4.4 bug)", "local function loop() assert(pcall(loop)) end print(xpcall(loop, loop))" },
  { "an error handler erroring", "local function h(e) error(e) end print(xpcall(error, h, 'x'))" },
  { "an error object whose __tostring errors", "error(setmetatable({}, {__tostring = function() error('again') end}))", "%a" },
  { "an error object whose __tostring raises another", "local mt = {} mt.__tostring = function() error(setmetatable({}, mt)) end error(setmetatable({}, mt))", "%a" },
  { "Lua recursion", "local function f(n) return 1 + f(n + 1) end return f(1)", "stack overflow" },
  { "a million values unpacked", "local t = {} for i = 1, 1e6 do t[i] = i end return select('#', table.unpack(t))", "too many results" },
  { "a pattern with 300 optional items", "return (('a'):rep(1e5)):match(('(a)'):rep(31) .. ('a?'):rep(300))", "pattern" },
}

describe("a script never ends admit by a signal (issue 9 §3)", function()
  for _, row in ipairs(CRASHES) do
    local name, source, message = row[1], row[2], row[3]
    for _, mode in ipairs { "trusted", "sandbox" } do
      it(name .. " (" .. mode .. ")", function()
        local _, err, code = run_file(with(mode, "--max-instructions", "50000000",
                                           "--max-memory", "400"), source)
        assert.is_true(code == 0 or code == 1, "exit status " .. tostring(code) .. ": " .. err)
        if code == 1 then
          assert.matches("^admit: ", err)
          if message then assert.matches(message, err) end
        end
      end)
    end
  end

  it("the issue's 20,000 nested closes without any limit", function()
    local _, err, code = run_file({ "--sandbox" }, CRASHES[1][2])
    assert.is_true(code == 0 or code == 1, "exit status " .. tostring(code) .. ": " .. err)
  end)
end)

-- ------------------------------------------------- §4 costly C calls are charged
-- Each runs as a policy call does: admit.sandbox.run under admit.POLICY_LIMITS, from a
-- trusted script that prints the CPU time the call took. Every one must be stopped (the
-- instruction limit, or a pattern refused as too complex) well within 1 s of CPU.
local COSTLY = {
  { "string.rep making gigabytes", "while true do local s = ('x'):rep(2^30) end" },
  { "string.rep with a separator", "while true do local s = ('x'):rep(2^20, ('y'):rep(1000)) end" },
  { "the issue's find('.-b') on 99,999 characters", "return (('a'):rep(99999)):find('.-b')" },
  { "the issue's find('%b()') on 200,000 '('", "return (('('):rep(200000)):find('%b()')" },
  { "match with nested lazy captures", "return (('a'):rep(5000)):match('(.-)(.-)(.-)(.-)b')" },
  { "gmatch over a text with no match", "local s = ('a'):rep(1e6) while true do for x in s:gmatch('(a*)b') do end end" },
  { "gsub with a long replacement", "local s = ('a'):rep(1e5) while true do s:gsub('a', ('b'):rep(1000)) end" },
  { "a back-reference", "return (('a'):rep(1e5)):find('(a+)%1b')" },
  { "find(plain) in a loop", "local s = ('a'):rep(1e7) while true do s:find('b', 1, true) end" },
  { "upper on 10 MB", "local s = ('a'):rep(1e7) while true do s = s:upper():lower() end" },
  { "reverse on 10 MB", "local s = ('a'):rep(1e7) while true do s:reverse() end" },
  { "string.byte of a whole text", "local s = ('a'):rep(1e5) while true do local t = {s:byte(1, -1)} end" },
  { "string.char of many", "local t = {} for i = 1, 1e5 do t[i] = 65 end while true do string.char(table.unpack(t)) end" },
  { "string.format of long texts", "local s = ('a'):rep(1e6) while true do string.format('%s%s%s', s, s, s) end" },
  { "string.sub of a long text", "local s = ('a'):rep(1e7) while true do s:sub(2) end" },
  { "string.pack of long texts", "local s = ('a'):rep(1e6) while true do string.pack('s4s4', s, s) end" },
  { "the issue's table.insert(t, 1, 0) on 900k", "local t = {} for i = 1, 9e5 do t[i] = i end while true do table.insert(t, 1, 0) end" },
  { "table.remove(t, 1) on 900k", "local t = {} for i = 1, 9e5 do t[i] = i end while true do table.remove(t, 1) t[#t + 1] = 0 end" },
  { "table.insert where __len lies", "local t = setmetatable({}, {__len = function() return 2^40 end}) table.insert(t, 1, 0)" },
  { "table.remove where __len lies", "local t = setmetatable({}, {__len = function() return 2^40 end}) table.remove(t, 1)" },
  { "table.move over the integer range", "table.move({}, 1, math.maxinteger - 1, 2)" },
  { "table.concat of long texts", "local t = {} for i = 1, 1000 do t[i] = ('a'):rep(1e4) end while true do table.concat(t) end" },
  { "table.sort of 500k", "local t = {} for i = 1, 5e5 do t[i] = -i end while true do table.sort(t) end" },
  { "table.unpack of 500k", "local t = {} for i = 1, 5e5 do t[i] = i end while true do select('#', table.unpack(t)) end" },
  { "select('#') of many", "local t = {} for i = 1, 2e5 do t[i] = i end local function f(...) while true do select('#', ...) select(2, ...) end end f(table.unpack(t))" },
  { "utf8.len of 10 MB", "local s = ('é'):rep(5e6) while true do utf8.len(s) end" },
  { "utf8.char of many", "local t = {} for i = 1, 1e5 do t[i] = 233 end while true do utf8.char(table.unpack(t)) end" },
  { "utf8.codepoint of a whole text", "local s = ('é'):rep(1e5) while true do utf8.codepoint(s, 1, -1) end" },
  { "utf8.offset far away", "local s = ('é'):rep(5e6) while true do utf8.offset(s, -1) end" },
  { "load of a long chunk", "local src = 'return ' .. ('1+'):rep(3e5) .. '1' while true do load(src) end" },
  { "load with a reader giving long pieces", "local piece = ('--'):rep(1e6) .. '\\n' while true do local n = 0 load(function() n = n + 1 if n < 50 then return piece end end) end" },
  { "tostring in a loop", "while true do tostring(12.5) end" },
  { "admit.fold of a long text", "local s = ('É'):rep(1e6) while true do admit.fold(s) end" },
}

local COSTLY_DRIVER = [[
local source = io.read("a")
local fn = admit.sandbox.load(source, "=policy")
local t0 = os.clock()
local ok, err = pcall(admit.sandbox.run, fn, admit.POLICY_LIMITS)
local cpu = os.clock() - t0
print(string.format("%.3f", cpu))
print(ok, type(err) == "table" and err.message or err)
]]

describe("costly C calls are charged in proportion to their work (issue 9 §4)", function()
  local worst, worst_name = 0, nil
  for _, row in ipairs(COSTLY) do
    local name, source = row[1], row[2]
    it(name .. ": stopped within 1 s of CPU under the default policy limits", function()
      local dir = h.scratch()
      local driver = h.write(dir .. "/driver.lua", COSTLY_DRIVER)
      local out, err, code = run({ driver }, source)
      assert.are.equal(0, code, err)
      local cpu, ok, msg = out:match("^([%d.]+)\n(%a+)\t(.*)\n$")
      assert.truthy(cpu, out)
      assert.are.equal("false", ok)
      assert.truthy(msg:find("instruction limit reached", 1, true) or msg:find("too complex", 1, true)
                    or msg:find("not enough memory", 1, true), msg)
      assert.is_true(tonumber(cpu) < 1.0 * SLOW, name .. " took " .. cpu .. " s of CPU")
      if tonumber(cpu) > worst then worst, worst_name = tonumber(cpu), name end
      print(string.format("# %.3f s of CPU: %s", tonumber(cpu), name))
    end)
  end
  it("reports the worst of them", function()
    print(string.format("# worst charged C call: %s, %.3f s of CPU", tostring(worst_name), worst))
  end)

  it("ordinary patterns on ordinary texts still pass under a budget", function()
    local out, err, code = run({ "--sandbox", "--max-instructions", "10000000", "-e", [[
      local line = ("  Lycée Gambetta, Arras ; BTS SIO  "):rep(100)
      print((line:match("^%s*(.-)%s*$")):len())
      local n = 0 for w in line:gmatch("%a+") do n = n + 1 end print(n)
      print((line:gsub("%s+", " ")):len())
      print(line:find("Arras", 1, true) and "found")]] })
    assert.are.same({ "", 0 }, { err, code })
    assert.matches("^3596\n600\n", out)
  end)
end)

-- ------------------------------------------------------------ §4 sticky limits
local STICKY = {
  { "pcall(string.rep, 'x', 2^62) then more work (the issue)", "print(pcall(string.rep, 'x', 2^62)) print('went on')" },
  { "a caught stop, then a loop that allocates nothing", "pcall(function() while true do end end) local n = 0 for i = 1, 1e9 do n = n + 1 end print('went on')" },
  { "xpcall with a handler that returns", "print(xpcall(function() while true do end end, function(e) return 'handled' end)) print('went on')" },
  { "coroutine.resume returning the stop", "print(coroutine.resume(coroutine.create(function() while true do end end))) print('went on')" },
  { "coroutine.wrap inside pcall", "print(pcall(coroutine.wrap(function() while true do end end))) print('went on')" },
  { "a __close that catches", [[
    do local x <close> = setmetatable({}, {__close = function() print('closing') end})
       print(pcall(table.move, {}, 1, math.maxinteger, 2)) end
    print('went on')]] },
  { "a stop inside a coroutine closed with coroutine.close", [[
    local co = coroutine.create(function()
      local x <close> = setmetatable({}, {__close = function() while true do end end})
      coroutine.yield() end)
    coroutine.resume(co) print(coroutine.close(co)) print('went on')]] },
}

describe("a limit reached stays reached (issue 9 §4)", function()
  for _, row in ipairs(STICKY) do
    for _, mode in ipairs { "trusted", "sandbox" } do
      it(row[1] .. " (" .. mode .. ")", function()
        local out, err, code = run(with(mode, "--max-instructions", "1000000", "-e", row[2]))
        assert.are.equal(1, code)
        assert.is_nil(out:find("went on", 1, true))
        assert.matches("instruction limit reached %(1000000 instructions%)", err)
      end)
    end
  end

  local MEMORY_STICKY = {
    { "a caught memory error, then more allocation", "print(pcall(string.rep, 'x', 64 * 1024 * 1024)) local t = {} for i = 1, 10 do t[i] = {} end print('went on')" },
    { "a caught memory error, then a loop that allocates nothing", "pcall(string.rep, 'x', 64 * 1024 * 1024) local n = 0 for i = 1, 1e9 do n = n + 1 end print('went on')" },
    { "a memory error inside a coroutine", "print(coroutine.resume(coroutine.create(function() local t = {} while true do t[#t + 1] = {} end end))) print('went on')" },
  }
  for _, row in ipairs(MEMORY_STICKY) do
    for _, mode in ipairs { "trusted", "sandbox" } do
      it(row[1] .. " (" .. mode .. ")", function()
        local out, err, code = run(with(mode, "--max-memory", "16", "-e", row[2]))
        assert.are.equal(1, code)
        assert.is_nil(out:find("went on", 1, true))
        assert.matches("not enough memory", err)
      end)
    end
  end

  it("a stop inside admit.sandbox.run ends that call only; the host carries on", function()
    local out, err, code = run({ "-e", [[
      local ok, e = pcall(admit.sandbox.run, function() pcall(string.rep, 'x', 2^62) return 'went on' end, {instructions = 100000})
      print(ok, e) print('host goes on')]] })
    assert.are.equal(0, code, err)
    assert.matches("^false\t.*instruction limit reached %(100000 instructions%)", out)
    assert.matches("host goes on\n$", out)
  end)
end)

-- ---------------------------------------------------------- §4 counter overflow
describe("the instruction count saturates (issue 9 §4)", function()
  local EDGES = {
    { "three table.move over the integer range in admit.sandbox.run (the issue)",
      "for i = 1, 3 do pcall(admit.sandbox.run, function() pcall(table.move, {}, 1, math.maxinteger, 2) end, {instructions = 1000000}) end" },
    { "string.rep of math.maxinteger", "for i = 1, 3 do pcall(admit.sandbox.run, function() pcall(string.rep, 'x', math.maxinteger) end, {instructions = 1000000}) end" },
    { "a nested budget of math.maxinteger", "pcall(admit.sandbox.run, function() end, {instructions = math.maxinteger})" },
    { "budgets of math.maxinteger nested", "pcall(admit.sandbox.run, function() admit.sandbox.run(function() end, {instructions = math.maxinteger}) end, {instructions = math.maxinteger})" },
  }
  for _, row in ipairs(EDGES) do
    it(row[1] .. ": the command line's limit still stops what follows", function()
      local _, err, code = run({ "--max-instructions", "5000000", "-e",
        row[2] .. " local l = admit.limits() assert(l.instructions_used >= 0, l.instructions_used) print('counted') while true do end" })
      assert.are.equal(1, code)
      assert.matches("instruction limit reached %(5000000 instructions%)", err)
      assert.is_nil(err:find("runtime error", 1, true))   -- UBSan: signed overflow
    end)
  end

  it("without a command-line limit, the count after the edges is still positive", function()
    local out, err, code = run({ "-e", EDGES[1][2] .. " print(admit.limits().instructions_used >= 0)" })
    assert.are.same({ "true\n", "", 0 }, { out, err, code })
  end)
end)

-- ------------------------------------------------- §4 limits are only lowered
describe("a script only lowers the limits it was started with (issue 9 §4)", function()
  local RAISES = {
    { "--max-instructions", "1000000", "admit.set_limits{instructions = 0}" },
    { "--max-instructions", "1000000", "admit.set_limits{instructions = false}" },
    { "--max-instructions", "1000000", "admit.set_limits{instructions = 2000000}" },
    { "--max-instructions", "1000000", "admit.set_limits{instructions = math.maxinteger}" },
    { "--max-instructions", "1000000", "for i = 1, 5 do admit.set_limits{instructions = 900000} for j = 1, 100000 do end end" },
    { "--max-memory", "50", "admit.set_limits{memory = 0}" },
    { "--max-memory", "50", "admit.set_limits{memory = false}" },
    { "--max-memory", "50", "admit.set_limits{memory = 51}" },
    { "--max-memory", "50", "admit.set_limits{memory = 1e8}" },
  }
  for _, row in ipairs(RAISES) do
    it(row[1] .. " " .. row[2] .. ": " .. row[3] .. " is refused", function()
      local out, err, code = run({ row[1], row[2], "-e", row[3] .. " print('raised')" })
      assert.are.equal(1, code)
      assert.are.equal("", out)
      assert.truthy(err:find("cannot raise or remove", 1, true)
                    or err:find("instruction limit reached", 1, true), err)
    end)
  end

  it("lowering is allowed, and the lower limit holds", function()
    local out, err, code = run({ "--max-instructions", "10000000", "--max-memory", "50", "-e",
      "admit.set_limits{instructions = 100000, memory = 20} print(admit.limits().memory) while true do end" })
    assert.are.equal(1, code)
    assert.are.equal(tostring(20 * 1024 * 1024) .. "\n", out)
    assert.matches("instruction limit reached %(100000 instructions%)", err)
  end)
end)

-- ------------------------------------------------------- §4 C memory counted
describe("--max-memory counts admit's C memory (issue 9 §4)", function()
  local csv
  setup(function()
    local dir = h.scratch()
    local rows = { "id,bac,boursier,resident,nom,note" }
    for i = 1, 100000 do rows[#rows + 1] = ("%d,general,0,1,Candidat numero %d,%d"):format(i, i, i % 20) end
    csv = h.write(dir .. "/big.csv", table.concat(rows, "\n") .. "\n")
  end)

  it("six datasets of 100k rows under --max-memory 20 stop with the limit's message", function()
    local out, err, code = run({ "--max-memory", "20", "-e", ([[
      local keep = {}
      for i = 1, 6 do keep[i] = admit.candidates(%q) print(i) end]]):format(csv) })
    assert.are.equal(1, code)
    assert.matches("not enough memory", err)
    assert.is_nil(out:find("6", 1, true))
  end)

  it("admit.limits().memory_used includes a dataset's C memory", function()
    local out, err, code = run({ "-e", ([[
      collectgarbage() local before = admit.limits().memory_used
      local c = admit.candidates(%q)
      local after = admit.limits().memory_used
      print(after - before > 4 * 1024 * 1024, collectgarbage("count") * 1024 < after)]]):format(csv) })
    assert.are.same({ "true\ttrue\n", "", 0 }, { out, err, code })
  end)

  it("a dataset freed gives its memory back", function()
    local out, err, code = run({ "--max-memory", "60", "-e", ([[
      for i = 1, 20 do local c = admit.candidates(%q) c = nil collectgarbage() end print("ok")]]):format(csv) })
    assert.are.same({ "ok\n", "", 0 }, { out, err, code })
  end)
end)

-- ----------------------------------------------------- §4 __gc finalizers
describe("limits hold in __gc finalizers (issue 9 §4)", function()
  local LOOPING = {
    { "collected explicitly", "setmetatable({}, {__gc = function() while true do end end}) collectgarbage() print('went on')" },
    { "collected at the end of the run", "setmetatable({}, {__gc = function() while true do end end})" },
    { "a finalizer making more finalized objects", "local mt = {} mt.__gc = function() setmetatable({}, mt) local n = 0 for i = 1, 1e5 do n = n + i end end for i = 1, 10 do setmetatable({}, mt) end while true do collectgarbage() end" },
    { "a finalizer inside a coroutine", "coroutine.wrap(function() setmetatable({}, {__gc = function() while true do end end}) end)() collectgarbage() print('went on')" },
    { "a finalizer under pcall", "pcall(function() setmetatable({}, {__gc = function() while true do end end}) collectgarbage() end) print('went on')" },
  }
  for _, row in ipairs(LOOPING) do
    it("a looping __gc, " .. row[1] .. ", stops under --max-instructions", function()
      local out, err, code = run({ "--max-instructions", "1000000", "-e", row[2] }, nil, 30)
      assert.are.equal(1, code)
      assert.is_nil(out:find("went on", 1, true))
      assert.matches("instruction limit reached", err)
    end)
  end

  it("ordinary finalizers still run, with or without limits", function()
    for _, flags in ipairs { {}, { "--max-instructions", "1000000" } } do
      local args = { table.unpack(flags) }
      args[#args + 1] = "-e"
      args[#args + 1] = "setmetatable({}, {__gc = function() print('finalized') end}) collectgarbage() print('after')"
      local out, err, code = run(args)
      assert.are.same({ "finalized\nafter\n", "", 0 }, { out, err, code })
    end
  end)

  it("the sandbox still refuses __gc", function()
    local _, err, code = run({ "--sandbox", "-e", "setmetatable({}, {__gc = function() end})" })
    assert.are.equal(1, code)
    assert.matches("__gc is not allowed in the sandbox", err)
  end)
end)

-- ------------------------------------------------------------ §4 --max-seconds
describe("--max-seconds (issue 9 §4)", function()
  local SPINS = {
    { "a Lua loop", "while true do end" },
    { "a loop under pcall", "while true do pcall(function() while true do end end) end" },
    { "a long C call (a pattern with no instruction limit)", "print((('a'):rep(99999)):find('.-b'))" },
    { "a looping __gc", "setmetatable({}, {__gc = function() while true do end end}) collectgarbage()" },
    { "an error handler that loops", "xpcall(error, function() while true do end end)" },
  }
  for _, row in ipairs(SPINS) do
    for _, mode in ipairs { "trusted", "sandbox" } do
      if not (mode == "sandbox" and row[2]:find("__gc", 1, true)) then
        it("ends " .. row[1] .. " (" .. mode .. ") with 'time limit reached', exit 1", function()
          local _, err, code = run(with(mode, "--max-seconds", "1", "-e", row[2]), nil, 30)
          assert.are.equal(1, code)
          assert.are.equal("admit: time limit reached (1 s of CPU time): the run was stopped\n", err)
        end)
      end
    end
  end

  it("a call of admit.sandbox.run with {seconds = 0.3} ends the run", function()
    local out, err, code = run({ "-e", [[
      print(pcall(admit.sandbox.run, function() return (('a'):rep(99999)):find('.-b') end, {seconds = 0.3}))
      print('went on')]] }, nil, 30)
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.matches("^admit: time limit reached %(0.3 s of CPU time%)", err)
  end)

  it("a run that finishes in time is not disturbed, and the outer limit comes back", function()
    local out, err, code = run({ "--max-seconds", "30", "-e",
      "admit.sandbox.run(function() end, {seconds = 0.2}) local n = 0 for i = 1, 1e6 do n = n + 1 end print(n)" })
    assert.are.same({ "1000000\n", "", 0 }, { out, err, code })
  end)

  it("refuses a bad value with exit 2", function()
    for _, v in ipairs { "0", "-1", "x", "1.5" } do
      local _, err, code = run({ "--max-seconds", v, "-e", "print(1)" })
      assert.are.equal(2, code)
      assert.matches("'%-%-max%-seconds' needs a positive whole number", err)
    end
  end)
end)
