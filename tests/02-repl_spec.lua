-- The REPL: through a pipe (admit -i < input), the pretty printer, Tab completion's
-- candidates, and the real terminal path (readline, Tab, history, Ctrl-C, Ctrl-D) in tmux.
local h = require "helpers"

local BANNER = "^admit %S+ %(Lua 5%.4%.%d+%)[^\n]*\n"

-- Runs `admit -i` on the given input; returns what follows the banner, stderr, status.
local function session(input, args, opts)
  local argv = { "-i" }
  for _, a in ipairs(args or {}) do argv[#argv + 1] = a end
  local out, err, code = h.run(argv, input, opts)
  assert.matches(BANNER, out)
  return out:gsub(BANNER, ""), err, code
end

describe("the REPL through a pipe", function()
  teardown(h.remove_scratch)

  it("prints an expression without return or =, then leaves at end of input", function()
    local out, err, code = session("1 + 2\n")
    assert.are.equal("> 3\n> \n", out)
    assert.are.equal("", err)
    assert.are.equal(0, code)
  end)

  it("prints nothing for a statement, keeps globals between lines", function()
    local out = session("x = 20\nx * 2 + 2\n")
    assert.are.equal("> > 42\n> \n", out)
  end)

  it("prints each of several results on its own line, nil included", function()
    local out = session("1, nil, 'two'\n")
    assert.are.equal('> 1\nnil\n"two"\n> \n', out)
  end)

  it("accepts the Lua 5.1 habit =expr", function()
    local out = session("=6*7\n")
    assert.are.equal("> 42\n> \n", out)
  end)

  it("continues an incomplete chunk with >>", function()
    local out = session("for i = 1, 3 do\nprint(i)\nend\nfunction f(a,\nb) return a + b end\nf(1, 2)\n")
    assert.are.equal("> >> >> 1\n2\n3\n> >> > 3\n> \n", out)
  end)

  it("reports an error on stderr with a traceback and goes on", function()
    local out, err, code = session("error('oops')\n'still here'\n")
    assert.are.equal('> > "still here"\n> \n', out)
    assert.matches("^admit: stdin:1: oops\nstack traceback:\n", err)
    assert.are.equal(0, code)
  end)

  it("reports a syntax error and goes on", function()
    local out, err = session("x = = 1\n1\n")
    assert.are.equal("> > 1\n> \n", out)
    assert.are.equal("admit: stdin:1: unexpected symbol near '='\n", err)
  end)

  it("reports a chunk left incomplete at end of input", function()
    local out, err, code = session("if true then\n")
    assert.are.equal("> >> > \n", out)
    assert.are.equal("admit: stdin:1: 'end' expected near <eof>\n", err)
    assert.are.equal(0, code)
  end)

  it("admit.fail in the REPL prints the message without traceback and goes on", function()
    local out, err = session("admit.fail('no such file: x.csv')\n1\n")
    assert.are.equal("> > 1\n> \n", out)
    assert.are.equal("admit: no such file: x.csv\n", err)
  end)

  it("runs the script first with -i, then the REPL sees its globals", function()
    local dir = h.scratch()
    local path = h.write(dir .. "/s.lua", "answer = 41 + 1\nprint('script ran', ...)\n")
    local out = session("answer\n", { path, "arg1" })
    assert.are.equal("script ran\targ1\n> 42\n> \n", out)
  end)

  it("runs -e before the REPL; a failing script stops before the REPL, exit 1", function()
    local out = session("y\n", { "-e", "y = 'set by -e'" })
    assert.are.equal('> "set by -e"\n> \n', out)
    local dir = h.scratch()
    local path = h.write(dir .. "/bad.lua", "error('script failed')\n")
    local all, err, code = h.run({ "-i", path }, "print('never')\n")
    assert.matches(BANNER .. "$", all)
    assert.matches("^admit: [^\n]*bad%.lua:1: script failed\n", err)
    assert.are.equal(1, code)
  end)

  it("uses _PROMPT and _PROMPT2", function()
    local out = session("_PROMPT = 'admit> ' _PROMPT2 = '...> '\nif true then\nend\n")
    assert.are.equal("> admit> ...> admit> \n", out)
  end)

  it("pretty-prints tables nested and indented, keys sorted", function()
    local out = session("{ name = 'IUT', rates = { techno = 50, pro = 0 }, 'a', 'b' }\n")
    assert.are.equal('> {\n  "a",\n  "b",\n  name = "IUT",\n  rates = {pro = 0, techno = 50},\n}\n> \n', out)
  end)

  it("marks cycles, cuts long tables with a count, shows userdata through __tostring", function()
    local out = session("t = { x = {} } t.x.up = t\nt\n"
                        .. "long = {} for i = 1, 25 do long[i] = { i } end\nlong\n"
                        .. "io.stdout\n")
    assert.matches("^> > {\n  x = {\n    up = <cycle: top>,\n  },\n}\n", out)
    assert.matches("\n  {20},\n  %.%.%. %(5 more%)\n}\n", out)
    assert.matches("\n> file %(0x%x+%)\n> \n$", out)
  end)
end)

describe("admit.pretty", function()
  teardown(h.remove_scratch)

  local pretty = require "admit.pretty"

  it("renders scalars as Lua literals", function()
    assert.are.equal('"a\\nb"', pretty.format("a\nb"))
    assert.are.equal("42", pretty.format(42))
    assert.are.equal("1.5", pretty.format(1.5))
    assert.are.equal("nil", pretty.format(nil))
    assert.are.equal("{}", pretty.format({}))
  end)

  it("quotes keys that are not identifiers, sorts numbers before strings", function()
    assert.are.equal('{[2.5] = true, [10] = 1, ["a b"] = 2, z = 3}',
                     pretty.format({ z = 3, ["a b"] = 2, [10] = 1, [2.5] = true }))
  end)

  it("names the table a cycle goes back to", function()
    local t = { a = { b = {} } }
    t.a.b.back = t.a
    assert.are.equal("{\n  a = {\n    b = {\n      back = <cycle: top.a>,\n    },\n  },\n}",
                     pretty.format(t))
  end)

  it("shows a table seen twice (not a cycle) twice", function()
    local shared = { 1 }
    assert.are.equal("{\n  {1},\n  {1},\n}", pretty.format({ shared, shared }))
  end)

  it("survives a failing __tostring", function()
    local bad = setmetatable({}, { __tostring = function() error("broken", 0) end })
    assert.are.equal("{<table: __tostring failed: broken>}", pretty.format({ bad }))
  end)

  it("cuts at max_items and max_depth", function()
    assert.are.equal("{1, 2, ... (3 more)}", pretty.format({ 1, 2, 3, 4, 5 }, { max_items = 2 }))
    assert.are.equal("{\n  a = {...},\n}", pretty.format({ a = { b = 1 } }, { max_depth = 1 }))
  end)

  it("shows what a table holds, not what its metamethods compute", function()
    local t = setmetatable({ 1 }, { __index = function() return "computed" end,
                                    __len = function() return 99 end })
    assert.are.equal("{1}", pretty.format(t))
    local named = setmetatable({}, { __tostring = function() return "<formation IUT>" end })
    assert.are.equal("{<formation IUT>}", pretty.format({ named }))
  end)
end)

describe("Tab completion candidates (admit.repl.complete)", function()
  teardown(h.remove_scratch)

  local repl = require "admit.repl"

  it("completes globals and keywords", function()
    assert.are.same({ "print" }, repl.complete("pri", "pri"))
    assert.are.same({ "false", "for", "function" }, repl.complete("x = f", "f"))
    assert.are.same({ "admit" }, repl.complete("local a = adm", "adm"))
  end)

  it("completes the fields after a dot, along a dotted path", function()
    assert.are.same({ "format" }, repl.complete("string.fo", "fo"))
    assert.are.same({ "time", "tmpname" }, repl.complete("print(os.t", "t"))
    local names = repl.complete("admit.", "")
    assert.truthy(#names > 3)
    for _, n in ipairs({ "fail", "check", "lua_dir" }) do
      assert.truthy(table.concat(names, " "):find(n, 1, true), n)
    end
  end)

  it("completes only methods after a colon, for userdata through __index", function()
    assert.are.same({ "seek", "setvbuf" }, repl.complete("io.stdout:se", "se"))
    _G.s = "a string"
    assert.are.same({ "upper" }, repl.complete("s:up", "up"))
    _G.s = nil
    _G.cand = setmetatable({ count = 3 }, { __index = { total = function() end, label = "x" } })
    assert.are.same({ "count", "label", "total" }, repl.complete("cand.", ""))
    assert.are.same({ "total" }, repl.complete("cand:", ""))
    _G.cand = nil
  end)

  it("follows __index chains, and asks __fields when __index is a function", function()
    local base = { area = function() end }
    local mid = setmetatable({ width = 1 }, { __index = base })
    _G.obj = setmetatable({}, { __index = mid })
    assert.are.same({ "area", "width" }, repl.complete("obj.", ""))
    _G.obj = setmetatable({}, {
      __index = function(_, k) if k == "rows" then return function() end end
                               if k == "n" then return 3 end end,
      __fields = function() return { "rows", "n", "__hidden" } end,
    })
    assert.are.same({ "n", "rows" }, repl.complete("obj.", ""))
    assert.are.same({ "rows" }, repl.complete("obj:", ""))
    _G.obj = setmetatable({}, { __index = function() return 1 end })
    assert.are.same({}, repl.complete("obj.", ""))
    _G.obj = nil
  end)

  it("offers nothing inside a string literal", function()
    assert.are.same({}, repl.complete('print("see string.fo', "fo"))
    assert.are.same({}, repl.complete([[print('it\'s string.fo]], "fo"))
    assert.are.same({ "format" }, repl.complete('print("a\\"" .. string.fo', "fo"))
    assert.are.same({ "format" }, repl.complete([[x = 'it\'s' .. string.fo]], "fo"))
  end)

  it("offers nothing for unknown paths or after a call", function()
    assert.are.same({}, repl.complete("nosuch.x", "x"))
    assert.are.same({}, repl.complete("string.format.x", "x"))
    assert.are.same({}, repl.complete("f().", ""))
    assert.are.same({}, repl.complete("io.stdout:write.", ""))
  end)

  it("through the real binary too (the REPL's own module)", function()
    local out = h.run({ "-e", "print(table.concat(require('admit.repl').complete('math.fl', 'fl'), ','))" })
    assert.are.equal("floor\n", out)
  end)
end)

-- ------------------------------------------------------------------ terminal

local function have_tmux()
  return os.execute("command -v tmux > /dev/null 2>&1")
end

describe("the REPL on a terminal (tmux)", function()
  teardown(h.remove_scratch)

  if not have_tmux() then
    it("needs tmux", function()
      pending("tmux is not installed (make deps installs it): the terminal REPL is untested")
    end)
    return
  end

  local socket, dir
  local function tmux(args)
    return os.execute("tmux -L " .. socket .. " -f /dev/null " .. args .. " > /dev/null 2>&1")
  end
  local function screen()
    local p = io.popen("tmux -L " .. socket .. " capture-pane -p -t t 2>/dev/null")
    local s = p:read("a")
    p:close()
    return s
  end
  local function wait_for(pred, what)
    for _ = 1, 100 do
      local s = screen()
      if pred(s) then return s end
      os.execute("sleep 0.05")
    end
    error("timed out waiting for " .. what .. "; screen:\n" .. screen(), 2)
  end
  local function wait_text(text)
    return wait_for(function(s) return s:find(text, 1, true) ~= nil end, "'" .. text .. "'")
  end
  -- default_history: leave ADMIT_HISTORY unset, so that ~/.admit_history is used
  local function start(default_history)
    local unset = default_history and "-u ADMIT_HISTORY" or ""
    local hist = default_history and "" or ("ADMIT_HISTORY=" .. h.quote(dir .. "/hist"))
    local cmd = string.format("env %s HOME=%s %s ASAN_OPTIONS=%s %s; echo exit=$? > %s",
      unset, h.quote(dir), hist, h.quote(os.getenv("ASAN_OPTIONS") or ""),
      h.quote(h.exe()), h.quote(dir .. "/status"))
    assert(tmux("new-session -d -s t -x 100 -y 30 " .. h.quote(cmd)))
    wait_for(function(s) return s:find("\n>") ~= nil end, "the prompt")
  end
  local function keys(...)
    assert(tmux("send-keys -t t " .. table.concat({ ... }, " ")))
  end
  local function wait_exit()
    for _ = 1, 100 do
      local s = h.slurp(dir .. "/status")
      if s and s:sub(-1) == "\n" then return s end  -- complete, not just created
      os.execute("sleep 0.05")
    end
    error("admit did not leave; screen:\n" .. screen())
  end

  before_each(function()
    dir = h.scratch()
    socket = "admit-spec-" .. tostring(os.time()) .. "-" .. math.random(1e6)
  end)
  after_each(function()
    tmux("kill-server")
  end)

  it("evaluates lines, completes with Tab, leaves on Ctrl-D and writes the history", function()
    start()
    assert.matches("^admit %S+ %(Lua 5%.4", screen())
    keys("'x = 20'", "Enter", "'x * 2 + 2'", "Enter")
    wait_text("\n42")
    keys("'string.for'", "Tab")
    wait_text("> string.format")
    keys("'(\"%03d\", 7)'", "Enter")
    wait_text('"007"')
    -- two Tabs list the candidates when there are several
    keys("'io.stdout:se'", "Tab", "Tab")
    local s = wait_text("setvbuf")
    assert.truthy(s:find("seek", 1, true))
    keys("C-u", "'for i = 1, 2 do'", "Enter")
    wait_for(function(sc) return sc:find("\n>>") ~= nil end, "the >> prompt")
    keys("'print(i * 10) end'", "Enter")
    wait_text("\n20")
    keys("C-d")
    assert.are.equal("exit=0\n", wait_exit())
    local hist = h.slurp(dir .. "/hist")
    assert.truthy(hist, "no history file written")
    assert.truthy(hist:find("x = 20\n", 1, true))
    assert.truthy(hist:find("x * 2 + 2\n", 1, true))
    assert.truthy(hist:find('string.format("%03d", 7)\n', 1, true))
  end)

  it("recalls the previous session's history with the Up arrow", function()
    h.write(dir .. "/hist", "recalled_value = 1234\n")
    start()
    keys("Up")
    wait_text("> recalled_value = 1234")
    keys("Enter", "recalled_value", "Enter")
    wait_text("\n1234")
    keys("C-d")
    assert.are.equal("exit=0\n", wait_exit())
  end)

  it("Ctrl-C at the prompt drops the line; Ctrl-C interrupts a running loop", function()
    start()
    keys("'this is not lua'")
    wait_text("> this is not lua")
    keys("C-c")
    wait_for(function(sc) return sc:find("%^C\n>") ~= nil end, "a fresh prompt after ^C")
    keys("'1 + 1'", "Enter")
    local s = wait_text("\n2")
    assert.falsy(s:find("syntax", 1, true))
    -- Ctrl-C after a Tab (completion runs Lua) still only drops the line
    keys("'string.fo'", "Tab")
    wait_text("> string.format")
    keys("C-c")
    wait_for(function(sc) return sc:find("string%.format%^C\n>") ~= nil end, "a fresh prompt after ^C")
    keys("'2 + 2'", "Enter")
    wait_text("\n4")
    -- Ctrl-C in a continuation line drops the whole chunk
    keys("'for i = 1, 2 do'", "Enter")
    wait_for(function(sc) return sc:find("\n>>") ~= nil end, "the >> prompt")
    keys("C-c")
    wait_for(function(sc) return sc:find(">> %^C\n>") ~= nil end, "a fresh prompt after ^C")
    keys("'5 * 5'", "Enter")
    wait_text("\n25")
    keys("'print(\"looping\") while true do end'", "Enter")
    wait_text("\nlooping")  -- printed from inside the protected call: Ctrl-C is armed
    keys("C-c")
    wait_text("admit: interrupted")
    keys("'3 + 3'", "Enter")
    wait_text("\n6")
    keys("C-d")
    assert.are.equal("exit=0\n", wait_exit())
  end)

  it("keeps the history in ~/.admit_history without ADMIT_HISTORY, one copy of repeats", function()
    start(true)
    keys("'first_line = 1'", "Enter", "'first_line = 1'", "Enter", "'second_line = 2'", "Enter")
    wait_for(function(sc) return select(2, sc:gsub("\n> ", "")) >= 3 end, "three prompts")
    keys("C-d")
    assert.are.equal("exit=0\n", wait_exit())
    assert.are.equal("first_line = 1\nsecond_line = 2\n", h.slurp(dir .. "/.admit_history"))
  end)

  it("appends the session's lines to the history file, keeping what another wrote", function()
    h.write(dir .. "/hist", "old_line = 1\n")
    start()
    keys("'new_line = 2'", "Enter")
    wait_for(function(sc) return select(2, sc:gsub("\n>", "")) >= 2 end, "two prompts")
    -- another session saved meanwhile
    local f = assert(io.open(dir .. "/hist", "a"))
    f:write("other_session = 3\n")
    f:close()
    keys("C-d")
    assert.are.equal("exit=0\n", wait_exit())
    assert.are.equal("old_line = 1\nother_session = 3\nnew_line = 2\n", h.slurp(dir .. "/hist"))
  end)

  it("os.exit from the REPL still saves the history", function()
    start()
    keys("'saved_before_exit = true'", "Enter", "'os.exit(4)'", "Enter")
    assert.are.equal("exit=4\n", wait_exit())
    local hist = h.slurp(dir .. "/hist") or ""
    assert.truthy(hist:find("saved_before_exit = true\n", 1, true), "history: " .. hist)
  end)
end)
