-- make install PREFIX=…: the installed copy (binary, Lua library, data, scripts) works on
-- its own, from any directory, even once moved: nothing points back to the source tree.
-- make deps, make uninstall, and tests/run's closing line in every case.
local h = require "helpers"

describe("make install", function()
  teardown(h.remove_scratch)

  local prefix, build

  setup(function()
    prefix = h.scratch() .. "/prefix"
    -- install the binary under test (build/admit or build/asan/admit)
    build = h.exe():match("^(.*)/admit$")
    local cmd = string.format(
      "cd %s && env -u MAKEFLAGS -u MAKELEVEL make -s install PREFIX=%s BUILD=%s > %s 2>&1",
      h.quote(h.root), h.quote(prefix), h.quote(build), h.quote(prefix .. ".log"))
    local ok = os.execute(cmd)
    assert(ok, "make install failed:\n" .. (h.slurp(prefix .. ".log") or ""))
  end)

  local function installed(args, stdin, opts)
    local saved = h.admit
    h.admit = prefix .. "/bin/admit"
    local out, err, code = h.run(args, stdin, opts)
    h.admit = saved
    return out, err, code
  end

  it("installs the binary, the Lua library and the scripts", function()
    local lfs = require "lfs"
    assert.are.equal("file", lfs.attributes(prefix .. "/bin/admit", "mode"))
    assert.are.equal("file", lfs.attributes(prefix .. "/share/admit/lua/admit/init.lua", "mode"))
    assert.are.equal("file", lfs.attributes(prefix .. "/share/admit/lua/admit/repl.lua", "mode"))
    assert.are.equal("file", lfs.attributes(prefix .. "/share/admit/scripts/main.lua", "mode"))
    if lfs.attributes(h.root .. "/data", "mode") == "directory" then
      assert.are.equal("directory", lfs.attributes(prefix .. "/share/admit/data", "mode"))
    end
  end)

  it("the installed admit uses its own library, from another directory", function()
    local out, err, code = installed(
      { "-e", "print(admit.home, admit.lua_dir, package.searchpath('admit.repl', package.path))" },
      nil, { cwd = "/tmp" })
    assert.are.equal("", err)
    local share = prefix .. "/share/admit"
    assert.are.equal(string.format("%s\t%s/lua\t%s/lua/admit/repl.lua\n", share, share, share), out)
    assert.are.equal(0, code)
  end)

  it("runs scripts, commands, lfs and the REPL once installed", function()
    local out, _, code = installed({ "-e", "print(require('lfs').currentdir())" }, nil, { cwd = "/" })
    assert.are.equal("/\n", out)
    assert.are.equal(0, code)
    out, _, code = installed({ "help" }, nil, { cwd = "/tmp" })
    assert.matches("^Commands:\n", out)
    assert.matches("\n  help +list the commands", out)
    assert.are.equal(0, code)
    out = installed({ "-i" }, "{ 1, 2 }\n", { cwd = "/tmp" })
    assert.matches("\n> {1, 2}\n> \n$", out)
    -- the main job writes out/ in the current folder: a fresh one
    out, _, code = installed({ prefix .. "/share/admit/scripts/main.lua" }, nil, { cwd = h.scratch() })
    assert.are.equal(0, code)
    assert.matches("^admit ", out)
  end)

  it("keeps working when the installed tree is moved elsewhere", function()
    local moved = prefix .. "-moved"
    assert(os.execute("mv " .. h.quote(prefix) .. " " .. h.quote(moved)))
    local saved = h.admit
    h.admit = moved .. "/bin/admit"
    local out, err, code = h.run({ "-e", "print(admit.home)" }, nil, { cwd = "/tmp" })
    h.admit = saved
    assert(os.execute("mv " .. h.quote(moved) .. " " .. h.quote(prefix)))
    assert.are.equal("", err)
    assert.are.equal(moved .. "/share/admit\n", out)
    assert.are.equal(0, code)
  end)

  -- Every command of README.md and SCRIPTING.md, run by the installed copy in a folder of
  -- its own (no source tree around): the scripts/ paths of the docs resolve against the
  -- installed share/admit when the current folder has no such file (issue 10 §5).
  describe("the commands of README.md and SCRIPTING.md, from the installed copy", function()
    local work
    local RANKING = "id,rank,boursier,resident\na,1,0,0\nb,2,1,0\nc,3,0,1\nd,4,1,1\n"
    local COUNT = [[
local path, word = ...
if not word then admit.fail("usage: admit count.lua FILE WORD") end
if lfs.attributes(path, "mode") ~= "file" then admit.fail(path .. ": not a file") end
local f = admit.check(io.open(path))
local n = 0
for line in f:lines() do
  if admit.fold(line):find(admit.fold(word), 1, true) then n = n + 1 end
end
print(string.format("%d lines of %s mention %s", n, path, word))
]]
    local COHORT = { "--formations", "cohort/formations.csv", "--candidates", "cohort/candidates.csv",
                     "--wishes", "cohort/wishes.csv" }
    local function with(list, ...)
      local t = { table.unpack(list) }
      for _, x in ipairs { ... } do t[#t + 1] = x end
      return t
    end
    local ROWS = {
      { { "help" }, "^Commands:\n" },
      { { "--lang", "fr", "help" }, "^Commandes :\n" },
      { { "annexes", "--find", "cybersecurite" }, "Cybersécurité" },
      { { "import-recueil", "src.txt", "--out", "annex" }, "rows written to annex" },
      { { "annexes", "--dir", "annex", "--format", "csv" }, "^annex,academie," },
      { { "callorder", "--min-boursiers", "20", "ranking.csv" }, "^id,call_rank\n" },
      { { "generate", "--out", "cohort", "--seed", "7", "--candidates", "500" }, "" },
      { with({ "allocate" }, table.unpack(with(COHORT, "--out", "results"))), "" },
      { with({ "allocate" }, table.unpack(with(COHORT, "--out", "results-excel", "--csv", "excel"))), "" },
      { { "scripts/compare_policies.lua", "--candidates", "2000" }, "policies; applied to" },
      { { "scripts/compare_policies.lua", "--candidates", "2000", "--policies", "mine" }, "policies; applied to" },
      { { "scripts/callorder_example.lua" }, "candidates from" },
      { { "scripts/annexes_explore.lua" }, "" },
      { { "scripts/annex_summary.lua" }, "^== Annex data" },
      { { "count.lua", "results/formations.csv", "informatique" }, "lines of results/formations.csv mention" },
      { { "-e", "print(admit.fold('Génie Électrique'))" }, "^genie electrique\n$" },
      { { "--sandbox", "count.lua", "ranking.csv", "b" }, nil, 1 },   -- no lfs in the sandbox: a Lua error
      { { "--sandbox", "-e", "print(admit.fold('É'))" }, "^e\n$" },
      { { "--max-memory", "200", "--max-instructions", "100000000", "count.lua", "ranking.csv", "d,4" },
        "^1 lines of ranking.csv mention d,4\n$" },
      { { "scripts/main.lua" }, "^admit " },
    }
    setup(function()
      work = h.scratch()
      h.write(work .. "/ranking.csv", RANKING)
      h.write(work .. "/count.lua", COUNT)
      h.write(work .. "/src.txt", h.slurp(h.root .. "/tests/fuzz/corpus/recueil/valid"))
      assert(os.execute("cp -R " .. h.quote(prefix .. "/share/admit/scripts/policies") .. " "
                        .. h.quote(work .. "/mine")))
    end)
    for _, row in ipairs(ROWS) do
      it("admit " .. table.concat(row[1], " "), function()
        local out, err, code = installed(row[1], nil, { cwd = work, env = "LC_ALL= LANG=C.UTF-8" })
        assert.are.equal(row[3] or 0, code, err)
        if row[2] then assert.matches(row[2], out) end
      end)
    end
  end)

  it("a binary copied without its library says where it looked, exit 1", function()
    local dir = h.scratch()
    assert(os.execute("mkdir -p " .. h.quote(dir .. "/bin") .. " && cp " .. h.quote(h.exe()) .. " "
                      .. h.quote(dir .. "/bin/admit")))
    local saved = h.admit
    h.admit = dir .. "/bin/admit"
    local out, err, code = h.run({ "-e", "print('not reached')" }, nil, { cwd = "/" })
    h.admit = saved
    assert.are.equal("", out)
    assert.matches("^admit: module 'admit' not found:", err)
    assert.truthy(err:find("\nadmit: the Lua library is not in " .. dir .. "/lua: install admit "
                           .. "with 'make install', or set ADMIT_HOME to the directory holding lua/admit\n", 1, true),
                  err)
    assert.are.equal(1, code)
  end)

  it("make deps does nothing when every package is there", function()
    local p = io.popen("cd " .. h.quote(h.root) .. " && env -u MAKEFLAGS -u MAKELEVEL make -s deps 2>&1; echo rc=$?")
    local out = p:read("a")
    p:close()
    assert.are.equal("rc=0\n", out)
  end)

  it("make uninstall removes it", function()
    local cmd = string.format("cd %s && env -u MAKEFLAGS -u MAKELEVEL make -s uninstall PREFIX=%s BUILD=%s > /dev/null 2>&1",
                              h.quote(h.root), h.quote(prefix), h.quote(build))
    assert(os.execute(cmd))
    local lfs = require "lfs"
    assert.is_nil(lfs.attributes(prefix .. "/bin/admit"))
    assert.is_nil(lfs.attributes(prefix .. "/share/admit"))
  end)
end)

describe("tests/run", function()
  teardown(h.remove_scratch)

  -- Runs tests/run on a directory holding the given spec files; returns output, status.
  local function run_specs(files)
    local dir = h.scratch()
    for name, text in pairs(files) do h.write(dir .. "/" .. name, text) end
    local p = io.popen(string.format("cd %s && ADMIT_SPECS=%s tests/run %s 2>&1; echo \"status=$?\"",
                                     h.quote(h.root), h.quote(dir), h.quote(h.exe())))
    local out = p:read("a")
    p:close()
    return out:match("([^\n]*)\nstatus=%d+\n$"), tonumber(out:match("status=(%d+)\n$")), out
  end

  it("counts passes and failures, exit 0 only when all pass", function()
    local last, status = run_specs({
      ["a_spec.lua"] = 'describe("a", function() it("one", function() end) it("two", function() end) end)',
    })
    assert.are.equal("tests: 2 passed, 0 failed", last)
    assert.are.equal(0, status)
  end)

  it("counts a spec file that does not load, or fails outside a test, as failures", function()
    local last, status, out = run_specs({
      ["a_spec.lua"] = 'describe("a", function() it("passes", function() end)\n'
                       .. 'it("fails", function() assert.are.equal(1, 2) end)\n'
                       .. 'it("waits", function() pending("later") end) end)',
      ["b_spec.lua"] = "local x = = 1\n",
      ["c_spec.lua"] = 'describe("c", function() error("in describe") end)',
    })
    assert.are.equal("tests: 1 passed, 3 failed", last)
    assert.are.equal(1, status)
    assert.truthy(out:find("# 1 pending (skipped)\n", 1, true))
    assert.truthy(out:find("b_spec.lua:1: unexpected symbol near '='", 1, true))
  end)

  it("counts a run that stops before its end as a failure", function()
    local last, status = run_specs({
      ["a_spec.lua"] = 'describe("a", function() it("passes", function() end)\n'
                       .. 'it("exits", function() os.exit(0) end) end)',
    })
    assert.are.equal("tests: 1 passed, 1 failed", last)
    assert.are.equal(1, status)
  end)

  it("fails when no test ran", function()
    local last, status = run_specs({ ["a_spec.lua"] = "-- nothing\n" })
    assert.are.equal("tests: 0 passed, 0 failed", last)
    assert.are.equal(1, status)
  end)
end)
