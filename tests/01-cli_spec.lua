-- The command line, as lua(1) of Lua 5.4 plus admit's commands: options, the arg table,
-- LUA_INIT, exit statuses, error reports, Ctrl-C, dispatch of words and scripts.
local h = require "helpers"

local function script(text)
  local dir = h.scratch()
  return h.write(dir .. "/s.lua", text), dir
end

describe("admit command line", function()
  teardown(h.remove_scratch)

  it("runs -e chunks and exits 0", function()
    local out, err, code = h.run({ "-e", "print(1 + 2)" })
    assert.are.equal("3\n", out)
    assert.are.equal("", err)
    assert.are.equal(0, code)
  end)

  it("runs several -e and -l in the order given, -e glued to its chunk", function()
    local out, _, code = h.run({ "-e", "x = 1", "-eprint(x + 1)", "-l", "lfs", "-e", "print(type(lfs.dir))" })
    assert.are.equal("2\nfunction\n", out)
    assert.are.equal(0, code)
  end)

  it("-l g=mod stores require(mod) in global g, not in mod", function()
    local out, _, code = h.run({ "-l", "J=cjson", "-e", "print(type(J.encode), cjson)" })
    assert.are.equal("function\tnil\n", out)
    assert.are.equal(0, code)
  end)

  it("-l of a missing module fails with require's message, exit 1", function()
    local out, err, code = h.run({ "-l", "no_such_module", "-e", "print('not reached')" })
    assert.are.equal("", out)
    assert.matches("^admit: module 'no_such_module' not found:", err)
    assert.are.equal(1, code)
  end)

  it("reports a runtime error with admit: and a traceback, exit 1", function()
    local out, err, code = h.run({ "-e", "error('boom')" })
    assert.are.equal("", out)
    assert.matches("^admit: %(command line%):1: boom\nstack traceback:\n", err)
    assert.are.equal(1, code)
  end)

  it("reports an error in a script with its file and line and the traceback", function()
    local path = script("local function inner()\n  error('deep')\nend\ninner()\n")
    local _, err, code = h.run({ path })
    assert.matches("^admit: [^\n]*/s%.lua:2: deep\nstack traceback:\n", err)
    assert.matches("s%.lua:2: in local 'inner'", err)
    assert.are.equal(1, code)
  end)

  it("reports error objects that are not strings", function()
    local _, err, code = h.run({ "-e", "error({})" })
    assert.matches("^admit: %(error object is a table value%)", err)
    assert.are.equal(1, code)
    _, err, code = h.run({ "-e", "error(setmetatable({}, {__tostring = function() return 'custom' end}))" })
    assert.are.equal("admit: custom\n", err)
    assert.are.equal(1, code)
  end)

  it("admit.fail stops with its message, no traceback, exit 2 or the status given", function()
    local _, err, code = h.run({ "-e", "admit.fail('bad input: x.csv:3:2: not a number')" })
    assert.are.equal("admit: bad input: x.csv:3:2: not a number\n", err)
    assert.are.equal(2, code)
    _, err, code = h.run({ "-e", "admit.fail('other', 5)" })
    assert.are.equal("admit: other\n", err)
    assert.are.equal(5, code)
  end)

  it("any error table with a string message is structured: message, exit status", function()
    local _, err, code = h.run({ "-e", "error({ message = 'from a table', exit = 7 })" })
    assert.are.equal("admit: from a table\n", err)
    assert.are.equal(7, code)
    _, err, code = h.run({ "-e", "error({ message = 12 })" })
    assert.matches("^admit: %(error object is a table value%)\nstack traceback:\n", err)
    assert.are.equal(1, code)
  end)

  it("os.exit sets the exit status", function()
    local _, _, code = h.run({ "-e", "os.exit(3)" })
    assert.are.equal(3, code)
    _, _, code = h.run({ "-e", "os.exit(false)" })
    assert.are.equal(1, code)
  end)

  it("a syntax error is reported with its line, exit 1", function()
    local path = script("print('ok')\nlocal = 3\n")
    local out, err, code = h.run({ path })
    assert.are.equal("", out)
    assert.matches("^admit: [^\n]*/s%.lua:2: <name> expected near '='\n$", err)
    assert.are.equal(1, code)
  end)

  it("a missing script is an input error, exit 2", function()
    local _, err, code = h.run({ "no/such/script.lua" })
    assert.are.equal("admit: no/such/script.lua: cannot open: No such file or directory\n", err)
    assert.are.equal(2, code)
  end)

  describe("the arg table and ...", function()
    it("puts the script at arg[0], its arguments at 1..n, earlier words below 0", function()
      local path = script("print(arg[-3] == os.getenv('ADMIT_EXE'), arg[-2], arg[-1], arg[0] == SELF)\n"
                          .. "print(#arg, arg[1], arg[2], arg[3])\nprint(...)\nprint(select('#', ...))\n")
      local out, err, code = h.run({ "-e", "SELF = " .. string.format("%q", "x"), path, "a b", "" },
                                   nil, { env = "ADMIT_EXE=" .. h.quote(h.exe()) })
      assert.are.equal("", err)
      assert.are.equal(
        string.format("true\t-e\tSELF = \"x\"\tfalse\n2\ta b\t\tnil\na b\t\n2\n"), out)
      assert.are.equal(0, code)
      out = h.run({ path })
      assert.matches("\n0\tnil\tnil\tnil\n\n0\n$", out)
    end)

    it("without a script, arg[0] is the program and the options follow", function()
      local out = h.run({ "-e", "print(arg[0] == os.getenv('ADMIT_EXE'), arg[1], #arg)" },
                        nil, { env = "ADMIT_EXE=" .. h.quote(h.exe()) })
      assert.are.equal("true\t-e\t2\n", out)
    end)

    it("- runs stdin as the script, with arguments", function()
      local out, _, code = h.run({ "-", "x", "y" }, "print(arg[0], ...)\n")
      assert.are.equal("-\tx\ty\n", out)
      assert.are.equal(0, code)
    end)

    it("no script and a non-terminal stdin: stdin is the script", function()
      local out, _, code = h.run({}, "print('from stdin', #arg)\n")
      assert.are.equal("from stdin\t0\n", out)
      assert.are.equal(0, code)
    end)

    it("-- ends the options: what follows is a script, even a command's name", function()
      local dir = h.scratch()
      h.write(dir .. "/help", "print('the file help', ...)\n")
      local out, err, code = h.run({ "--", "help", "-e" }, nil, { cwd = dir })
      assert.are.equal("the file help\t-e\n", out)
      assert.are.equal("", err)
      assert.are.equal(0, code)
      -- and options after the script belong to the script
      local path = script("print(...)\n")
      out = h.run({ path, "-e", "--help" })
      assert.are.equal("-e\t--help\n", out)
    end)
  end)

  it("skips a #! first line and keeps the line numbers", function()
    local path = script("#!/usr/bin/env admit\nprint('ran')\nerror('line three')\n")
    local out, err, code = h.run({ path })
    assert.are.equal("ran\n", out)
    assert.matches("^admit: [^\n]*s%.lua:3: line three\n", err)
    assert.are.equal(1, code)
  end)

  describe("LUA_INIT", function()
    it("runs LUA_INIT before -e and the script", function()
      local out = h.run({ "-e", "print(X)" }, nil, { env = "LUA_INIT='X = 42'" })
      assert.are.equal("42\n", out)
    end)

    it("prefers LUA_INIT_5_4 to LUA_INIT", function()
      local out = h.run({ "-e", "print(X)" }, nil,
                        { env = "LUA_INIT='X = 1' LUA_INIT_5_4='X = 54'" })
      assert.are.equal("54\n", out)
    end)

    it("runs the file named after @", function()
      local path = script("X = 'from file'\n")
      local out = h.run({ "-e", "print(X)" }, nil, { env = "LUA_INIT=@" .. h.quote(path) })
      assert.are.equal("from file\n", out)
    end)

    it("stops on an error in LUA_INIT, exit 1", function()
      local out, err, code = h.run({ "-e", "print('not reached')" }, nil,
                                   { env = "LUA_INIT_5_4='error(\"init failed\")'" })
      assert.are.equal("", out)
      assert.matches("^admit: LUA_INIT_5_4:1: init failed\n", err)
      assert.are.equal(1, code)
    end)

    it("-E ignores LUA_INIT and LUA_PATH", function()
      local env = { env = "LUA_INIT='X = 1' LUA_PATH='/nowhere/?.lua'" }
      local out = h.run({ "-e", "print(X, package.path:find('/nowhere/', 1, true) ~= nil)" }, nil, env)
      assert.are.equal("1\ttrue\n", out)
      out = h.run({ "-E", "-e", "print(X, package.path:find('/nowhere/', 1, true) ~= nil)" }, nil, env)
      assert.are.equal("nil\tfalse\n", out)
    end)
  end)

  describe("-W", function()
    it("turns warnings on; they are off by default", function()
      local _, err = h.run({ "-e", "warn('quiet')" })
      assert.are.equal("", err)
      _, err = h.run({ "-W", "-e", "warn('loud ', 'and clear')" })
      assert.are.equal("admit: warning: loud and clear\n", err)
      _, err = h.run({ "-e", "warn('@on') warn('by control') warn('@off') warn('hidden')" })
      assert.are.equal("admit: warning: by control\n", err)
    end)
  end)

  it("-v prints the version and does not start a REPL", function()
    local out, _, code = h.run({ "-v" })
    assert.matches("^admit %S+ %(Lua 5%.4%.%d+%)", out)
    assert.are.equal(1, select(2, out:gsub("\n", "")))
    assert.are.equal(0, code)
  end)

  describe("bad options", function()
    it("an unknown option prints the usage, exit 2", function()
      local out, err, code = h.run({ "-x" })
      local _
      assert.are.equal("", out)
      assert.matches("^admit: unrecognized option '%-x'\nusage: admit %[options%] %[script %[args%]%]\n", err)
      assert.are.equal(2, code)
      _, err, code = h.run({ "--nope" })
      assert.matches("^admit: unrecognized option '%-%-nope'\n", err)
      assert.are.equal(2, code)
      _, err, code = h.run({ "-vx" })
      assert.matches("^admit: unrecognized option '%-vx'\n", err)
      assert.are.equal(2, code)
    end)

    it("-e and -l need an argument", function()
      local _, err, code = h.run({ "-e" })
      assert.matches("^admit: '%-e' needs argument\n", err)
      assert.are.equal(2, code)
      _, err, code = h.run({ "-l", "-e", "x" })
      assert.matches("^admit: '%-l' needs argument\n", err)
      assert.are.equal(2, code)
    end)

    it("--max-memory needs a positive whole number", function()
      local _, err, code = h.run({ "--max-memory", "lots", "-e", "print(1)" })
      assert.matches("^admit: '%-%-max%-memory' needs a positive whole number\n", err)
      assert.are.equal(2, code)
    end)
  end)

  describe("help and commands", function()
    it("--help lists the options and the commands on stdout, exit 0", function()
      local out, err, code = h.run({ "--help" })
      assert.are.equal("", err)
      assert.are.equal(0, code)
      for _, opt in ipairs({ "-e stat", "-l mod", "-l g=mod", "-i", "-v", "-E", "-W", "--", "-  ",
                             "--sandbox", "--max-memory", "--max-instructions" }) do
        assert.truthy(out:find("\n  " .. opt, 1, true), "option " .. opt .. " missing in --help")
      end
      assert.matches("\nCommands:\n", out)
      assert.matches("\n  help +list the commands", out)
      assert.are.equal(out, (h.run({ "-h" })))
    end)

    it("a word runs the command of that name, with its arguments", function()
      local out, err, code = h.run({ "help", "help" })
      local _
      assert.are.equal("usage: admit help [COMMAND]\n", out)
      assert.are.equal("", err)
      assert.are.equal(0, code)
      out, _, code = h.run({ "help" })
      assert.matches("^Commands:\n", out)
      assert.matches("\n  help +list the commands", out)
      assert.are.equal(0, code)
      out, _, code = h.run({ "help", "--help" })
      assert.are.equal("usage: admit help [COMMAND]\n", out)
      assert.are.equal(0, code)
    end)

    it("an unknown word is an error listing the commands, exit 2", function()
      local out, err, code = h.run({ "frobnicate", "x" })
      assert.are.equal("", out)
      assert.are.equal("admit: unknown command 'frobnicate' (a script must contain '/' or end in .lua)\n"
                       .. "commands:\n", err:match("^[^\n]*\n[^\n]*\n"))
      assert.matches("\n  help +list the commands", err)
      assert.are.equal(2, code)
    end)

    it("an unknown word naming a file says how to run it", function()
      local dir = h.scratch()
      h.write(dir .. "/myscript", "print(1)\n")
      local _, err, code = h.run({ "myscript" }, nil, { cwd = dir })
      assert.matches("^admit: unknown command 'myscript' %(to run the file 'myscript' as a script, write %./myscript%)\n", err)
      assert.are.equal(2, code)
      local out = h.run({ "./myscript" }, nil, { cwd = dir })
      assert.are.equal("1\n", out)
    end)

    it("a word ending in .lua is a script, never a command", function()
      local dir = h.scratch()
      h.write(dir .. "/help.lua", "print('script help.lua')\n")
      local out, _, code = h.run({ "help.lua" }, nil, { cwd = dir })
      assert.are.equal("script help.lua\n", out)
      assert.are.equal(0, code)
    end)

    it("admit help COMMAND of an unknown command, exit 2", function()
      local _, err, code = h.run({ "help", "nope" })
      assert.matches("^admit: unknown command 'nope'\ncommands:\n", err)
      assert.matches("\n  help +list the commands", err)
      assert.are.equal(2, code)
    end)
  end)

  describe("module layout", function()
    it("require 'admit' returns the global admit, from any directory", function()
      local out, err, code = h.run({ "-e", "local a = require 'admit' print(a == admit, type(a.fail), admit.home ~= nil)" },
                                   nil, { cwd = "/tmp" })
      assert.are.equal("", err)
      assert.are.equal("true\tfunction\ttrue\n", out)
      assert.are.equal(0, code)
    end)

    it("finds its library next to the executable, not in the current directory", function()
      local dir = h.scratch()
      -- a decoy admit module in the current directory must not be picked up
      assert(os.execute("mkdir -p " .. h.quote(dir .. "/admit") .. " " .. h.quote(dir .. "/lua/admit")))
      h.write(dir .. "/admit/init.lua", "error('decoy loaded')\n")
      h.write(dir .. "/lua/admit/init.lua", "error('decoy loaded')\n")
      local out, err, code = h.run({ "-e", "print(admit.lua_dir == os.getenv('ROOT') .. '/lua')" },
                                   nil, { cwd = dir, env = "ROOT=" .. h.quote(h.root) })
      assert.are.equal("", err)
      assert.are.equal("true\n", out)
      assert.are.equal(0, code)
    end)

    it("ADMIT_HOME overrides where the library is found", function()
      local dir = h.scratch()
      assert(os.execute("ln -s " .. h.quote(h.root .. "/lua") .. " " .. h.quote(dir .. "/lua")))
      local out, err, code = h.run({ "-e", "print(admit.home, admit.data_dir)" }, nil,
                                   { env = "ADMIT_HOME=" .. h.quote(dir) })
      assert.are.equal("", err)
      assert.are.equal(dir .. "\t" .. dir .. "/data\n", out)
      assert.are.equal(0, code)
    end)

    it("LuaFileSystem is available as require 'lfs'", function()
      local out = h.run({ "-e", "print(require('lfs').attributes('/', 'mode'))" })
      assert.are.equal("directory\n", out)
    end)
  end)

  -- Runs admit in the background, waits until the Lua code says it is running (the file
  -- $READY exists), sends SIGINT, waits; returns stderr and the exit status.
  local function interrupt(args)
    local dir = h.scratch()
    local quoted = {}
    for i, a in ipairs(args) do quoted[i] = h.quote(a) end
    local cmd = string.format(
      "READY=%s; export READY; %s %s 2> %s & pid=$!; n=0; "
      .. "while [ ! -e \"$READY\" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done; "
      .. "kill -INT $pid; wait $pid; echo $? > %s",
      h.quote(dir .. "/ready"), h.quote(h.exe()), table.concat(quoted, " "),
      h.quote(dir .. "/err"), h.quote(dir .. "/status"))
    assert(os.execute(cmd))
    return h.slurp(dir .. "/err"), h.slurp(dir .. "/status")
  end
  local SIGNAL_READY = "io.open(os.getenv('READY'), 'w'):close()"

  it("Ctrl-C interrupts a running script with a Lua error, exit 1", function()
    local err, status = interrupt({ "-e", SIGNAL_READY .. " while true do end" })
    assert.are.equal("1\n", status)
    assert.matches("^admit: interrupted\nstack traceback:\n", err)
  end)

  it("Ctrl-C interrupts a script busy inside a function; the traceback says where", function()
    local dir = h.scratch()
    local path = h.write(dir .. "/busy.lua", "local function spin() while true do end end\n"
                                             .. SIGNAL_READY .. "\nspin()\n")
    local err, status = interrupt({ path })
    assert.are.equal("1\n", status)
    assert.matches("^admit: interrupted\nstack traceback:\n", err)
    assert.matches("busy%.lua:1: in local 'spin'", err)
  end)
end)

describe("README.md", function()
  teardown(h.remove_scratch)
  local admit = require "admit"

  it("the count.lua example works, and fails cleanly on a missing file or a directory", function()
    local readme = h.slurp(h.root .. "/README.md")
    local block = readme:match("\n(    %-%- count%.lua FILE WORD.-)\n\n")
    assert.is_truthy(block)
    local dir = h.scratch()
    h.write(dir .. "/count.lua", (block:gsub("\n    ", "\n"):gsub("^    ", "")))
    h.write(dir .. "/formations.csv", "id,program\nF1,BUT Informatique\nF2,BTS SIO\nF3,BUT INFORMATIQUE\n")
    local out, err, code = h.run({ "count.lua", "formations.csv", "informatique" }, nil, { cwd = dir })
    assert.are.equal(0, code, err)
    assert.are.equal("2 lines of formations.csv mention informatique\n", out)
    for _, bad in ipairs { "missing.csv", "." } do
      out, err, code = h.run({ "count.lua", bad, "informatique" }, nil, { cwd = dir })
      assert.are.equal(2, code, bad)
      assert.are.equal("admit: " .. bad .. ": not a file\n", err)
      assert.are.equal("", out)
    end
  end)

  it("every docs/*.md that the code and the documentation cite is in the repository", function()
    local cited = 0
    local pipe = io.popen("cd " .. h.quote(h.root) .. " && grep -rhoI 'docs/[a-z-]*\\.md' README.md"
      .. " SCRIPTING.md src lua scripts tests")
    for path in pipe:lines() do
      cited = cited + 1
      assert.is_truthy(h.slurp(h.root .. "/" .. path), path .. " is cited but missing")
      assert.is_nil(path:find("shared/", 1, true))
    end
    pipe:close()
    assert.is_true(cited >= 2)
    local _, _, status = os.execute("cd " .. h.quote(h.root) .. " && ! grep -rqI 'shared/docs' README.md"
      .. " SCRIPTING.md src lua scripts")
    assert.is_true(status == 0)
  end)

  it("the Tab example of the REPL names a unique completion", function()
    local readme = h.slurp(h.root .. "/README.md")
    local prefix, full = readme:match("> admit%.(%w+)<Tab> +%-%- completes to admit%.(%w+)")
    assert.is_truthy(prefix)
    local matches = {}
    for k in pairs(admit) do
      if k:sub(1, #prefix) == prefix then matches[#matches + 1] = k end
    end
    assert.are.same({ full }, matches)
  end)
end)
