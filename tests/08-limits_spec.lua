-- --max-memory and --max-instructions, admit.set_limits, and memory errors inside C code.
-- Every command runs under `timeout`: a limit that does not hold fails the spec (status
-- 124) instead of hanging the suite.
local h = require "helpers"

local function admit_run(args, stdin, env)
  return h.run(args, stdin, { env = (env and env .. " " or "") .. "timeout 60" })
end

local LIMIT_MSG = "instruction limit reached %(200000 instructions%): the script was stopped"

describe("--max-instructions", function()
  local runaways = {
    ["a plain loop"] = "while true do end",
    ["a loop inside pcall, in a loop"] =
      "while true do pcall(function() while true do end end) end",
    ["xpcall with a handler that loops too"] =
      "while true do xpcall(function() while true do end end, function() while true do end end) end",
    ["xpcall whose handler calls the loop again"] = [[
      local function loop() while true do end end
      while true do xpcall(loop, function() return select(2, pcall(loop)) end) end]],
    ["coroutine.wrap under pcall"] =
      "while true do pcall(coroutine.wrap(function() while true do end end)) end",
    ["coroutine.resume swallowing errors"] = [[
      while true do coroutine.resume(coroutine.create(function() while true do end end)) end]],
    ["a coroutine created before the loop starts"] = [[
      local co = coroutine.create(function() while true do pcall(function() while true do end end) end end)
      while true do coroutine.resume(co) end]],
    ["a recursive error handler"] = [[
      local function f() error("x") end
      while true do xpcall(f, function(e) return xpcall(f, function() while true do end end) end) end]],
    ["a string pattern that backtracks for hours"] =
      [[local s = ("a"):rep(20000) while true do pcall(string.find, s, "(.-)(.-)(.-)b") end]],
    ["string.rep making gigabytes in a few instructions"] =
      "while true do local s = ('x'):rep(2^30) end",
    ["table.move over the whole integer range"] =
      "table.move({}, 1, math.maxinteger - 1, 2)",
    ["a looping __close run by coroutine.close, which returns the error"] = [[
      local co = coroutine.create(function()
        local x <close> = setmetatable({}, {__close = function() while true do end end})
        coroutine.yield()
      end)
      coroutine.resume(co)
      coroutine.close(co)
      print("finished quietly")]],
    ["a looping __close"] = [[
      while true do pcall(function()
        local x <close> = setmetatable({}, {__close = function() while true do end end})
      end) end]],
  }
  for name, source in pairs(runaways) do
    it("stops " .. name .. " with a clear message, exit 1", function()
      local out, err, code = admit_run({ "--max-instructions", "200000", "-e", source })
      assert.are.equal(1, code)
      assert.are.equal("", out)
      assert.matches("^admit: ", err)
      if not err:find("too complex") then assert.matches(LIMIT_MSG, err) end
    end)
    it("stops " .. name .. " in the sandbox too", function()
      local _, err, code = admit_run({ "--sandbox", "--max-instructions", "200000", "-e", source })
      assert.are.equal(1, code)
      assert.matches("^admit: ", err)
    end)
  end

  it("names the line that was running", function()
    local _, err, code = admit_run({ "--max-instructions", "200000", "-e", "local x = 0\nwhile true do\nx = x + 1\nend" })
    assert.are.equal(1, code)
    assert.matches("^admit: %(command line%):[234]: instruction limit reached", err)
  end)

  it("lets a script within its budget finish", function()
    local out, err, code = admit_run({ "--max-instructions", "10000000", "-e",
      "local n = 0 for i = 1, 100000 do n = n + i end print(n)" })
    assert.are.same({ "5000050000\n", "", 0 }, { out, err, code })
  end)

  it("refuses a bad value with exit 2", function()
    for _, v in ipairs { "0", "-5", "abc", "12x" } do
      local _, err, code = admit_run({ "--max-instructions", v, "-e", "print(1)" })
      assert.are.equal(2, code)
      assert.matches("'%-%-max%-instructions' needs a positive whole number", err)
    end
  end)
end)

describe("--max-memory", function()
  it("turns a memory hog into 'not enough memory', exit 1, no crash", function()
    local _, err, code = admit_run({ "--max-memory", "16", "-e",
      "local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(64) .. i end" })
    assert.are.equal(1, code)
    assert.are.equal("admit: not enough memory\n", err)
  end)

  it("also for one huge string", function()
    local _, err, code = admit_run({ "--max-memory", "16", "-e", "local s = ('x'):rep(64 * 1024 * 1024)" })
    assert.are.equal(1, code)
    assert.are.equal("admit: not enough memory\n", err)
  end)

  it("is sticky: a pcall catching the memory error cannot go on (issue 9 §4)", function()
    local out, err, code = admit_run({ "--max-memory", "16", "-e",
      "local ok, e = pcall(string.rep, 'x', 64 * 1024 * 1024) print(ok, e) print(#('y'):rep(1000))" })
    assert.are.same({ "", "admit: not enough memory\n", 1 }, { out, err, code })
  end)

  it("holds in the sandbox", function()
    local _, err, code = admit_run({ "--sandbox", "--max-memory", "16", "-e",
      "local t = {} while true do t[#t + 1] = {} end" })
    assert.are.equal(1, code)
    assert.are.equal("admit: not enough memory\n", err)
  end)

  it("refuses a bad value with exit 2", function()
    local _, err, code = admit_run({ "--max-memory", "lots", "-e", "print(1)" })
    assert.are.equal(2, code)
    assert.matches("'%-%-max%-memory' needs a positive whole number", err)
  end)
end)

describe("memory errors inside C code", function()
  local dir, big
  setup(function()
    dir = h.tmpdir()
    local rows = { "id,nom,ville,note" }
    for i = 1, 60000 do rows[#rows + 1] = ("%d,Nom numéro %d,Amiens,%d"):format(i, i, i % 20) end
    big = h.write(dir .. "/big.csv", table.concat(rows, "\n") .. "\n")
  end)

  it("read_csv of a file that does not fit: 'not enough memory', exit 1", function()
    local _, err, code = admit_run({ "--max-memory", "4", "-e",
      ("admit.read_csv(%q)"):format(big) })
    assert.are.equal(1, code)
    assert.are.equal("admit: not enough memory\n", err)
  end)

  -- The cap is reached at every possible point of building the Lua tables (the C side
  -- holds the rows meanwhile): each attempt fails cleanly, and the state stays usable.
  it("the cap hit while the rows are turned into Lua tables leaves a working state", function()
    local script = ([[
      local path = %q
      local failures, successes = 0, 0
      for mb = 1, 64, 3 do
        local ok, err = pcall(admit.sandbox.run, admit.read_csv, { memory = mb }, path)
        if ok then successes = successes + 1 else
          assert(tostring(err):find("not enough memory"), tostring(err))
          failures = failures + 1
        end
        collectgarbage()
      end
      local header, rows = admit.read_csv(path)
      print(failures > 0, successes > 0, #header, #rows, rows[60000].nom, rows[60000]._line)
    ]]):format(big)
    local out, err, code = admit_run({ "-e", script })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.are.equal("true\ttrue\t4\t60000\tNom numéro 60000\t60001\n", out)
  end)

  -- Under `make asan` a leak here (the C result of utf8proc lost by the memory error)
  -- is a LeakSanitizer report, which fails the run.
  it("admit.fold running out of memory: a clean error, nothing lost", function()
    local out, err, code = admit_run({ "-e", [[
      local s = ("É"):rep(300000)
      print(pcall(admit.sandbox.run, admit.fold, { memory = 0.1 }, s))
      print(admit.fold("ÉLÈVE"))]] })
    assert.are.same({ "false\tnot enough memory\neleve\n", "", 0 }, { out, err, code })
  end)

  it("admit.limits reports the caps", function()
    local out, _, code = admit_run({ "--max-memory", "32", "--max-instructions", "5000000", "-e",
      "local l = admit.limits() print(l.memory, l.instructions, l.memory_used > 0, l.memory_used < l.memory)" })
    assert.are.equal(0, code)
    assert.are.equal(("%d\t5000000\ttrue\ttrue\n"):format(32 * 1024 * 1024), out)
  end)
end)

describe("admit.set_limits", function()
  it("sets an instruction budget from Lua", function()
    local _, err, code = admit_run({ "-e", "admit.set_limits{instructions = 100000} while true do end" })
    assert.are.equal(1, code)
    assert.matches("instruction limit reached %(100000 instructions%)", err)
  end)

  it("sets a memory cap from Lua, and false removes it", function()
    local _, err, code = admit_run({ "-e", "admit.set_limits{memory = 8} local s = ('x'):rep(16 * 1024 * 1024)" })
    assert.are.equal(1, code)
    assert.are.equal("admit: not enough memory\n", err)
    local out
    out, err, code = admit_run({ "-e",
      "admit.set_limits{memory = 8} admit.set_limits{memory = false} print(#('x'):rep(16 * 1024 * 1024))" })
    assert.are.same({ "16777216\n", "", 0 }, { out, err, code })
  end)

  it("refuses nonsense", function()
    local _, err, code = admit_run({ "-e", "admit.set_limits{memory = -1}" })
    assert.are.equal(1, code)
    assert.matches("memory must be", err)
  end)
end)

describe("Ctrl-C", function()
  -- one SIGINT after a second (--foreground: to admit only, not to its process group;
  -- -k: a KILL if it did not stop, which fails the spec with 137)
  local ctrl_c = "timeout --foreground --preserve-status -k 10 -s INT 1"
  for name, source in pairs {
    ["a plain loop"] = "while true do end",
    ["a loop in a coroutine under pcall"] =
      "while true do pcall(coroutine.wrap(function() while true do end end)) end",
    ["a loop in a coroutine resumed again and again"] =
      "local co = coroutine.create(function() while true do end end) while true do coroutine.resume(co) end",
  } do
    it("interrupts " .. name, function()
      local _, err, code = h.run({ "-e", source }, nil, { env = ctrl_c })
      assert.are.equal(1, code)
      assert.matches("^admit: .*interrupted", err)
    end)
  end
end)
