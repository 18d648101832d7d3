-- make install PREFIX=…: the installed copy (binary, Lua library, data, scripts) works on
-- its own, from any directory, even once moved: nothing points back to the source tree.
local h = require "helpers"

describe("make install", function()
  local prefix, build

  setup(function()
    prefix = h.tmpdir() .. "/prefix"
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
    assert.matches("^Commands:\n  help ", out)
    assert.are.equal(0, code)
    out = installed({ "-i" }, "{ 1, 2 }\n", { cwd = "/tmp" })
    assert.matches("\n> {1, 2}\n> \n$", out)
    out, _, code = installed({ prefix .. "/share/admit/scripts/main.lua" }, nil, { cwd = "/tmp" })
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
