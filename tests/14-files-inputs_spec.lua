-- Inputs and files (issue 9 §5, §6, §7): every reader × every kind of hostile input, every
-- writer × every kind of hostile output path. Each row runs admit in a fresh folder (so
-- messages name short relative paths) through bash, and asserts the exit status, the
-- message, and that nothing was lost or left behind.
local h = require "helpers"
local lfs = require "lfs"

local Q = h.quote
local EXE = h.exe()
local MiB = 1024 * 1024

-- ------------------------------------------------------------------ running

--- Runs the bash command cmd in dir with $A the admit binary; returns stdout, stderr,
-- exit status, and with `measure`, the largest peak memory (max RSS, KiB) of the admit
-- processes, by GNU time (ulimit -v cannot be used: the sanitizers reserve terabytes).
local function sh(dir, cmd, measure)
  local o, e, m = os.tmpname(), os.tmpname(), os.tmpname()
  -- $A is expanded unquoted in the commands: its words are split (the paths have no spaces)
  local a = measure and ("/usr/bin/time -a -o %s -f %%M %s"):format(m, EXE) or EXE
  local script = ("A=%s; cd %s && { %s ; } > %s 2> %s"):format(Q(a), Q(dir), cmd, Q(o), Q(e))
  local ok, how, code = os.execute("bash -c " .. Q(script) .. " < /dev/null")
  local out, err = h.slurp(o), h.slurp(e)
  local peak = 0
  for kb in (h.slurp(m) or ""):gmatch("(%d+)\n") do peak = math.max(peak, tonumber(kb)) end
  os.remove(o)
  os.remove(e)
  os.remove(m)
  if how == "signal" then code = 128 + code end
  return out, err, ok and 0 or code, peak
end

local function listing(dir)
  local names = {}
  for name in lfs.dir(dir) do
    if name ~= "." and name ~= ".." then names[#names + 1] = name end
  end
  table.sort(names)
  return names
end

--- Everything under dir, as "path=content" lines (links as "path->target").
local function snapshot(dir)
  local lines = {}
  local function walk(d, rel)
    for _, name in ipairs(listing(d)) do
      local p, r = d .. "/" .. name, rel .. name
      local mode = lfs.symlinkattributes(p, "mode")
      if mode == "link" then
        lines[#lines + 1] = r .. "->" .. tostring(lfs.symlinkattributes(p, "target"))
      elseif mode == "directory" then
        lines[#lines + 1] = r .. "/"
        walk(p, r .. "/")
      elseif mode == "file" then
        lines[#lines + 1] = r .. "=" .. h.slurp(p)
      else
        lines[#lines + 1] = r .. " (" .. tostring(mode) .. ")"
      end
    end
  end
  walk(dir, "")
  return table.concat(lines, "\n")
end

local function assert_no_leftover(dir)
  for _, name in ipairs(listing(dir)) do
    assert.is_nil(name:find("%.tmp%-") or name:find("%.old%-"), "left behind: " .. name)
  end
end

local function exists(path) return lfs.symlinkattributes(path, "mode") ~= nil end

-- ------------------------------------------------------------------ fixtures

local VALID = {
  ["f.csv"] = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\n"
    .. "A,2,0,0,0,0\nB,1,50,0,0,0\n",
  ["c.csv"] = "id,bac,boursier,resident\nx,general,0,1\ny,techno,1,0\nz,pro,0,0\n",
  ["w.csv"] = "candidate_id,formation_id,preference,rank\nx,A,1,1\ny,A,1,2\ny,B,2,1\nz,B,1,2\n",
  ["r.csv"] = "id,rank,boursier,resident\nx,1,0,1\ny,2,1,0\nz,3,0,0\n",
  ["d/iut-techno.csv"] = "academie,establishment,commune,program,min_pct\n"
    .. "Lille,IUT A,,BUT Informatique,50\n",
  ["d/bts-pro.csv"] = "academie,establishment,commune,program,min_pct\nLille,Lycée A,Lille,BTS SIO,46\n",
  ["d/sante-boursiers.csv"] = "academie,establishment,commune,program,min_pct\n"
    .. "Lille,IFSI A,Lille,Infirmier,10\n",
  ["src.txt"] = h.slurp("tests/fuzz/corpus/recueil/valid"),
  ["s.lua"] = "print('ran')\n",
  ["pol/p.lua"] = 'return admit.policy{ name = "p", establishment = "Lille", program = "info",\n'
    .. '  rank = function(c) return 1 end }\n',
}

local function fixtures()
  local dir = h.scratch()
  assert(lfs.mkdir(dir .. "/d"))
  assert(lfs.mkdir(dir .. "/pol"))
  for name, text in pairs(VALID) do h.write(dir .. "/" .. name, text) end
  return dir
end

local ALLOCATE = "$A %s allocate --formations f.csv --candidates c.csv --wishes w.csv --out out"

-- ================================================================ §5 inputs

-- Every reader of admit: the file it reads and the command that reads it (%s: where the
-- global options go). `line` = false for readers that are not CSV (no line bound).
local READERS = {
  { "callorder", file = "r.csv", cmd = "$A %s callorder r.csv" },
  { "allocate --formations", file = "f.csv", cmd = ALLOCATE },
  { "allocate --candidates", file = "c.csv", cmd = ALLOCATE },
  { "allocate --wishes", file = "w.csv", cmd = ALLOCATE },
  { "annexes --dir", file = "d/iut-techno.csv", cmd = "$A %s annexes --dir d" },
  { "generate --annexes", file = "d/bts-pro.csv", cmd = "$A %s generate --annexes d --out out --candidates 5" },
  { "import-recueil", file = "src.txt", cmd = "$A %s import-recueil src.txt --out out", line = false },
  { "a script", file = "s.lua", cmd = "$A %s s.lua", line = false },
  { "a script under --sandbox", file = "s.lua", cmd = "$A %s --sandbox s.lua", line = false },
  { "admit.load_policy", file = "pol/p.lua", line = false,
    cmd = [[$A %s -e 'admit.load_policy("p", {dir = "pol"})']] },
  { "admit.load_policy (trusted)", file = "pol/p.lua", line = false,
    cmd = [[$A %s -e 'admit.load_policy("p", {dir = "pol", trusted = true})']] },
  { "admit.candidates", file = "c.csv", cmd = [[$A %s -e 'admit.check(admit.candidates("c.csv"))']] },
  { "admit.read_csv", file = "c.csv", cmd = [[$A %s -e 'admit.check(admit.read_csv("c.csv"))']] },
  { "admit.sim_load", file = "w.csv", cmd = [[$A %s -e 'admit.check(admit.sim_load("f.csv", "c.csv", "w.csv"))']] },
  { "admit.read_input", file = "s.lua", line = false, cmd = [[$A %s -e 'admit.check(admit.read_input("s.lua"))']] },
}

local function larger(file, bound)
  return file .. ": larger than " .. bound .. ", the bound on an input: give a larger "
    .. "--max-input SIZE if this file is right"
end

-- The hostile inputs: make(dir, file) puts it in place of file; opts is where the bound is
-- given; msg(file) the message expected.
local HOSTILE = {
  { "/dev/zero (endless)", opts = "--max-input 1M",
    make = function(dir, file) os.remove(dir .. "/" .. file); assert(lfs.link("/dev/zero", dir .. "/" .. file, true)) end,
    msg = function(file) return larger(file, "1 MiB") end },
  { "a FIFO fed without end", opts = "--max-input 64K", fifo = true,
    make = function(dir, file)
      os.remove(dir .. "/" .. file)
      assert(os.execute("mkfifo " .. Q(dir .. "/" .. file)))
    end,
    msg = function(file) return larger(file, "64 KiB") end },
  { "a regular file one byte over the bound", opts = "--max-input 4096",
    make = function(dir, file)
      local text = VALID[file]
      h.write(dir .. "/" .. file, text .. ("-"):rep(4097 - #text))
    end,
    msg = function(file) return larger(file, "4 KiB") end },
  { "the bound given after the command", opts = "", after = "--max-input=2K",
    make = function(dir, file) h.write(dir .. "/" .. file, VALID[file] .. ("-"):rep(2049 - #VALID[file])) end,
    msg = function(file) return larger(file, "2 KiB") end },
}

describe("§5 every input is read with a size bound: reader × hostile input", function()
  after_each(h.remove_scratch)
  for _, r in ipairs(READERS) do
    for _, x in ipairs(HOSTILE) do
      -- commands take the bound after their name too; -e chunks and scripts only before
      local per_command = not r.cmd:find("%-e '") and not r.cmd:find("s%.lua")
      if not x.after or per_command then
        it(r[1] .. " × " .. x[1], function()
          local dir = fixtures()
          x.make(dir, r.file)
          local cmd = r.cmd:format(x.opts)
          if x.after then cmd = cmd:gsub("^(%$A%s+%S+)", "%1 " .. x.after) end
          if x.fifo then
            -- a writer that never stops: killed by SIGPIPE, or after 20 s even when no
            -- reader ever opens the FIFO (the open happens under timeout)
            cmd = ([[(timeout 20 sh -c 'exec yes x,1,0,0 > "$0"' %s 2>/dev/null &) ; %s]])
              :format(Q(r.file), cmd)
          end
          local out, err, code, peak = sh(dir, cmd, true)
          assert.are.equal(2, code, err)
          assert.is_true(peak > 0 and peak < 400 * 1024, "peak memory " .. peak .. " KiB")
          assert.matches(x.msg(r.file), err, 1, true)
          assert.is_nil(err:find("traceback", 1, true), err)
          assert.is_nil(out:find("ran", 1, true))
          assert.is_false(exists(dir .. "/out"), "an output folder was written")
        end)
      end
    end
  end

  it("the issue's example, `admit callorder /dev/zero`, with the default bound (1 GiB)", function()
    local dir = h.scratch()
    local _, err, code, peak = sh(dir, "$A callorder /dev/zero", true)
    assert.are.equal(2, code, err)
    -- the buffer doubles up to the bound: old and new may both be live (a realloc that copies)
    assert.is_true(peak > 0 and peak < 2600 * 1024, "peak memory " .. peak .. " KiB")
    assert.are.equal("admit: " .. larger("/dev/zero", "1 GiB") .. "\n", err)
  end)

  it("--max-input takes bytes or K, M, G, T; anything else is a usage error", function()
    local dir = fixtures()
    for _, good in ipairs { "100", "1K", "1KB", "1KiB", "2M", "1G", "1T" } do
      local _, err, code = sh(dir, "$A --max-input " .. good .. " callorder r.csv")
      assert.are.equal(0, code, good .. ": " .. err)
      _, err, code = sh(dir, "$A callorder --max-input " .. good .. " r.csv")
      assert.are.equal(0, code, good .. ": " .. err)
    end
    for _, bad in ipairs { "0", "-1", "x", "1X", "1.5M", "", "99999999999999999999" } do
      local _, err, code = sh(dir, "$A --max-input " .. Q(bad) .. " callorder r.csv")
      assert.are.equal(2, code, bad)
      assert.matches("'--max-input' needs a size", err, 1, true)
      _, err, code = sh(dir, "$A callorder --max-input " .. Q(bad) .. " r.csv")
      assert.are.equal(2, code, bad)
      assert.matches("--max-input: '" .. bad .. "' is not a size", err, 1, true)
    end
  end)

  it("a file exactly at the bound is read", function()
    local dir = fixtures()
    local text = VALID["r.csv"]
    h.write(dir .. "/r.csv", text .. ("\n"):rep(4096 - #text))
    local out, err, code = sh(dir, "$A --max-input 4K callorder r.csv")
    assert.are.equal(0, code, err)
    assert.are.equal("id,call_rank\nx,1\ny,2\nz,3\n", out)
  end)
end)

describe("§5 an overlong line is reported with its line number: CSV reader × line", function()
  after_each(h.remove_scratch)
  local long = ("x"):rep(16 * MiB + 1)
  for _, r in ipairs(READERS) do
    if r.line ~= false then
      for _, shape in ipairs {
        { "one unbroken line", function(head) return head .. long .. "\n" end, 2 },
        { "a line of separators", function(head) return head .. ("," .. ("x"):rep(15)):rep(MiB + 1) .. "\n" end, 2 },
        { "after a good line, at the end", function(head, row) return head .. row .. long end, 3 },
      } do
        it(r[1] .. " × " .. shape[1], function()
          local dir = fixtures()
          local head, row = VALID[r.file]:match("^([^\n]*\n)([^\n]*\n)")
          h.write(dir .. "/" .. r.file, shape[2](head, row))
          local _, err, code, peak = sh(dir, r.cmd:format(""), true)
          assert.are.equal(2, code, err)
          assert.is_true(peak > 0 and peak < 600 * 1024, "peak memory " .. peak .. " KiB")
          assert.matches(r.file .. ":" .. shape[3] .. ": line longer than 16777216 bytes", err, 1, true)
        end)
      end
    end
  end
end)

-- Streams: stdin (-), /dev/stdin, a FIFO, <(...), each for each input of allocate, and
-- with a quote in the text (which sends the fast path back to csvread: the text must not
-- be read a second time).
describe("§5 every input given as a stream is read exactly once", function()
  after_each(h.remove_scratch)
  local STREAMS = {
    { "-", function(file) return "-", "cat " .. file .. " | " end },
    { "/dev/stdin", function(file) return "/dev/stdin", "cat " .. file .. " | " end },
    { "<(...)", function(file) return "<(cat " .. file .. ")", "" end },
    { "a FIFO", function(file)
        return "fifo", "mkfifo fifo; (timeout 20 sh -c 'exec cat " .. file .. " > fifo' &); "
      end },
  }
  local INPUTS = { formations = "f.csv", candidates = "c.csv", wishes = "w.csv" }
  local function allocate_with(which, stream)
    local args = {}
    for _, k in ipairs { "formations", "candidates", "wishes" } do
      args[#args + 1] = "--" .. k .. " " .. (k == which and stream or INPUTS[k])
    end
    return "$A allocate " .. table.concat(args, " ") .. " --out out"
  end
  for _, s in ipairs(STREAMS) do
    for _, which in ipairs { "formations", "candidates", "wishes" } do
      for _, quoted in ipairs { false, true } do
        it(which .. " from " .. s[1] .. (quoted and " (quoted fields: the csvread path)" or ""), function()
          local dir = fixtures()
          local file = INPUTS[which]
          if quoted then h.write(dir .. "/" .. file, VALID[file]:gsub("\n(%w)", '\n"%1"', 1)) end
          local ref = sh(dir, "$A allocate --formations f.csv --candidates c.csv --wishes w.csv --out ref")
          local path, pre = s[2](file)
          local _, err, code = sh(dir, pre .. allocate_with(which, path))
          assert.are.equal(0, code, err)
          for _, f in ipairs { "assignments.csv", "formations.csv", "summary.json" } do
            assert.are.equal(h.slurp(dir .. "/ref/" .. f), h.slurp(dir .. "/out/" .. f), f)
          end
          assert.is_not_nil(ref)
        end)
      end
      it(which .. " from " .. s[1] .. ": an error is located in the stream", function()
        local dir = fixtures()
        local file = INPUTS[which]
        -- a second copy of the first data row: a duplicate, found after the fast path gave up
        local text = VALID[file] .. VALID[file]:match("\n([^\n]*\n)")
        local nlines = select(2, text:gsub("\n", ""))
        h.write(dir .. "/" .. file, text)
        local path, pre = s[2](file)
        local _, err, code = sh(dir, pre .. allocate_with(which, path))
        assert.are.equal(2, code, err)
        local name = s[1] == "-" and "stdin" or s[1] == "<(...)" and "/dev/fd/%d+" or path
        assert.matches("^admit: " .. name:gsub("%-", "%%-") .. ":" .. nlines .. ":%d+: ", err)
        assert.matches("already on line 2", err, 1, true)
        assert.is_false(exists(dir .. "/out"))
      end)
    end
  end

  for _, pair in ipairs { { "-", "-", "stdin" }, { "-", "/dev/stdin", "/dev/stdin" },
                          { "/dev/stdin", "/dev/fd/0", "/dev/fd/0" } } do
    it("one stream given for two inputs is refused, not read as empty: " .. pair[1] .. " and " .. pair[2], function()
      local dir = fixtures()
      local _, err, code = sh(dir, "cat f.csv | $A allocate --formations " .. pair[1] .. " --candidates "
        .. pair[2] .. " --wishes w.csv --out out")
      assert.are.equal(2, code)
      assert.are.equal("admit: " .. pair[3] .. ": given for two inputs, but a stream can be read only "
        .. "once: save each input to its own file\n", err)
    end)
  end

  it("callorder, admit.candidates and a script read stdin once", function()
    local dir = fixtures()
    local out, err, code = sh(dir, "cat r.csv | $A callorder -")
    assert.are.equal(0, code, err)
    assert.are.equal("id,call_rank\nx,1\ny,2\nz,3\n", out)
    out, err, code = sh(dir, [[cat c.csv | $A -e 'print(#admit.check(admit.candidates("-")))']])
    assert.are.equal(0, code, err)
    assert.are.equal("3\n", out)
    out, err, code = sh(dir, "cat s.lua | $A -")
    assert.are.equal(0, code, err)
    assert.are.equal("ran\n", out)
  end)
end)

-- 64-bit counts, and each documented range at its limits.
describe("§5 counts and ranges at their limits", function()
  after_each(h.remove_scratch)

  it("summary.json and r.summary count 500 formations of 10,000,000 seats: 5,000,000,000", function()
    local dir = fixtures()
    local rows = { "formation_id,capacity" }
    for i = 1, 500 do rows[#rows + 1] = "F" .. i .. ",10000000" end
    h.write(dir .. "/f.csv", table.concat(rows, "\n") .. "\n")
    h.write(dir .. "/w.csv", "candidate_id,formation_id,preference,rank\nx,F1,1,1\ny,F500,1,1\n")
    local _, err, code = sh(dir, "$A allocate --formations f.csv --candidates c.csv --wishes w.csv --out out")
    assert.are.equal(0, code, err)
    assert.matches('"seats": 5000000000,', h.slurp(dir .. "/out/summary.json"), 1, true)
    local out
    out, err, code = sh(dir, [[$A -e 'local r = admit.simulate{formations="f.csv", candidates="c.csv",
      wishes="w.csv"} print(r.summary.seats)']])
    assert.are.equal(0, code, err)
    assert.are.equal("5000000000\n", out)
  end)

  -- { file, column, value, accepted?, message when refused }
  local F_HEAD = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\n"
  local W_HEAD = "candidate_id,formation_id,preference,rank\n"
  local RANGES = {
    { "capacity 0", "f.csv", F_HEAD .. "A,0,0,0,0,0\nB,1,0,0,0,0\n", true },
    { "capacity 10000000", "f.csv", F_HEAD .. "A,10000000,0,0,0,0\nB,1,0,0,0,0\n", true },
    { "capacity 10000001", "f.csv", F_HEAD .. "A,10000001,0,0,0,0\nB,1,0,0,0,0\n",
      "f.csv:2:3: capacity: 10000001 is too large (at most 10000000)" },
    { "capacity -1", "f.csv", F_HEAD .. "A,-1,0,0,0,0\nB,1,0,0,0,0\n",
      "f.csv:2:3: capacity: '-1' is not a whole number (0 to 10000000)" },
    { "min_techno 100", "f.csv", F_HEAD .. "A,2,100,0,0,0\nB,1,0,0,0,0\n", true },
    { "min_pro 101", "f.csv", F_HEAD .. "A,2,0,101,0,0\nB,1,0,0,0,0\n",
      "f.csv:2:7: min_pro: 101 is too large (at most 100)" },
    { "min_resident x", "f.csv", F_HEAD .. "A,2,0,0,0,x\nB,1,0,0,0,0\n",
      "f.csv:2:11: min_resident: 'x' is not a whole number (0 to 100)" },
    { "preference 1000000", "w.csv", W_HEAD .. "x,A,1000000,1\n", true },
    { "preference 1000001", "w.csv", W_HEAD .. "x,A,1000001,1\n",
      "w.csv:2:5: preference: 1000001 is too large (at most 1000000)" },
    { "preference 0", "w.csv", W_HEAD .. "x,A,0,1\n", "w.csv:2:5: preference must be 1 or more (1 = favourite)" },
    { "preference one", "w.csv", W_HEAD .. "x,A,one,1\n",
      "w.csv:2:5: preference: 'one' is not a whole number (1 to 1000000)" },
    { "rank 2147483647", "w.csv", W_HEAD .. "x,A,1,2147483647\n", true },
    { "rank 2147483648", "w.csv", W_HEAD .. "x,A,1,2147483648\n",
      "w.csv:2:7: rank: 2147483648 is too large (at most 2147483647)" },
    { "rank 0", "w.csv", W_HEAD .. "x,A,1,0\n", "w.csv:2:7: rank must be 1 or more (1 = best ranked)" },
    { "rank -3", "w.csv", W_HEAD .. "x,A,1,-3\n", "w.csv:2:7: rank: '-3' is not a whole number (1 to 2147483647)" },
    { "callorder rank 2147483647", "r.csv", "id,rank,boursier,resident\nx,2147483647,0,0\n", true },
    { "callorder rank 2147483648", "r.csv", "id,rank,boursier,resident\nx,2147483648,0,0\n",
      "r.csv:2:3: rank must be a whole number from 1 (best) to 2147483647, got '2147483648'" },
    { "callorder rank 0", "r.csv", "id,rank,boursier,resident\nx,0,0,0\n",
      "r.csv:2:3: rank must be a whole number from 1 (best) to 2147483647, got '0'" },
  }
  for _, row in ipairs(RANGES) do
    it(row[1], function()
      local dir = fixtures()
      h.write(dir .. "/" .. row[2], row[3])
      local cmd = row[2] == "r.csv" and "$A callorder r.csv"
        or "$A allocate --formations f.csv --candidates c.csv --wishes w.csv --out out"
      local _, err, code = sh(dir, cmd)
      if row[4] == true then
        assert.are.equal(0, code, err)
      else
        assert.are.equal(2, code)
        assert.are.equal("admit: " .. row[4] .. "\n", err)
      end
    end)
  end

  for _, rate in ipairs { { "0", true }, { "100", true }, { "101", false }, { "-1", false } } do
    it("callorder --min-boursiers / --min-residents " .. rate[1], function()
      local dir = fixtures()
      for _, opt in ipairs { "--min-boursiers", "--min-residents" } do
        local _, err, code = sh(dir, "$A callorder " .. opt .. " " .. rate[1] .. " r.csv")
        if rate[2] then
          assert.are.equal(0, code, err)
        else
          assert.are.equal(2, code)
          assert.matches(opt .. ": the rate must be an integer from 0 to 100", err, 1, true)
        end
      end
    end)
  end
end)

-- Invalid UTF-8 in any argument of any command: a usage error, exit 2, no traceback.
describe("§5 invalid UTF-8 in an argument: command × argument", function()
  after_each(h.remove_scratch)
  local BAD = { ["\\xff\\xfe"] = "\255\254", ["a truncated é"] = "Lil\195", ["a Latin-1 é"] = "Amiens\233" }
  local COMMANDS = {
    { "annexes", "--find", "%s" }, { "annexes", "--academie", "%s" }, { "annexes", "--annex", "%s" },
    { "annexes", "--format", "%s" }, { "annexes", "--dir", "%s" }, { "annexes", "--find=%s" },
    { "callorder", "%s" }, { "callorder", "--min-boursiers", "%s", "r.csv" },
    { "allocate", "--formations", "%s", "--candidates", "c.csv", "--wishes", "w.csv", "--out", "out" },
    { "allocate", "--formations", "f.csv", "--candidates", "c.csv", "--wishes", "w.csv", "--out", "%s" },
    { "allocate", "--mode", "%s" },
    { "generate", "--out", "%s" }, { "generate", "--seed", "%s", "--out", "g" },
    { "import-recueil", "%s", "--out", "o" }, { "import-recueil", "src.txt", "--out", "%s" },
    { "help", "%s" }, { "%s" }, { "callorder", "--%s" },
  }
  for _, cmd in ipairs(COMMANDS) do
    for label, bytes in pairs(BAD) do
      it(table.concat(cmd, " "):gsub("%%s", label) .. "", function()
        local dir = fixtures()
        local args, at = {}, nil
        for i, a in ipairs(cmd) do
          args[i] = a:gsub("%%s", function() return bytes end)
          if a:find("%s", 1, true) then at = i end
        end
        local quoted = {}
        for i, a in ipairs(args) do quoted[i] = Q(a) end
        local out, err, code = sh(dir, "$A " .. table.concat(quoted, " "))
        assert.are.equal(2, code, err)
        assert.are.equal("", out)
        assert.is_nil(err:find("traceback", 1, true), err)
        assert.matches("is not valid UTF-8 text", err, 1, true)
        if at > 1 then assert.matches("^admit: argument " .. (at - 1) .. " %(", err)
        else assert.matches("^admit: the command name %(", err) end
        assert.are.same({ "c.csv", "d", "f.csv", "pol", "r.csv", "s.lua", "src.txt", "w.csv" }, listing(dir))
      end)
    end
  end
end)

-- ================================================================ §6 outputs

-- Every writer of an output folder. run(dir, out) runs it with out as the folder.
local FOLDER_WRITERS = {
  { "allocate --out", function(out)
      return "$A allocate --formations f.csv --candidates c.csv --wishes w.csv --out " .. Q(out)
    end },
  { "generate --out", function(out) return "$A generate --candidates 5 --out " .. Q(out) end },
  { "import-recueil --out", function(out) return "$A import-recueil src.txt --out " .. Q(out) end },
  { "admit.write_dir", function(out)
      return ([[$A -e 'admit.check(admit.write_dir(%q, {["a.csv"] = "1\n"}))']]):format(out)
    end },
  { "r:write", function(out)
      return ([[$A -e 'local r = admit.simulate{formations="f.csv", candidates="c.csv",
        wishes="w.csv"} admit.check(r:write(%q))']]):format(out)
    end },
}

-- What an output folder may hold that admit must not destroy. make(dir) turns dir/out
-- (first written by admit) into the hostile state; msg is the message expected.
local WAY_OUT = ", and an output folder is replaced whole: move it out of the folder, or give "
  .. "another output folder"
local FOLDER_STATES = {
  { "an officer's file saved beside the results",
    make = function(o) h.write(o .. "/mon_analyse.xlsx", "mine") end,
    msg = "out: holds 'mon_analyse.xlsx', which admit did not write" .. WAY_OUT },
  { "a hidden file",
    make = function(o) h.write(o .. "/.notes", "mine") end,
    msg = "out: holds '.notes', which admit did not write" .. WAY_OUT },
  { "one of admit's files changed since",
    make = function(o)
      local first
      for _, n in ipairs(listing(o)) do if n:sub(1, 1) ~= "." and not first then first = n end end
      h.write(o .. "/" .. first, "edited by hand")
      return first
    end,
    msg = "out: holds '%s', which was changed since admit wrote it" .. WAY_OUT },
  { "a sub-folder of the officer's",
    make = function(o) assert(lfs.mkdir(o .. "/mine")); h.write(o .. "/mine/x.txt", "x") end,
    msg = "out: holds 'mine', a folder which admit did not write" .. WAY_OUT },
  { "an empty sub-folder",
    make = function(o) assert(lfs.mkdir(o .. "/0-keep")) end,
    msg = "out: holds '0-keep', a folder which admit did not write" .. WAY_OUT },
  { "a symbolic link added",
    make = function(o) assert(lfs.link("/etc/hostname", o .. "/0-link", true)) end,
    msg = "out: holds '0-link', which admit did not write" .. WAY_OUT },
  { "one of admit's files replaced by a link",
    make = function(o)
      local first
      for _, n in ipairs(listing(o)) do if n:sub(1, 1) ~= "." and not first then first = n end end
      os.remove(o .. "/" .. first)
      assert(lfs.link("/etc/hostname", o .. "/" .. first, true))
      return first
    end,
    msg = "out: holds '%s', which admit did not write (it is not a regular file)" .. WAY_OUT },
  { "the marker changed",
    make = function(o) h.write(o .. "/.admit-output", "written by me\n") end,
    msg = "out: its .admit-output is not the list of files admit writes there (changed, or "
      .. "written by an older admit), so admit cannot tell its own files from others: move the "
      .. "folder away, or give another output folder" },
  { "a folder of the officer's without a marker",
    make = function(o)
      for _, n in ipairs(listing(o)) do os.remove(o .. "/" .. n) end
      h.write(o .. "/rapport.docx", "mine")
    end,
    msg = "out: holds 'rapport.docx', which admit did not write" .. WAY_OUT },
}

describe("§6 admit never deletes or replaces a file it did not write: writer × folder", function()
  after_each(h.remove_scratch)
  for _, w in ipairs(FOLDER_WRITERS) do
    it(w[1] .. " replaces its own previous output, unchanged", function()
      local dir = fixtures()
      local _, err, code = sh(dir, w[2]("out"))
      assert.are.equal(0, code, err)
      local _, _, check = sh(dir .. "/out", "sha256sum --quiet -c .admit-output")
      assert.are.equal(0, check, "the marker is sha256sum's format")
      _, err, code = sh(dir, w[2]("out"))
      assert.are.equal(0, code, err)
      assert_no_leftover(dir)
    end)
    for _, st in ipairs(FOLDER_STATES) do
      it(w[1] .. " × " .. st[1], function()
        local dir = fixtures()
        local _, err, code = sh(dir, w[2]("out"))
        assert.are.equal(0, code, err)
        local named = st.make(dir .. "/out")
        local before = snapshot(dir .. "/out")
        _, err, code = sh(dir, w[2]("out"))
        assert.are.equal(2, code, err)
        assert.are.equal("admit: " .. st.msg:format(named) .. "\n", err)
        assert.are.equal(before, snapshot(dir .. "/out"), "the folder was touched")
        assert_no_leftover(dir)
      end)
    end
    it(w[1] .. " × a file added to a sub-folder admit wrote (out/cohort)", function()
      local dir = fixtures()
      local _, err, code = sh(dir, w[2]("out") .. " && $A generate --candidates 5 --out out/cohort")
      assert.are.equal(0, code, err)
      _, err, code = sh(dir, w[2]("out"))   -- admit's own sub-folder goes with the folder
      assert.are.equal(0, code, err)
      assert.is_false(exists(dir .. "/out/cohort"))
      _, err, code = sh(dir, "$A generate --candidates 5 --out out/cohort")
      assert.are.equal(0, code, err)
      h.write(dir .. "/out/cohort/notes.txt", "mine")
      _, err, code = sh(dir, w[2]("out"))
      assert.are.equal(2, code, err)
      assert.are.equal("admit: out/cohort: holds 'notes.txt', which admit did not write" .. WAY_OUT .. "\n", err)
      assert.are.equal("mine", h.slurp(dir .. "/out/cohort/notes.txt"))
    end)
  end
end)

-- Output paths that are not a folder admit may replace: refused before any work, nothing
-- touched, no temporary folder left.
local BAD_OUT = {
  { "a link to the officer's folder", "linkout",
    make = function(dir)
      assert(lfs.mkdir(dir .. "/realout"))
      h.write(dir .. "/realout/mine.txt", "mine")
      assert(lfs.link("realout", dir .. "/linkout", true))
    end,
    msg = "linkout: is a symbolic link, and admit does not write its output folder through "
      .. "links (it would replace what the link points to): give the real folder, or another output folder" },
  { "a link to admit's own output", "linkout",
    make = function(dir, w)
      assert.are.equal(0, select(3, sh(dir, w("realout"))))
      assert(lfs.link("realout", dir .. "/linkout", true))
    end,
    msg = "linkout: is a symbolic link, and admit does not write its output folder through "
      .. "links (it would replace what the link points to): give the real folder, or another output folder" },
  { "a dangling link", "linkout",
    make = function(dir) assert(lfs.link("nowhere", dir .. "/linkout", true)) end,
    msg = "linkout: is a symbolic link, and admit does not write its output folder through "
      .. "links (it would replace what the link points to): give the real folder, or another output folder" },
  { "a link ending in /", "linkout/",
    make = function(dir)
      assert(lfs.mkdir(dir .. "/realout"))
      assert(lfs.link("realout", dir .. "/linkout", true))
    end,
    msg = "linkout: is a symbolic link, and admit does not write its output folder through "
      .. "links (it would replace what the link points to): give the real folder, or another output folder" },
  { "an empty name", "", msg = '"": is not a name for an output folder: give the folder\'s own name '
      .. "(for instance out or results/run1)" },
  { "d/.", "d/.", msg = "d/.: is not a name for an output folder: give the folder's own name "
      .. "(for instance out or results/run1)" },
  { ".", ".", msg = ".: is not a name for an output folder: give the folder's own name "
      .. "(for instance out or results/run1)" },
  { "..", "d/..", msg = "d/..: is not a name for an output folder: give the folder's own name "
      .. "(for instance out or results/run1)" },
  { "a folder above that does not exist", "nope/out",
    msg = "nope/out: cannot create the output directory: the folder above it, nope, does not exist" },
  { "a file in place of the folder above", "f.csv/out",
    msg = "f.csv/out: cannot create the output directory: the folder above it, f.csv, does not exist" },
  { "a file", "f.csv", msg = "f.csv: exists and is not a directory" },
  { "a FIFO", "fifo", make = function(dir) assert(os.execute("mkfifo " .. Q(dir .. "/fifo"))) end,
    msg = "fifo: exists and is not a directory" },
}

describe("§6 a bad output path is refused before any work: writer × path", function()
  after_each(h.remove_scratch)
  for _, w in ipairs(FOLDER_WRITERS) do
    for _, b in ipairs(BAD_OUT) do
      it(w[1] .. " × " .. b[1], function()
        local dir = fixtures()
        if b.make then b.make(dir, w[2]) end
        local before = snapshot(dir)
        local _, err, code = sh(dir, w[2](b[2]))
        assert.are.equal(2, code, err)
        assert.are.equal("admit: " .. b.msg .. "\n", err)
        assert.are.equal(before, snapshot(dir), "something was touched")
        assert_no_leftover(dir)
        assert_no_leftover(dir .. "/d")
      end)
    end
  end

  it("allocate refuses a bad --out before reading its inputs (the --out message, not the input's)", function()
    local dir = fixtures()
    h.write(dir .. "/w.csv", "not,a,wishes,file\n")
    h.write(dir .. "/out", "a file")
    local _, err, code = sh(dir, "$A allocate --formations f.csv --candidates c.csv --wishes w.csv --out out")
    assert.are.equal(2, code)
    assert.are.equal("admit: out: exists and is not a directory\n", err)
  end)

  -- Permissions do not stop root: these rows run admit as nobody (setpriv).
  local function as_nobody(dir, cmd)
    return sh(dir, "chown -R nobody " .. Q(dir) .. " && setpriv --reuid=65534 --regid=65534 "
      .. "--clear-groups bash -c " .. Q("A=$0; " .. cmd) .. " $A")
  end
  for _, w in ipairs(FOLDER_WRITERS) do
    it(w[1] .. " × an old output that cannot be removed (read-only folder): refused first", function()
      if not os.execute("command -v setpriv >/dev/null && test $(id -u) -eq 0") then
        pending("needs root and setpriv to run as another user")
        return
      end
      -- a checkout under a private folder (mktemp -d) cannot be run by nobody
      if not os.execute("setpriv --reuid=65534 --regid=65534 --clear-groups " .. Q(h.admit)
                        .. " -e '' >/dev/null 2>&1") then
        pending("nobody cannot run " .. h.admit .. " (a folder above it is private)")
        return
      end
      local dir = fixtures()
      assert.are.equal(0, select(3, as_nobody(dir, w[2]("out"))))
      assert(os.execute("chmod 555 " .. Q(dir .. "/out")))
      local before = snapshot(dir .. "/out")
      local _, err, code = as_nobody(dir, w[2]("out"))
      assert.are.equal(2, code, err)
      assert.are.equal("admit: out: cannot replace the folder: Permission denied\n", err)
      assert.are.equal(before, snapshot(dir .. "/out"))
      assert_no_leftover(dir)
      assert(os.execute("chmod 755 " .. Q(dir .. "/out")))
    end)
    it(w[1] .. " × a folder above that is read-only: refused first", function()
      if not os.execute("command -v setpriv >/dev/null && test $(id -u) -eq 0") then
        pending("needs root and setpriv to run as another user")
        return
      end
      -- a checkout under a private folder (mktemp -d) cannot be run by nobody
      if not os.execute("setpriv --reuid=65534 --regid=65534 --clear-groups " .. Q(h.admit)
                        .. " -e '' >/dev/null 2>&1") then
        pending("nobody cannot run " .. h.admit .. " (a folder above it is private)")
        return
      end
      local dir = fixtures()
      assert(lfs.mkdir(dir .. "/ro"))
      assert(os.execute("chmod 555 " .. Q(dir .. "/ro")))
      local _, err, code = as_nobody(dir, w[2]("ro/out"))
      assert.are.equal(2, code, err)
      assert.are.equal("admit: ro/out: cannot create the output directory in ro: Permission denied\n", err)
      assert.are.same({}, listing(dir .. "/ro"))
    end)
  end
end)

-- Single-file outputs: co:write, admit.write_file. Only an absent path or a regular file
-- may be written (a regular file is replaced whole: the caller named it).
local FILE_WRITERS = {
  { "admit.write_file", function(path)
      return ([[$A -e 'admit.check(admit.write_file(%q, "x\n"))']]):format(path)
    end },
  { "call_order(...):write", function(path)
      return ([[$A -e 'admit.check(admit.call_order({{id="a", rank=1}}, {}):write(%q))']]):format(path)
    end },
}

local BAD_FILE = {
  { "a link to a file", "t", make = function(dir) h.write(dir .. "/real", "mine"); assert(lfs.link("real", dir .. "/t", true)) end,
    what = "a symbolic link" },
  { "a link to /proc/self/fd/1", "t", make = function(dir) assert(lfs.link("/proc/self/fd/1", dir .. "/t", true)) end,
    what = "a symbolic link" },
  { "a dangling link", "t", make = function(dir) assert(lfs.link("nowhere", dir .. "/t", true)) end,
    what = "a symbolic link" },
  { "a FIFO", "t", make = function(dir) assert(os.execute("mkfifo " .. Q(dir .. "/t"))) end,
    what = "a FIFO (named pipe)" },
  { "a device", "t", make = function(dir)
      if not os.execute("mknod " .. Q(dir .. "/t") .. " c 1 3 2>/dev/null") then return "cannot mknod" end
    end, what = "a device" },
  { "a folder", "t", make = function(dir) assert(lfs.mkdir(dir .. "/t")); h.write(dir .. "/t/k", "k") end,
    what = "a directory" },
}

describe("§6 a file output replaces only a regular file: writer × path", function()
  after_each(h.remove_scratch)
  for _, w in ipairs(FILE_WRITERS) do
    for _, b in ipairs(BAD_FILE) do
      it(w[1] .. " × " .. b[1], function()
        local dir = h.scratch()
        if b.make(dir) then pending("mknod needs root") return end
        local before = snapshot(dir)
        local _, err, code = sh(dir, w[2](b[2]))
        assert.are.equal(2, code, err)
        assert.are.equal("admit: " .. b[2] .. ": is " .. b.what .. ", and admit replaces only "
          .. "regular files (it writes a new file, then renames it over the old one): give "
          .. "another file name\n", err)
        assert.are.equal(before, snapshot(dir))
        assert_no_leftover(dir)
      end)
    end
    it(w[1] .. " × an empty name", function()
      local dir = h.scratch()
      local _, err, code = sh(dir, w[2](""))
      assert.are.equal(2, code, err)
      assert.are.equal('admit: "": is not a file name: give the name of the file to write\n', err)
      assert.are.same({}, listing(dir))
    end)
    it(w[1] .. " × a regular file: replaced", function()
      local dir = h.scratch()
      h.write(dir .. "/t", "old")
      local _, err, code = sh(dir, w[2]("t"))
      assert.are.equal(0, code, err)
      assert.are_not.equal("old", h.slurp(dir .. "/t"))
      assert.are.same({ "t" }, listing(dir))
    end)
  end
end)

-- ================================================================ §7 messages

describe("§7 small message defects", function()
  after_each(h.remove_scratch)
  local EMPTY = {
    { "callorder", "r.csv", "$A callorder r.csv", "r.csv: empty file: expected a header line" },
    { "allocate", "c.csv", ALLOCATE:format(""), "c.csv: empty file: expected a header line" },
    { "annexes", "d/iut-techno.csv", "$A annexes --dir d", "d/iut-techno.csv: empty file: expected a header line" },
    { "import-recueil", "src.txt", "$A import-recueil src.txt --out out",
      "src.txt: empty file: expected the text of a recueil des actes administratifs" },
    { "admit.candidates", "c.csv", [[$A -e 'admit.check(admit.candidates("c.csv"))']],
      "c.csv: empty file: expected a header line" },
    { "stdin", nil, "$A callorder - < /dev/null", "stdin: empty file: expected a header line" },
  }
  for _, e in ipairs(EMPTY) do
    for _, content in ipairs { "", "\239\187\191", "\n\n" } do
      it("an empty input has no line number: " .. e[1] .. " × " .. #content .. " bytes", function()
        local dir = fixtures()
        if e[2] then h.write(dir .. "/" .. e[2], content) end
        local _, err, code = sh(dir, e[3])
        assert.are.equal(2, code)
        if e[1] == "import-recueil" and content ~= "" then return end   -- a text, not a CSV
        assert.are.equal("admit: " .. e[4] .. "\n", err)
      end)
    end
  end

  it("'cannot write' says why", function()
    local dir = fixtures()
    local _, err, code = sh(dir, "$A callorder r.csv > /dev/full")
    assert.are.equal(2, code)
    assert.are.equal("admit: callorder: cannot write the result to the output: No space left on device\n", err)
    local cmds = {
      ALLOCATE:format(""),
      "$A generate --candidates 2000 --out out",
      [[$A -e 'admit.check(admit.write_dir("out", {["a.csv"] = ("x"):rep(100000)}))']],
      [[$A -e 'admit.check(admit.write_file("out.csv", ("x"):rep(100000)))']],
    }
    for _, cmd in ipairs(cmds) do
      _, err, code = sh(dir, "trap '' XFSZ; ulimit -f 2; " .. cmd)
      assert.are_not.equal(0, code, cmd)
      assert.matches("File too large\n$", err)
      assert_no_leftover(dir)
    end
  end)
end)

-- `admit report DIR` makes report.html again inside admit's own folder: through the marker,
-- so that the next run still knows the folder as admit's; and the provenance of a stream
-- input is the checksum of the text read once (a stream cannot be read again).
describe("§5 §6 report.html rebuilt, provenance of streams", function()
  after_each(h.remove_scratch)

  it("admit report keeps the folder admit's: the next run replaces it", function()
    local dir = fixtures()
    assert.are.equal(0, select(3, sh(dir, ALLOCATE:format("") .. " --quiet")))
    local _, err, code = sh(dir, "$A report out --lang en")
    assert.are.equal(0, code, err)
    local _, _, check = sh(dir .. "/out", "sha256sum --quiet -c .admit-output")
    assert.are.equal(0, check)
    _, err, code = sh(dir, ALLOCATE:format("") .. " --quiet")
    assert.are.equal(0, code, err)
  end)

  for _, case in ipairs {
    { "a file of the officer's in the folder", function(o) h.write(o .. "/notes.txt", "mine") end,
      "out: holds 'notes.txt', which admit did not write" },
    { "report.html edited by hand", function(o) h.write(o .. "/report.html", "mine") end,
      "out: holds 'report.html', which was changed since admit wrote it" },
    { "a link as the folder", function(o) os.rename(o, o .. "2"); assert(lfs.link("out2", o, true)) end,
      "out: is a symbolic link" },
  } do
    it("admit report refuses " .. case[1] .. ", touching nothing", function()
      local dir = fixtures()
      assert.are.equal(0, select(3, sh(dir, ALLOCATE:format("") .. " --quiet")))
      case[2](dir .. "/out")
      local before = snapshot(dir)
      local _, err, code = sh(dir, "$A report out")
      assert.are.equal(2, code, err)
      assert.matches("admit: " .. case[3], err, 1, true)
      assert.are.equal(before, snapshot(dir))
    end)
  end

  for _, s in ipairs { { "-", "cat w.csv | " }, { "<(cat w.csv)", "" },
                       { "fifo", "mkfifo fifo; (timeout 20 sh -c 'exec cat w.csv > fifo' &); " } } do
    it("provenance.json gives the SHA-256 of a stream read once: " .. s[1], function()
      local dir = fixtures()
      local _, err, code = sh(dir, s[2] .. "$A allocate --formations f.csv --candidates c.csv --wishes "
        .. s[1] .. " --out out --quiet")
      assert.are.equal(0, code, err)
      local sum = sh(dir, "sha256sum < w.csv"):match("^(%x+)")
      local prov = h.slurp(dir .. "/out/provenance.json")
      assert.matches('"sha256": "' .. sum .. '"', prov, 1, true)
      assert.matches('"bytes": ' .. #VALID["w.csv"], prov, 1, true)
    end)
  end
end)
