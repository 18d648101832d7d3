-- Policies loaded by name under limits (issue 6 items 3-4 as they meet issue 4's policies):
-- default limits per call, limits set by the loader or declared by the policy (tighten
-- only), read-only data handed to a policy, and a policy's failure reported cleanly.
local h = require "tests.helpers"

local function failure(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error")
  return err
end

local function message(fn, ...)
  local err = failure(fn, ...)
  return type(err) == "table" and err.message or tostring(err)
end

local APPLICANTS = {
  { id = "1", maths = 12, bac = "general" },
  { id = "2", maths = 15, bac = "techno" },
  { id = "3", maths = 9, bac = "pro" },
}

local function copy_rows(rows)
  local out = {}
  for i, r in ipairs(rows) do
    out[i] = {}
    for k, v in pairs(r) do out[i][k] = v end
  end
  return out
end

describe("policy limits", function()
  local dir = h.tmpdir()
  local function policy_file(name, text) return h.write(dir .. "/" .. name .. ".lua", text) end
  teardown(function() os.execute("rm -rf " .. h.quote(dir)) end)

  local function rank_policy(name, body)
    policy_file(name, "return admit.policy{\n  name = '" .. name .. "',\n  rank = function(c)\n"
      .. body .. "\n  end,\n}\n")
  end

  -- A stopped rank function: an admit error of status 1 naming the policy, its file and
  -- the line of its rank function.
  local function assert_stopped(name, opts, pattern)
    -- memory counts from what is in use at the call: the garbage of the bombs before would
    -- make room
    collectgarbage()
    local p = admit.load_policy(name, opts or { dir = dir })
    local err = failure(p.classement, p, {}, copy_rows(APPLICANTS))
    assert.are.equal("table", type(err))
    assert.are.equal(1, err.exit)
    local where = ("policy '" .. name .. "' (" .. dir .. "/" .. name .. ".lua:3): "):gsub("%p", "%%%0")
    assert.matches("^" .. where .. "the rank function failed for candidate '1': ", err.message)
    assert.matches(pattern, err.message)
    assert.is_nil(err.message:find("stack traceback", 1, true))
    -- the limits are lifted afterwards
    assert.are.equal(0, admit.limits().instructions)
    assert.are.equal(0, admit.limits().memory)
    return err.message
  end

  it("has documented defaults", function()
    assert.are.same({ instructions = 10000000, memory = 100, seconds = 5 }, admit.POLICY_LIMITS)
  end)

  it("stops an endless loop in a rank function", function()
    rank_policy("spin", "    local n = 0\n    while true do n = n + c.maths end")
    local msg = assert_stopped("spin", nil, "instruction limit reached %(10000000 instructions%)")
    -- the line named is the policy's loop, not admit's own code reading the candidate
    assert.matches("spin%.lua:%d: instruction limit", msg)
    assert.matches("a loop that never ends%?", msg)
  end)

  it("names the policy's line even when the stop falls in admit's code reading a candidate", function()
    rank_policy("reader", "    while true do\n      local x = c.maths\n    end")
    for _, n in ipairs { 100000, 100500, 101000, 102000, 1000000 } do
      assert_stopped("reader", { dir = dir, instructions = n },
                     "reader%.lua:5: instruction limit reached %(" .. n .. " instructions%)")
    end
  end)

  it("stops it inside pcall and inside a coroutine", function()
    rank_policy("spin_pcall", "    while true do pcall(function() while true do end end) end")
    assert_stopped("spin_pcall", nil, "instruction limit reached %(10000000 instructions%)")
    rank_policy("spin_coroutine", [[
    local co = coroutine.wrap(function()
      while true do pcall(coroutine.yield) end
    end)
    while true do co() end]])
    assert_stopped("spin_coroutine", nil, "instruction limit reached")
    rank_policy("spin_resume", [[
    local co = coroutine.create(function() while true do end end)
    local ok = coroutine.resume(co)
    return 1]])
    assert_stopped("spin_resume", nil, "instruction limit reached")
  end)

  it("stops a memory bomb (string.rep, a growing table)", function()
    rank_policy("rep", '    return #string.rep("x", 100000000)')
    assert_stopped("rep", nil, "not enough memory\n%(a table or a text that keeps growing%?")
    rank_policy("table_bomb", '    local t = {}\n    while true do t[#t + 1] = ("x"):rep(1000) .. #t end')
    assert_stopped("table_bomb", nil, "not enough memory")
    -- a huge string.rep is refused by its cost before it allocates
    rank_policy("rep_huge", '    return #string.rep("x", 1 << 40)')
    assert_stopped("rep_huge", nil, "instruction limit reached")
  end)

  it("stops a runaway policy file body too (status 1)", function()
    policy_file("body", "while true do end\n")
    local err = failure(admit.load_policy, "body", { dir = dir })
    assert.are.equal(1, err.exit)
    assert.matches("^load_policy 'body': .*body%.lua:1: instruction limit reached", err.message)
    policy_file("body_bomb", "local t = {}\nwhile true do t[#t + 1] = {} end\n")
    collectgarbage()
    err = failure(admit.load_policy, "body_bomb", { dir = dir })
    assert.are.equal(1, err.exit)
    assert.are.equal("load_policy 'body_bomb' (" .. dir .. "/body_bomb.lua): not enough memory\n(a table or"
      .. " a text that keeps growing? a policy file, while it runs, may hold a limited amount of memory:"
      .. " see SCRIPTING.md §6)", err.message)
    -- an error of the file itself stays an input error (status 2)
    policy_file("body_error", "return admit.policy{ program = 3 }\n")
    err = failure(admit.load_policy, "body_error", { dir = dir })
    assert.are.equal(2, err.exit)
    -- (`return admit.policy{...}` is a tail call, but to a C function: its line is named)
    assert.are.equal("load_policy 'body_error': " .. dir .. "/body_error.lua:1: admit.policy: 'program'"
      .. " must be a string, got number", err.message)
    policy_file("body_error2", "\nlocal p = admit.policy{ program = 3 }\nreturn p\n")
    err = failure(admit.load_policy, "body_error2", { dir = dir })
    assert.are.equal(2, err.exit)
    assert.matches("^load_policy 'body_error2': .*body_error2%.lua:2: admit.policy: 'program' must be a string",
                   err.message)
  end)

  it("a normal policy never meets the defaults; trusted = true runs without them", function()
    local loop = "    local s = 0\n    for i = 1, 4000000 do s = s + i % 7 end\n    return s + c.maths"
    rank_policy("long", loop)
    assert_stopped("long", nil, "instruction limit reached %(10000000 instructions%)")
    local trusted = admit.load_policy("long", { dir = dir, trusted = true })
    local out = trusted:classement({}, copy_rows(APPLICANTS))
    assert.are.same({ "2", "1", "3" }, { out[1].id, out[2].id, out[3].id })
    -- the shipped policies rank a cohort under the defaults
    local iut = admit.load_policy("iut-lille-informatique")
    local rows = {}
    for i = 1, 2000 do
      rows[i] = { id = tostring(i), maths = i % 20, francais = 10, moyenne = 12, motivation = i % 7 }
    end
    assert.are.equal(2000, #iut:classement({}, rows))
  end)

  it("takes the loader's limits, for the file and every call", function()
    rank_policy("medium", "    for i = 1, 100000 do end\n    return c.maths")
    assert_stopped("medium", { dir = dir, instructions = 50000 }, "instruction limit reached %(50000 instructions%)")
    rank_policy("grow", '    local t = {}\n    for i = 1, 2000000 do t[i] = i end\n    return c.maths')
    assert_stopped("grow", { dir = dir, memory = 1 }, "not enough memory")
    -- trusted with limits: limited too
    assert_stopped("medium", { dir = dir, trusted = true, instructions = 50000 }, "50000 instructions")
    -- more than the default, when the officer says so
    local p = admit.load_policy("long", { dir = dir, instructions = 100000000 })
    assert.are.equal(3, #p:classement({}, copy_rows(APPLICANTS)))
    -- or none (0 or false), in the sandbox all the same
    for _, none in ipairs { 0, false } do
      p = admit.load_policy("long", { dir = dir, instructions = none })
      assert.are.equal(3, #p:classement({}, copy_rows(APPLICANTS)))
    end
  end)

  it("a policy's own limits tighten the loader's, never loosen them", function()
    policy_file("tight", [[
return admit.policy{
  name = 'tight',
  rank = function(c)
    for i = 1, 100000 do end
    return c.maths
  end,
  limits = { instructions = 20000 },
}]])
    assert_stopped("tight", nil, "instruction limit reached %(20000 instructions%)")
    policy_file("loose", [[
return admit.policy{
  name = 'loose',
  rank = function(c)
    while true do end
  end,
  limits = { instructions = 1000000000, memory = 100000 },
}]])
    assert_stopped("loose", nil, "instruction limit reached %(10000000 instructions%)")
    assert_stopped("loose", { dir = dir, instructions = 30000 }, "%(30000 instructions%)")
    -- a policy made in a script: its limits hold on its own
    local p = admit.policy { name = "inline", rank = function() while true do end end,
                             limits = { instructions = 40000 } }
    assert.matches("^policy 'inline' %(.-11%-policy_limits_spec%.lua:%d+%): the rank function failed"
                   .. " for candidate '1': .*%(40000 instructions%)",
                   message(p.classement, p, {}, copy_rows(APPLICANTS)))
  end)

  it("checks the limits it is given", function()
    policy_file("plain", "return admit.policy{ rank = function(c) return c.maths end }\n")
    assert.matches("load_policy: limits.instructions must be a whole number",
                   message(admit.load_policy, "plain", { dir = dir, instructions = -5 }))
    assert.matches("load_policy: limits.memory must be a number of MB > 0",
                   message(admit.load_policy, "plain", { dir = dir, memory = "lots" }))
    assert.matches("load_policy: unknown option 'instrutions'",
                   message(admit.load_policy, "plain", { dir = dir, instrutions = 5 }))
    assert.matches("admit.policy: limits: unknown limit 'cpu'",
                   message(admit.policy, { limits = { cpu = 1 } }))
    assert.matches("admit.policy: limits.instructions must be a whole number",
                   message(admit.policy, { limits = { instructions = 1.5 } }))
    assert.are.same({ instructions = 10000000 }, admit.policy { limits = { instructions = 1e7 } }.limits)
  end)
end)

describe("data handed to a policy is read-only", function()
  local dir = h.tmpdir()
  teardown(function() os.execute("rm -rf " .. h.quote(dir)) end)

  local function load(name, text)
    h.write(dir .. "/" .. name .. ".lua", text)
    return admit.load_policy(name, { dir = dir })
  end

  it("a candidate: no raw key, no write, no metatable, pairs gives no row", function()
    local p = load("probe", [[
return admit.policy{
  rank = function(c)
    assert(next(c) == nil, "next reached a key")
    assert(rawget(c, "maths") == nil, "rawget reached a value")
    assert(rawlen(c) == 0)
    local ok, err = pcall(rawset, c, "maths", 20)
    assert(not ok and err:find("read%-only"), "rawset: " .. tostring(err))
    ok, err = pcall(setmetatable, c, {})
    assert(not ok, "setmetatable on a candidate")
    ok, err = pcall(function() c.maths = 20 end)
    assert(not ok and err:find("candidate is read%-only %(cannot set 'maths'%)"), tostring(err))
    assert(getmetatable(c) == false)
    local iter, state = pairs(c)
    assert(state == c or rawget(state, "id") == nil, "pairs handed out the row")
    local n = 0
    for k, v in pairs(c) do n = n + 1 end
    assert(n >= 3, "pairs lists the columns")
    return c.maths
  end,
}]])
    local rows = copy_rows(APPLICANTS)
    local out = p:classement({}, rows)
    assert.are.same({ "2", "1", "3" }, { out[1].id, out[2].id, out[3].id })
    assert.are.same(APPLICANTS, rows)
  end)

  it("each attempt to write a candidate fails with a message", function()
    local attempts = {
      ["c.maths = 20"] = "candidate is read%-only %(cannot set 'maths'%)",
      ["rawset(c, 'maths', 20)"] = "rawset: this table is read%-only",
      ["setmetatable(c, {})"] = "cannot change a protected metatable",
      ["local k, row = next(c); row.maths = 20"] = "attempt to index a nil value",
    }
    local i = 0
    for code, pattern in pairs(attempts) do
      i = i + 1
      local p = load("w" .. i, "return admit.policy{ rank = function(c) " .. code .. " return 1 end }")
      local rows = copy_rows(APPLICANTS)
      local msg = message(p.classement, p, {}, rows)
      assert.matches("the rank function failed for candidate '1': .*" .. pattern, msg, code)
      assert.are.same(APPLICANTS, rows, code)
    end
  end)

  it("the formation, caps and applicants given to groups", function()
    local attempts = {
      ["f.capacity = 0"] = "formation is read%-only %(cannot set 'capacity'%)",
      ["rawset(f, 'capacity', 0)"] = "rawset: this table is read%-only",
      ["setmetatable(f, {})"] = "cannot change a protected metatable",
      ["assert(next(f) == nil, 'next(f)'); f.x = 1"] = "formation is read%-only",
      ["applicants[1].bac = 'techno'"] = "read%-only %(cannot set 'bac'%)",
      ["applicants[4] = {}"] = "applicants is read%-only",
      ["table.insert(applicants, {})"] = "read%-only",
      ["rawset(applicants[1], 'bac', 'x')"] = "rawset: this table is read%-only",
      ["assert(next(applicants) == nil, 'next(applicants)'); applicants.x = 1"] = "applicants is read%-only",
    }
    local i = 0
    for code, pattern in pairs(attempts) do
      i = i + 1
      local p = load("g" .. i, "return admit.policy{ groups = function(f, caps, applicants) "
        .. code .. " return caps end }")
      local f = { formation_id = "F1", capacity = 30, caps = { techno = 10, pro = 0, other = 20 } }
      local rows = copy_rows(APPLICANTS)
      local msg = message(p.capacities, p, f, f.caps, rows)
      assert.matches("^policy 'g" .. i .. "' %(.-g" .. i .. "%.lua:1%): the groups function failed: .*"
                     .. pattern, msg, code)
      assert.are.same({ formation_id = "F1", capacity = 30, caps = { techno = 10, pro = 0, other = 20 } }, f)
      assert.are.same(APPLICANTS, rows, code)
    end
    -- caps is the policy's own copy: it may change it and return it, the host's stays
    local p = load("mover", [[
return admit.policy{ groups = function(f, caps, applicants)
  caps.other = caps.other + caps.techno
  caps.techno = 0
  return caps
end }]])
    local f = { formation_id = "F1", caps = { techno = 10, pro = 0, other = 20 } }
    assert.are.same({ techno = 0, pro = 0, other = 30 }, p:capacities(f, f.caps, copy_rows(APPLICANTS)))
    assert.are.same({ techno = 10, pro = 0, other = 20 }, f.caps)
  end)

  it("a policy changed by its file after loading stays as loaded", function()
    local p = load("sneaky", [[
local P
P = admit.policy{
  name = "sneaky",
  rank = function(c)
    P.rank = function() while true do end end
    P.limits = nil
    return c.maths
  end,
}
return P]])
    for _ = 1, 2 do
      local out = p:classement({}, copy_rows(APPLICANTS))
      assert.are.equal("2", out[1].id)
    end
    -- a function put in after admit.policy{} is limited all the same
    local q = load("late", [[
local P = admit.policy{ name = "late", rank = function(c) return 1 end }
P.rank = function(c) while true do end end
return P]])
    assert.matches("instruction limit reached", message(q.classement, q, {}, copy_rows(APPLICANTS)))
  end)
end)

describe("a failing policy reaches the officer as one clean message", function()
  local dir = h.tmpdir()
  teardown(function() os.execute("rm -rf " .. h.quote(dir)) end)
  local function compare(name, text)
    local pdir = dir .. "/" .. name
    os.execute("mkdir -p " .. h.quote(pdir))
    h.write(pdir .. "/" .. name .. ".lua", text)
    return pdir, h.run({ "scripts/compare_policies.lua", "--policies", pdir, "--candidates", "3000" },
                       nil, { env = "timeout 120" })
  end

  it("compare_policies.lua with a typo'd column", function()
    local pdir, out, err, code = compare("typo", [[
return admit.policy{
  program = "Informatique",
  rank = function(c) return c.mahts * 2 end,
}]])
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.matches("^admit: policy 'typo' %(" .. pdir:gsub("%p", "%%%0") .. "/typo%.lua:3%): the rank function"
                   .. " failed for candidate '[^']+': .-typo%.lua:3: unknown column 'mahts' %(the candidates"
                   .. " have: .*maths", err)
    assert.is_nil(err:find("traceback", 1, true))
    assert.is_nil(err:find("/lua/admit/", 1, true))
  end)

  it("compare_policies.lua with a runaway and a failing groups function", function()
    local _, out, err, code = compare("runaway", [[
return admit.policy{
  program = "Informatique",
  rank = function(c)
    while true do end
  end,
}]])
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.matches("^admit: policy 'runaway' %(.-runaway%.lua:3%): the rank function failed for candidate"
                   .. " '[^']+': .-runaway%.lua:4: instruction limit reached %(10000000 instructions%)", err)
    assert.is_nil(err:find("traceback", 1, true))
    local _, out2, err2, code2 = compare("groups", [[
return admit.policy{
  program = "Informatique",
  groups = function(f, caps, applicants)
    return { techno = caps.techno, pro = caps.pro, other = caps.other + 1 }
  end,
}]])
    assert.are.equal(1, code2)
    assert.are.equal("", out2)
    assert.matches("^admit: policy 'groups' %(.-groups%.lua:3%): groups gave %d+ seats, the formation has %d+\n$", err2)
  end)

  it("a formation's call orders report it the same way", function()
    local p = admit.policy { name = "bad", rank = function(c) return c.nope + 1 end }
    local c = admit.check(admit.candidates(h.root .. "/tests/fixtures/callorder/candidates.csv"))
    local f = admit.formation { program = "BTS", capacity = 24, policy = p }
    local err = failure(f.call_orders, f, c)
    assert.are.equal(1, err.exit)
    assert.matches("^policy 'bad' %(.-%.lua:%d+%): the rank function failed for candidate '%d+': .*nope",
                   err.message)
  end)
end)

describe("SCRIPTING.md §4 policy examples", function()
  -- Every ```lua block of "### Policies" runs as written (from the source tree).
  local doc = h.slurp(h.root .. "/SCRIPTING.md")
  local section = doc:match("\n### Policies\n(.-)\n## 5%.")
  local n = 0
  for block in section:gmatch("```lua\n(.-)```") do
    n = n + 1
    it("runs block " .. n, function()
      local dir = h.tmpdir()
      local path = h.write(dir .. "/example.lua", block)
      local out, err, code = h.run({ path }, nil, { cwd = h.root })
      os.execute("rm -rf " .. h.quote(dir))
      assert.are.equal("", err)
      assert.are.equal(0, code)
      -- what the comments say is printed
      for line in block:gmatch("[^\n]+") do
        local shown = line:match("^print%(.-%)%s+%-%- (%S+  ?%S*)")
        if shown then assert.truthy(out:find(shown:match("^(%S+)"), 1, true), line) end
      end
    end)
  end
  it("has examples", function() assert.is_true(n >= 2) end)
end)
