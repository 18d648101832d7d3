-- admit generate at speed (issue 13) and the output-folder marker's stamps.
-- generate: the same bytes whatever ADMIT_THREADS, at sizes around its chunk (8,192
-- candidates) and thread thresholds, on synthetic, annex and open-dataset formations; a
-- well-formed cohort (each candidate's preferences 1..k, each formation's classement a
-- permutation 1..n); the marker's SHA-256 (taken as the files were written) equal to
-- sha256sum's.
-- The marker: a file unchanged since admit wrote it is not hashed again, so every way of
-- changing a file must still show: an edit that keeps the size and restores the mtime
-- (touch -r, cp -p), an edit in the same second, a file replaced (new inode), a marker of an
-- older admit (no stamps), damaged stamps.
local h = require "helpers"

local THREADS = { "1", "2", "3", "8" }
local WAY_OUT = ", and an output folder is replaced whole: move it out of the folder, or give "
  .. "another output folder"

local function run_env(threads, args)
  return h.run(args, nil, { env = "ADMIT_THREADS=" .. threads })
end

local function sh(cmd)
  local p = io.popen(cmd .. " 2>&1; echo \"rc=$?\"")
  local out = p:read("a")
  p:close()
  local text, rc = out:match("^(.-)rc=(%d+)\n$")
  return text, tonumber(rc)
end

local FILES = { "formations.csv", "candidates.csv", "wishes.csv" }

local function generate(threads, dir, n, extra)
  local args = { "generate", "--out", dir, "--seed", "24", "--candidates", tostring(n) }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  local _, err, code = run_env(threads, args)
  assert.are.equal(0, code, err)
  local got = {}
  for _, f in ipairs(FILES) do got[f] = h.slurp(dir .. "/" .. f) end
  return got
end

-- Each candidate's preferences are 1..k in order; each formation's ranks are 1..n, each once.
local function assert_well_formed(wishes, ncand)
  local by_form, last_cand, last_pref, seen = {}, nil, 0, 0
  local first = true
  for line in wishes:gmatch("[^\n]+") do
    if first then
      assert.are.equal("candidate_id,formation_id,preference,rank", line)
      first = false
    else
      local c, f, p, r = line:match("^(C%d+),([^,]+),(%d+),(%d+)$")
      assert(c, line)
      p, r = tonumber(p), tonumber(r)
      if c ~= last_cand then
        assert.are.equal(1, p, line)
        assert.is_true(last_cand == nil or c > last_cand, line)   -- fixed-width ids: in order
        last_cand, seen = c, seen + 1
      else
        assert.are.equal(last_pref + 1, p, line)
      end
      last_pref = p
      local ranks = by_form[f] or {}
      by_form[f] = ranks
      assert.is_nil(ranks[r], "rank " .. r .. " twice in " .. f)
      ranks[r] = true
    end
  end
  assert.is_true(seen <= ncand and seen >= ncand * 0.9)
  for f, ranks in pairs(by_form) do
    local n = 0
    for _ in pairs(ranks) do n = n + 1 end
    for r = 1, n do assert.is_true(ranks[r], f .. " misses rank " .. r) end
  end
end

describe("admit generate: the same bytes whatever ADMIT_THREADS", function()
  teardown(h.remove_scratch)

  -- sizes: one candidate; either side of a chunk of 8,192 candidates; past the threads'
  -- thresholds (20,000 candidates drawn on the threads, 100,000 vœux written on them)
  local CASES = {
    { 1, { "--formations", "3" } },
    { 8191, { "--formations", "120" } },
    { 8193, { "--formations", "120", "--max-wishes", "1" } },
    { 16384, { "--annexes", "tests/fixtures/sim/annexes" } },
    { 20001, { "--formations", "tests/fixtures/opendata/formations.csv" } },
    { 24000, { "--formations", "700", "--max-wishes", "255" } },
  }
  for _, case in ipairs(CASES) do
    local n, extra = case[1], case[2]
    it(n .. " candidates, " .. table.concat(extra, " ") .. ": 1, 2, 3 and 8 threads", function()
      local base, first = h.scratch(), nil
      for _, t in ipairs(THREADS) do
        local got = generate(t, base .. "/g" .. t, n, extra)
        if first then
          for _, f in ipairs(FILES) do assert.are.equal(first[f], got[f], f .. " on " .. t .. " threads") end
        else
          first = got
          assert_well_formed(got["wishes.csv"], n)
          local lines = select(2, got["candidates.csv"]:gsub("\n", ""))
          assert.are.equal(n + 1, lines)
        end
      end
    end)
  end

  it("the marker's SHA-256 of each file, taken as it was written, is sha256sum's", function()
    local dir = h.scratch() .. "/out"
    generate("2", dir, 40000, { "--formations", "600" })
    local _, rc = sh("cd " .. h.quote(dir) .. " && sha256sum --strict --quiet -c .admit-output")
    assert.are.equal(0, rc)
    local marker = h.slurp(dir .. "/.admit-output")
    for _, f in ipairs(FILES) do
      local sum = sh("sha256sum < " .. h.quote(dir .. "/" .. f)):match("^(%x+)")
      assert.matches("\n" .. sum .. "  " .. f:gsub("%.", "%%.") .. "\n", marker)
    end
  end)
end)

describe("admit generate: a write that fails half-way (disk full)", function()
  teardown(h.remove_scratch)

  for _, t in ipairs { "1", "2", "8" } do
    it("stops every thread, says why, leaves the previous output and nothing else (" .. t .. " threads)", function()
      local parent = h.scratch()
      local dir = parent .. "/out"
      local before = generate(t, dir, 500, { "--formations", "30" })
      -- 20 MB: candidates.csv fits, wishes.csv (about 45 MB) does not; stderr in err
      local err, rc = sh(("cd %s && trap '' XFSZ; ulimit -f 40000; ADMIT_THREADS=%s %s generate --out out "
        .. "--seed 24 --candidates 150000 --formations 900"):format(h.quote(parent), t, h.quote(h.exe())))
      assert.are.equal(2, rc, err)
      assert.are.equal("admit: out: cannot write wishes.csv: File too large\n", err)
      for _, f in ipairs(FILES) do assert.are.equal(before[f], h.slurp(dir .. "/" .. f), f) end
      local left = sh("ls -A " .. h.quote(parent))
      assert.are.equal("out\n", left)
    end)
  end
end)

-- ------------------------------------------------------------- the marker's stamps

local function stamp_of(path)   -- size, mtime, ctime (ns), device, inode, as the marker writes them
  local out = sh("stat -c '%s %Y %y %Z %z %d %i' " .. h.quote(path))
  local size, ms, mfrac, cs, cfrac, dev, ino =
    out:match("^(%d+) (%d+) %S+ [%d:]+%.(%d+) %S+ (%d+) %S+ [%d:]+%.(%d+) %S+ (%d+) (%d+)")
  assert(size, out)
  return { size = size, mt = ms .. " " .. tonumber(mfrac), ct = cs .. " " .. tonumber(cfrac), dev = dev, ino = ino,
           ct_ns = tonumber(cs) * 1000000000 + tonumber(cfrac) }
end

describe("the output marker: a file is hashed again unless its stamp is unchanged", function()
  teardown(h.remove_scratch)

  local function fresh()
    local dir = h.scratch() .. "/out"
    generate("2", dir, 3000, { "--formations", "60" })
    return dir
  end
  local function again(dir)
    local _, err, code = run_env("2", { "generate", "--out", dir, "--seed", "25", "--candidates", "3000",
                                        "--formations", "60" })
    return code, err
  end
  local function refused(dir, name)
    local before = {}
    for _, f in ipairs(FILES) do before[f] = h.slurp(dir .. "/" .. f) end
    local code, err = again(dir)
    assert.are.equal(2, code, err)
    assert.are.equal("admit: " .. dir .. ": holds '" .. name .. "', which was changed since admit wrote it"
      .. WAY_OUT .. "\n", err)
    for _, f in ipairs(FILES) do assert.are.equal(before[f], h.slurp(dir .. "/" .. f), f .. " was touched") end
  end
  -- the same bytes but one, same size
  local function flip(path)
    local text = h.slurp(path)
    local at = #text - 3
    local c = text:sub(at, at)
    h.write(path, text:sub(1, at - 1) .. (c == "1" and "2" or "1") .. text:sub(at + 1))
  end

  it("records each file's size, mtime, ctime, device and inode, and is newer than all of them", function()
    local dir = fresh()
    local marker = h.slurp(dir .. "/.admit-output")
    local mark = stamp_of(dir .. "/.admit-output")
    for _, f in ipairs(FILES) do
      local s = stamp_of(dir .. "/" .. f)
      local line = ("# stat %s %s %s %s %s\n"):format(s.size, s.mt, s.ct, s.dev, s.ino)
      assert.matches("\n" .. line:gsub("%p", "%%%0") .. "%x+  " .. f:gsub("%.", "%%.") .. "\n", marker)
      assert.is_true(s.ct_ns < mark.ct_ns, f .. ": the marker's ctime must be later (racy rule)")
    end
    assert.are.equal(0, (again(dir)))
  end)

  it("refuses an edit that keeps the size and puts the mtime back (touch -r)", function()
    local dir = fresh()
    local path = dir .. "/wishes.csv"
    assert.are.equal(0, select(2, sh("cp -p " .. h.quote(path) .. " " .. h.quote(dir .. "/../ref"))))
    flip(path)
    assert.are.equal(0, select(2, sh("touch -r " .. h.quote(dir .. "/../ref") .. " " .. h.quote(path))))
    assert.are.equal(stamp_of(dir .. "/../ref").mt, stamp_of(path).mt)
    refused(dir, "wishes.csv")
  end)

  it("refuses a same-size file copied over with cp -p (same inode, mtime of the copy)", function()
    local dir = fresh()
    local path = dir .. "/candidates.csv"
    local other = h.write(dir .. "/../other.csv", (function()
      local t = h.slurp(path)
      return t:sub(1, #t - 2) .. (t:sub(-2, -2) == "1" and "2" or "1") .. "\n"
    end)())
    assert.are.equal(0, select(2, sh("touch -r " .. h.quote(path) .. " " .. h.quote(other))))
    local ino = stamp_of(path).ino
    assert.are.equal(0, select(2, sh("cp -p " .. h.quote(other) .. " " .. h.quote(path))))
    assert.are.equal(ino, stamp_of(path).ino)
    refused(dir, "candidates.csv")
  end)

  it("refuses an edit made at once after the run, in the same second", function()
    for _ = 1, 3 do
      local dir = fresh()
      flip(dir .. "/formations.csv")
      refused(dir, "formations.csv")
    end
  end)

  it("refuses a file replaced by another (new inode) of the same size and mtime", function()
    local dir = fresh()
    local path = dir .. "/wishes.csv"
    local other = dir .. "/../w.csv"
    assert.are.equal(0, select(2, sh("cp -p " .. h.quote(path) .. " " .. h.quote(other))))
    flip(other)
    assert.are.equal(0, select(2, sh("touch -r " .. h.quote(path) .. " " .. h.quote(other)
      .. " && mv " .. h.quote(other) .. " " .. h.quote(path))))
    refused(dir, "wishes.csv")
  end)

  it("accepts a file replaced by an identical copy, touched, or its mode changed: hashed, unchanged", function()
    local dir = fresh()
    local w, c = dir .. "/wishes.csv", dir .. "/candidates.csv"
    assert.are.equal(0, select(2, sh("cp " .. h.quote(w) .. " " .. h.quote(w .. ".x") .. " && mv "
      .. h.quote(w .. ".x") .. " " .. h.quote(w) .. " && touch " .. h.quote(c) .. " && chmod 600 "
      .. h.quote(dir .. "/formations.csv"))))
    local code, err = again(dir)
    assert.are.equal(0, code, err)
  end)

  it("reads a marker of an older admit (no stamps): every file hashed, the folder replaced", function()
    local dir = fresh()
    local marker = h.slurp(dir .. "/.admit-output")
    h.write(dir .. "/.admit-output", (marker:gsub("#[^\n]*\n", "")))
    assert.are.equal(0, (again(dir)))
    -- and a changed file is still found without stamps
    marker = h.slurp(dir .. "/.admit-output")
    h.write(dir .. "/.admit-output", (marker:gsub("#[^\n]*\n", "")))
    flip(dir .. "/wishes.csv")
    refused(dir, "wishes.csv")
  end)

  it("ignores other comment lines, as sha256sum does", function()
    local dir = fresh()
    h.write(dir .. "/.admit-output", "# a note of mine\n" .. h.slurp(dir .. "/.admit-output"))
    assert.are.equal(0, (again(dir)))
  end)

  local BAD = {
    { "a stamp with a field missing", function(m) return (m:gsub("# stat (%d+) ", "# stat ", 1)) end },
    { "a stamp with a word in it", function(m) return (m:gsub("# stat (%d+) ", "# stat big ", 1)) end },
    { "a stamp followed by no entry", function(m) return m .. "# stat 1 2 3 4 5 6 7\n" end },
    { "two stamps before one entry", function(m) return (m:gsub("(# stat [^\n]*\n)", "%1%1", 1)) end },
    { "a stamp with a negative number", function(m) return (m:gsub("# stat (%d+) ", "# stat -%1 ", 1)) end },
  }
  for _, bad in ipairs(BAD) do
    it("refuses a marker with " .. bad[1] .. ", as a damaged marker", function()
      local dir = fresh()
      h.write(dir .. "/.admit-output", bad[2](h.slurp(dir .. "/.admit-output")))
      local code, err = again(dir)
      assert.are.equal(2, code, err)
      assert.matches("its .admit-output is not the list of files admit writes there", err, 1, true)
    end)
  end
end)
