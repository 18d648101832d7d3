-- Atomic outputs (src/atomic.c through admit.write_file / admit.write_dir): an output
-- appears whole or not at all, the previous one survives any error, nothing is left over.
local h = require "helpers"
local lfs = require "lfs"

local function listing(dir)
  local names = {}
  for name in lfs.dir(dir) do
    if name ~= "." and name ~= ".." then names[#names + 1] = name end
  end
  table.sort(names)
  return names
end

local function sh(cmd)
  local ok, _, code = os.execute(cmd)
  return ok and 0 or code
end

-- Runs admit -e CHUNK with the file size limit at 1 KB (SIGXFSZ ignored, so a write
-- beyond it fails with EFBIG as a full disk would). Returns status, stdout.
local function with_small_disk(chunk)
  local out = os.tmpname()
  local exe = h.admit:sub(1, 1) == "/" and h.admit or h.root .. "/" .. h.admit
  local code = sh(("sh -c \"trap '' XFSZ; ulimit -f 2; exec %s -e %s\" > %s 2>&1")
    :format(h.quote(exe), h.quote(chunk):gsub('"', '\\"'), h.quote(out)))
  local text = h.slurp(out)
  os.remove(out)
  return code, text
end

describe("admit.write_file", function()
  local dir
  before_each(function() dir = h.tmpdir() end)

  it("writes the whole text and leaves no temporary file", function()
    assert.is_true(admit.write_file(dir .. "/out.csv", "a,b\n1,2\n"))
    assert.are.equal("a,b\n1,2\n", h.slurp(dir .. "/out.csv"))
    assert.are.same({ "out.csv" }, listing(dir))
  end)

  it("replaces a previous output whole, keeping its permissions", function()
    h.write(dir .. "/out.txt", "old")
    assert.are.equal(0, sh("chmod 600 " .. h.quote(dir .. "/out.txt")))
    assert.is_true(admit.write_file(dir .. "/out.txt", "new"))
    assert.are.equal("new", h.slurp(dir .. "/out.txt"))
    assert.are.equal("rw-------", lfs.attributes(dir .. "/out.txt", "permissions"))
  end)

  it("fails with nil, message into a missing directory, creating nothing", function()
    local ok, err = admit.write_file(dir .. "/nope/out.txt", "x")
    assert.is_nil(ok)
    assert.matches("nope/out.txt: cannot write: No such file or directory", err, nil, true)
    assert.are.same({}, listing(dir))
  end)

  it("fails when the target is a directory, which stays untouched", function()
    assert(lfs.mkdir(dir .. "/out"))
    h.write(dir .. "/out/keep", "k")
    local ok, err = admit.write_file(dir .. "/out", "x")
    assert.is_nil(ok)
    assert.matches("out: is a directory, and admit replaces only regular files", err, nil, true)
    assert.are.equal("k", h.slurp(dir .. "/out/keep"))
    assert.are.same({ "out" }, listing(dir))
  end)

  it("a write that fails half-way (disk full) leaves the previous output and no partial file", function()
    h.write(dir .. "/out.txt", "previous result")
    local code, text = with_small_disk(([[
      local ok, err = admit.write_file(%q, ("x"):rep(100000))
      print(ok, err)]]):format(dir .. "/out.txt"))
    assert.are.equal(0, code, text)
    assert.matches("^nil\t.*out%.txt: write failed: File too large\n$", text)
    assert.are.equal("previous result", h.slurp(dir .. "/out.txt"))
    assert.are.same({ "out.txt" }, listing(dir))
  end)

  it("in a read-only directory: nil, message, nothing created", function()
    if sh("test $(id -u) -eq 0") == 0 then
      pending("running as root: permissions do not stop root")
      return
    end
    assert.are.equal(0, sh("chmod 555 " .. h.quote(dir)))
    local ok, err = admit.write_file(dir .. "/out.txt", "x")
    sh("chmod 755 " .. h.quote(dir))
    assert.is_nil(ok)
    assert.matches("Permission denied", err)
    assert.are.same({}, listing(dir))
  end)
end)

describe("admit.write_dir", function()
  local parent, out
  before_each(function()
    parent = h.tmpdir()
    out = parent .. "/results"
  end)

  it("creates the directory with exactly the files given", function()
    assert.is_true(admit.write_dir(out, { ["a.csv"] = "1\n", ["b.txt"] = "2" }))
    assert.are.same({ ".admit-output", "a.csv", "b.txt" }, listing(out))
    assert.are.equal("1\n", h.slurp(out .. "/a.csv"))
    assert.are.same({ "results" }, listing(parent))
  end)

  it("replaces a previous directory whole: old files gone, nothing left beside", function()
    assert.is_true(admit.write_dir(out, { ["old.csv"] = "old", ["a.csv"] = "1" }))
    assert.is_true(admit.write_dir(out .. "/", { ["a.csv"] = "new", ["c.csv"] = "3" }))
    assert.are.same({ ".admit-output", "a.csv", "c.csv" }, listing(out))
    assert.are.equal("new", h.slurp(out .. "/a.csv"))
    assert.are.same({ "results" }, listing(parent))
  end)

  it("refuses a name with a directory part before touching anything", function()
    assert.is_true(admit.write_dir(out, { ["a.csv"] = "kept" }))
    for _, bad in ipairs { "../escape", "x/y", "..", ".", "" } do
      assert.has_error(function() admit.write_dir(out, { [bad] = "x" }) end)
    end
    assert.are.same({ ".admit-output", "a.csv" }, listing(out))
    assert.are.equal("kept", h.slurp(out .. "/a.csv"))
    assert.are.same({ "results" }, listing(parent))
  end)

  it("a failure half-way leaves the previous directory as it was, and no temporary one", function()
    assert.is_true(admit.write_dir(out, { ["a.csv"] = "kept" }))
    local code, text = with_small_disk(([[
      print(admit.write_dir(%q, { ["a.csv"] = "small", ["big.csv"] = ("x"):rep(100000) }))]])
      :format(out))
    assert.are.equal(0, code, text)
    assert.matches("^nil\t.*cannot write big%.csv: File too large\n$", text)
    assert.are.same({ ".admit-output", "a.csv" }, listing(out))
    assert.are.equal("kept", h.slurp(out .. "/a.csv"))
    assert.are.same({ "results" }, listing(parent))
  end)

  it("never replaces a folder it did not write (an officer's own files)", function()
    assert(os.execute("mkdir -p " .. h.quote(out)))
    h.write(out .. "/notes.txt", "mine")
    local ok, err = admit.write_dir(out, { ["a.csv"] = "x" })
    assert.is_nil(ok)
    assert.are.equal(out .. ": holds 'notes.txt', which admit did not write, and an output "
      .. "folder is replaced whole: move it out of the folder, or give another output folder", err)
    assert.are.same({ "notes.txt" }, listing(out))
    assert.are.same({ "results" }, listing(parent))
  end)

  it("writes into an empty folder, and never replaces the current folder", function()
    assert(os.execute("mkdir -p " .. h.quote(out)))
    assert.is_true(admit.write_dir(out, { ["a.csv"] = "x" }))
    local o, e, code = h.run({ "-e", "print(admit.write_dir('.', { ['a.csv'] = 'y' }))" }, nil, { cwd = out })
    assert.are.equal(0, code, e)
    assert.are.equal("nil	.: is not a name for an output folder: give the folder's own name "
      .. "(for instance out or results/run1)\n", o)
    o, e, code = h.run({ "-e", "print(admit.write_dir('../results', { ['a.csv'] = 'y' }))" }, nil, { cwd = out })
    assert.are.equal(0, code, e)
    assert.are.equal("nil	../results: is the current folder or holds it, and an output folder is "
      .. "replaced whole: choose another folder for the output\n", o)
    assert.are.equal("x", h.slurp(out .. "/a.csv"))
  end)

  it("refuses a target that is a file, which stays untouched", function()
    h.write(out, "a file")
    local ok, err = admit.write_dir(out, { ["a.csv"] = "x" })
    assert.is_nil(ok)
    assert.matches("exists and is not a directory", err)
    assert.are.equal("a file", h.slurp(out))
    assert.are.same({ "results" }, listing(parent))
  end)

  it("fails with nil, message when the parent is missing", function()
    local ok, err = admit.write_dir(parent .. "/no/such", { ["a"] = "x" })
    assert.is_nil(ok)
    assert.matches("cannot create the output directory", err)
  end)
end)

describe("--out DIR of the commands", function()
  local dir
  before_each(function()
    dir = h.scratch()
    local _, err, code = h.run({ "generate", "--out", dir .. "/g", "--candidates", "50" })
    assert.are.equal(0, code, err)
  end)

  local function allocate(out)
    return h.run({ "allocate", "--formations", dir .. "/g/formations.csv",
                   "--candidates", dir .. "/g/candidates.csv", "--wishes", dir .. "/g/wishes.csv",
                   "--out", out })
  end

  it("refuses to replace the folder holding its inputs, which stay as they were", function()
    local before = h.slurp(dir .. "/g/wishes.csv")
    local out, err, code = allocate(dir .. "/g")
    assert.are.equal("", out)
    assert.are.equal(string.format("admit: %s/g/formations.csv: is inside the output folder %s/g, "
      .. "which is replaced whole: write the output to another folder\n", dir, dir), err)
    assert.are.equal(2, code)
    assert.are.equal(before, h.slurp(dir .. "/g/wishes.csv"))
  end)

  it("refuses a folder of the officer's own files, for every command", function()
    assert(os.execute("mkdir -p " .. h.quote(dir .. "/mine")))
    h.write(dir .. "/mine/notes.txt", "mine")
    local refusal = string.format("admit: %s/mine: holds 'notes.txt', which admit did not write, "
      .. "and an output folder is replaced whole: move it out of the folder, or give another "
      .. "output folder\n", dir)
    local _, err, code = allocate(dir .. "/mine")
    assert.are.equal(refusal, err)
    assert.are.equal(2, code)
    _, err, code = h.run({ "generate", "--out", dir .. "/mine", "--candidates", "10" })
    assert.are.equal(refusal, err)
    assert.are.equal(2, code)
    _, err, code = h.run({ "import-recueil", "tests/fixtures/annex/000_15ed9cf3954b8ee4.txt", "--out", dir .. "/mine" })
    assert.are.equal(refusal, err)
    assert.are.equal(2, code)
    assert.are.equal("mine", h.slurp(dir .. "/mine/notes.txt"))
  end)

  it("replaces its own previous output, but not one with a file added (issue 9 §6)", function()
    local _, err, code = allocate(dir .. "/r")
    assert.are.equal(0, code, err)
    _, err, code = allocate(dir .. "/r")
    assert.are.equal(0, code, err)
    h.write(dir .. "/r/extra.txt", "left by hand in admit's output")
    _, err, code = allocate(dir .. "/r")
    assert.are.equal(2, code, err)
    assert.matches("r: holds 'extra.txt', which admit did not write", err, nil, true)
    assert.are.equal("left by hand in admit's output", h.slurp(dir .. "/r/extra.txt"))
    assert.is_truthy(h.slurp(dir .. "/r/assignments.csv"))
  end)
end)
