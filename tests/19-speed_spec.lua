-- Speed (issue 13): the parallel phases give the same bytes whatever ADMIT_THREADS says,
-- the fast vœux reader agrees with the row-by-row one (results and error locations), the
-- id indexes find every duplicate and no false one, shares are formatted to one decimal,
-- and a national-size workbook leaves the assignments to assignments.csv.
local h = require "helpers"
local admit = require "admit"
local cjson = require "cjson"

local THREADS = { "1", "2", "3", "8" }

local function run_env(threads, args, stdin, extra_env)
  return h.run(args, stdin, { env = "ADMIT_THREADS=" .. threads .. (extra_env and " " .. extra_env or "") })
end

local function files_of(dir, names)
  local t = {}
  for _, n in ipairs(names) do t[n] = h.slurp(dir .. "/" .. n) end
  return t
end

local OUTPUTS = { "assignments.csv", "formations.csv", "groups.csv", "summary.json", "results.xlsx",
                  "provenance.json", "report.html" }
local INPUTS = { "formations.csv", "candidates.csv", "wishes.csv" }

-- One cohort big enough for every parallel phase: > 1 MB of vœux (parallel parse),
-- > 100,000 vœux (wishes.csv written by slices), > 20,000 (classements, call orders).
local cohort
local function clean()
  h.remove_scratch()
  cohort = nil
end

local function the_cohort()
  if cohort then return cohort end
  cohort = h.scratch() .. "/in"
  local _, err, code = run_env("1", { "generate", "--out", cohort, "--seed", "11",
                                      "--candidates", "9000", "--formations", "126" })
  assert.are.equal(0, code, err)
  return cohort
end

local function allocate(threads, dir, files, mode, extra_env)
  return run_env(threads, { "allocate", "--formations", files.formations, "--candidates", files.candidates,
                            "--wishes", files.wishes, "--out", dir, "--mode", mode }, nil, extra_env)
end

local function cohort_files(wishes)
  local c = the_cohort()
  return { formations = c .. "/formations.csv", candidates = c .. "/candidates.csv",
           wishes = wishes or c .. "/wishes.csv" }
end

describe("speed: outputs byte-identical whatever ADMIT_THREADS", function()
  teardown(clean)

  it("admit generate (synthetic and annex formations) writes the same bytes on 1, 2, 3 and 8 threads", function()
    local base = h.scratch()
    for _, extra in ipairs { { "--formations", "126" }, { "--annexes", "tests/fixtures/sim/annexes" } } do
      local first
      for _, t in ipairs(THREADS) do
        local dir = base .. "/g" .. t .. extra[1]
        local args = { "generate", "--out", dir, "--seed", "3", "--candidates", "9000" }
        for _, a in ipairs(extra) do args[#args + 1] = a end
        local _, err, code = run_env(t, args)
        assert.are.equal(0, code, err)
        local got = files_of(dir, INPUTS)
        assert.is_true(#got["wishes.csv"] > 1000)
        if first then assert.are.same(first, got) else first = got end
      end
    end
  end)

  for _, mode in ipairs { "student", "school" } do
    it("admit allocate --mode " .. mode .. " writes the same four files on 1, 2, 3 and 8 threads", function()
      local base, first = h.scratch(), nil
      local wishes = h.slurp(cohort_files().wishes)
      assert.is_true(#wishes > 1024 * 1024, "the vœux file must be large enough to be split")
      for _, t in ipairs(THREADS) do
        local dir = base .. "/out"   -- one folder, replaced each time: the provenance names it
        local _, err, code = allocate(t, dir, cohort_files(), mode)
        assert.are.equal(0, code, err)
        local got = files_of(dir, OUTPUTS)
        if first then
          for _, n in ipairs(OUTPUTS) do assert.are.equal(first[n], got[n], n .. " differs on " .. t .. " threads") end
        else
          first = got
        end
      end
    end)
  end
end)

describe("speed: the fast vœux reader agrees with the row-by-row one", function()
  teardown(clean)

  -- Variants of the same vœux: each either stays on the parallel reader (CRLF, blank
  -- lines) or sends it back row by row (blanks around a field); the allocation must be
  -- the same as from the plain file.
  local function variant(name, fn)
    local text = h.slurp(cohort_files().wishes)
    local path = h.scratch() .. "/" .. name .. ".csv"
    h.write(path, fn(text))
    return path
  end
  local VARIANTS = {
    { "CRLF line ends", function(t) return (t:gsub("\n", "\r\n")) end },
    { "blank lines", function(t) return (t:gsub("\n(C0*12%d,)", "\n\n%1")) end },
    { "no final newline", function(t) return (t:gsub("\n$", "")) end },
    { "a space after the last id", function(t) return (t:gsub("(C%d+),(F%d+),(%d+),(%d+)\n$", "%1 ,%2,%3,%4\n")) end },
    { "a tab before a formation id in the middle",
      function(t) local n = 0
        return (t:gsub("\n(C%d+),(F)", function(c, f) n = n + 1
          if n == 60000 then return "\n" .. c .. ",\t" .. f end end)) end },
  }
  local reference
  local function reference_outputs()
    if reference then return reference end
    local dir = h.scratch() .. "/ref"
    local _, err, code = allocate("1", dir, cohort_files(), "student")
    assert.are.equal(0, code, err)
    reference = files_of(dir, { "assignments.csv", "formations.csv", "summary.json" })
    return reference
  end
  for _, v in ipairs(VARIANTS) do
    for _, t in ipairs { "1", "2" } do
      it(v[1] .. " (ADMIT_THREADS=" .. t .. ")", function()
        local path = variant(v[1]:gsub("%W", "_"), v[2])
        assert.are_not.equal(h.slurp(cohort_files().wishes), h.slurp(path))
        local dir = h.scratch() .. "/out"
        local _, err, code = allocate(t, dir, cohort_files(path), "student")
        assert.are.equal(0, code, err)
        assert.are.same(reference_outputs(), files_of(dir, { "assignments.csv", "formations.csv", "summary.json" }))
      end)
    end
  end

  -- Faults far into a large file (in the second chunk of a split): same message, same
  -- line and column on one thread and on two, and the line is the file's.
  local FAULTS = {
    { "an unknown formation", function(c, _, p, r) return c .. ",F9999999," .. p .. "," .. r end,
      "unknown formation 'F9999999' (not in the formations file)", 9 },
    { "an unknown candidate", function(_, f, p, r) return "nobody," .. f .. "," .. p .. "," .. r end,
      "unknown candidate 'nobody' (not in the candidates file)", 1 },
    { "a rank of 0", function(c, f, p) return c .. "," .. f .. "," .. p .. ",0" end,
      "rank must be 1 or more (1 = best ranked)", nil },
    { "a ragged row", function(c, f, p, r) return c .. "," .. f .. "," .. p .. "," .. r .. ",extra" end,
      nil, nil },
    { "a preference too large", function(c, f, _, r) return c .. "," .. f .. ",1000001," .. r end,
      "preference: 1000001 is too large (at most 1000000)", nil },
  }
  for _, fault in ipairs(FAULTS) do
    it("locates " .. fault[1] .. " on line 70000 the same on 1 and 2 threads", function()
      local lines, n = {}, 0
      for line in h.slurp(cohort_files().wishes):gmatch("[^\n]*\n?") do
        if line == "" then break end
        n = n + 1
        if n == 70000 then
          local c, f, p, r = line:match("^([^,]+),([^,]+),([^,]+),([^,\n]+)")
          line = fault[2](c, f, p, r) .. "\n"
        end
        lines[#lines + 1] = line
      end
      assert.is_true(n > 70000)
      local path = h.scratch() .. "/w.csv"
      h.write(path, table.concat(lines))
      local msgs = {}
      for _, t in ipairs { "1", "2" } do
        local _, err, code = allocate(t, h.scratch() .. "/out", cohort_files(path), "student")
        assert.are.equal(2, code, err)
        assert.matches("w.csv:70000:", err, 1, true)
        if fault[3] then assert.matches(fault[3], err, 1, true) end
        if fault[4] then assert.matches("w.csv:70000:" .. fault[4] .. ":", err, 1, true) end
        msgs[#msgs + 1] = err
      end
      assert.are.equal(msgs[1], msgs[2])
    end)
  end
end)

describe("speed: id indexes", function()
  teardown(clean)

  -- Ids that share long prefixes, differ in one byte only, or are long: every distinct
  -- id kept, every repeat caught with the line of the first.
  local long = string.rep("x", 300)
  local CASES = {
    { "differ in the last byte", { "C00000001", "C00000002", "C00000003" } },
    { "share their first 8 bytes", { "ABCDEFGH1", "ABCDEFGH2", "ABCDEFGH" } },
    { "differ in length only", { "7", "77", "777", "7777777", "77777777", "777777777" } },
    { "long", { long .. "a", long .. "b", long } },
    { "numeric, leading zeros kept apart", { "1", "01", "001", "10" } },
  }
  for _, case in ipairs(CASES) do
    it("keeps apart ids that " .. case[1] .. ", and finds a repeat (callorder and admit.candidates)", function()
      local rows = { "id,rank,boursier,resident,bac" }
      for i, id in ipairs(case[2]) do rows[#rows + 1] = id .. "," .. i .. ",0,0,general" end
      local path = h.write(h.scratch() .. "/c.csv", table.concat(rows, "\n") .. "\n")
      local out, err, code = h.run { "callorder", path }
      assert.are.equal(0, code, err)
      assert.are.equal(#case[2] + 1, select(2, out:gsub("\n", "\n")))
      local set = assert(admit.candidates(path))
      assert.are.equal(#case[2], #set)
      -- the same again with the second id repeated at the end
      rows[#rows + 1] = case[2][2] .. "," .. (#case[2] + 1) .. ",0,0,general"
      h.write(path, table.concat(rows, "\n") .. "\n")
      local _, err2, code2 = h.run { "callorder", path }
      assert.are.equal(2, code2)
      assert.matches(":" .. (#case[2] + 2) .. ":1: duplicate id '", err2, 1, true)
      assert.matches("(already on line 3)", err2, 1, true)
      local ok, msg = admit.candidates(path)
      assert.is_nil(ok)
      assert.matches("(already on line 3)", msg, 1, true)
    end)
  end

  it("finds no false duplicate among 200,000 ids, and the one true one at the end", function()
    local rows = { "id,rank,boursier,resident" }
    for i = 1, 200000 do rows[#rows + 1] = string.format("C%08d,%d,%d,%d", i, i, i % 4 == 0 and 1 or 0, i % 3 == 0 and 1 or 0) end
    local path = h.write(h.scratch() .. "/c.csv", table.concat(rows, "\n") .. "\n")
    local out, err, code = h.run { "callorder", "--min-boursiers", "20", path }
    assert.are.equal(0, code, err)
    assert.are.equal(200001, select(2, out:gsub("\n", "\n")))
    h.write(path, table.concat(rows, "\n") .. "\nC00123456,200001,0,0\n")
    local _, err2, code2 = h.run { "callorder", path }
    assert.are.equal(2, code2)
    assert.matches(":200002:1: duplicate id 'C00123456' (already on line 123457)", err2, 1, true)
  end)
end)

describe("speed: the call order of a large group (rank pairs, no random reads)", function()
  teardown(clean)

  -- A literal reading of the rule (docs/ordre-appel.md §3): before position k, a rate
  -- binds when its kind remains and 100·called < q·k; the best rank among the queues the
  -- binding rates allow; equal ranks by category BR, B, R, N then input order.
  local function literal(cands, qb, qr)
    local queues = { {}, {}, {}, {} }
    for i, c in ipairs(cands) do
      local cat = c.b == 1 and (c.r == 1 and 1 or 2) or (c.r == 1 and 3 or 4)
      table.insert(queues[cat], { rank = c.rank, i = i })
    end
    for _, q in ipairs(queues) do
      table.sort(q, function(x, y) return x.rank < y.rank or (x.rank == y.rank and x.i < y.i) end)
    end
    local head, bc, rc, bl, rl, out = { 1, 1, 1, 1 }, 0, 0, #queues[1] + #queues[2], #queues[1] + #queues[3], {}
    for k = 1, #cands do
      local nb, nr = bl > 0 and 100 * bc < qb * k, rl > 0 and 100 * rc < qr * k
      local allowed, best = { true, not nr, not nb, not nb and not nr }, nil
      for c = 1, 4 do
        local front = queues[c][head[c]]
        if allowed[c] and front and (not best or front.rank < queues[best][head[best]].rank) then best = c end
      end
      best = best or 2
      local pick = queues[best][head[best]]
      head[best] = head[best] + 1
      out[k] = cands[pick.i].id
      if best <= 2 then bc, bl = bc + 1, bl - 1 end
      if best == 1 or best == 3 then rc, rl = rc + 1, rl - 1 end
    end
    return out
  end

  for _, case in ipairs { { 0, 0 }, { 20, 30 }, { 100, 0 }, { 0, 100 }, { 100, 100 }, { 37, 61 } } do
    for _, ties in ipairs { true, false } do
      it(string.format("matches the literal rule on 3,000 candidates%s, rates %d/%d", ties and " with ties" or "",
                       case[1], case[2]), function()
        local seed, cands, rows = 12345 + case[1] * 7 + case[2], {}, { "id,rank,boursier,resident" }
        local function rnd(m) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m end
        for i = 1, 3000 do
          local c = { id = "K" .. i, rank = ties and rnd(400) + 1 or ((i * 7919) % 3000) + 1,
                      b = rnd(10) < 3 and 1 or 0, r = rnd(2) }
          cands[i] = c
          rows[#rows + 1] = string.format("%s,%d,%d,%d", c.id, c.rank, c.b, c.r)
        end
        local path = h.write(h.scratch() .. "/c.csv", table.concat(rows, "\n") .. "\n")
        local args = { "callorder", "--min-boursiers", tostring(case[1]), "--min-residents", tostring(case[2]) }
        if ties then args[#args + 1] = "--allow-ties" end
        args[#args + 1] = path
        local out, err, code = h.run(args)
        assert.are.equal(0, code, err)
        local got = {}
        for id in out:gmatch("\n([^,\n]+),%d+") do got[#got + 1] = id end
        assert.are.same(literal(cands, case[1], case[2]), got)
      end)
    end
  end
end)

describe("speed: formatting without printf", function()
  teardown(clean)

  -- Shares in percent of the admitted, rounded half-up to one decimal, and integers, as
  -- formations.csv writes them: a formation of n seats all taken, k of them by bac techno.
  local SHARES = {
    { 3, 1, "33.3" }, { 3, 2, "66.7" }, { 6, 1, "16.7" }, { 16, 1, "6.3" }, { 56, 23, "41.1" },
    { 7, 0, "0.0" }, { 7, 5, "71.4" }, { 4, 4, "100.0" }, { 1000, 1, "0.1" }, { 10, 1, "10.0" },
  }
  for _, s in ipairs(SHARES) do
    it(string.format("writes %d techno of %d admitted as %s", s[2], s[1], s[3]), function()
      local dir = h.scratch()
      local F = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\nA," .. s[1] .. ",0,0,0,0\n"
      local C, W = { "id,bac,boursier,resident" }, { "candidate_id,formation_id,preference,rank" }
      for i = 1, s[1] do
        C[#C + 1] = "c" .. i .. "," .. (i <= s[2] and "techno" or "general") .. ",0,0"
        W[#W + 1] = "c" .. i .. ",A,1," .. i
      end
      local files = { formations = h.write(dir .. "/f.csv", F),
                      candidates = h.write(dir .. "/c.csv", table.concat(C, "\n") .. "\n"),
                      wishes = h.write(dir .. "/w.csv", table.concat(W, "\n") .. "\n") }
      for _, t in ipairs { "1", "2" } do
        local out = dir .. "/out" .. t
        local _, err, code = allocate(t, out, files, "student")
        assert.are.equal(0, code, err)
        local _, rows = admit.read_csv(out .. "/formations.csv")
        assert.are.equal(s[3], rows[1].share_techno)
        assert.are.equal(tostring(s[1]), rows[1].admitted)
        assert.are.equal(tostring(s[1]), rows[1].applicants)
      end
    end)
  end
end)

describe("speed: a national-size workbook", function()
  teardown(clean)

  local function sheets_of(xlsx)
    local p = io.popen("unzip -p " .. h.quote(xlsx) .. " xl/workbook.xml")
    local s = p:read("a")
    p:close()
    local t = {}
    for name in s:gmatch('<sheet name="([^"]+)"') do t[#t + 1] = name end
    return t
  end

  it("keeps the assignments in assignments.csv past the threshold, and says so in the summary sheet", function()
    local files = cohort_files()
    for _, case in ipairs { { "20000", true }, { "9000", true }, { "8999", false }, { "0", false } } do
      local dir = h.scratch() .. "/out"
      local _, err, code = allocate("2", dir, files, "student", "ADMIT_XLSX_ASSIGNMENTS_MAX=" .. case[1])
      assert.are.equal(0, code, err)
      local sheets = sheets_of(dir .. "/results.xlsx")
      local has = false
      for _, name in ipairs(sheets) do has = has or name == "Affectations" end
      assert.are.equal(case[2], has)
      assert.is_true(#sheets >= 4)
      local p = io.popen("unzip -p " .. h.quote(dir .. "/results.xlsx") .. " xl/worksheets/sheet1.xml")
      local summary = p:read("a")
      p:close()
      local note = "dans assignments.csv seulement (plus de " .. case[1] .. " candidats)"
      if case[2] then assert.is_nil(summary:find(note, 1, true)) else assert.matches(note, summary, 1, true) end
      local assignments = h.slurp(dir .. "/assignments.csv")
      assert.are.equal(9001, select(2, assignments:gsub("\n", "\n")))
      assert.are.equal(9000, cjson.decode(h.slurp(dir .. "/summary.json")).candidates)
    end
  end)

  it("has a documented default of 200,000 candidates (a bad override is ignored)", function()
    local dir = h.scratch() .. "/out"
    local _, err, code = allocate("1", dir, cohort_files(), "student", "ADMIT_XLSX_ASSIGNMENTS_MAX=many")
    assert.are.equal(0, code, err)
    local has = false
    for _, name in ipairs(sheets_of(dir .. "/results.xlsx")) do has = has or name == "Affectations" end
    assert.is_true(has)
  end)
end)

-- The fast CSV splitter (callorder, admit.candidates) meets the inputs features of issue 11:
-- aliases, --columns, Excel's empty rows, --keep-columns and --explain give what the
-- general reader gives (the fast path reads them or hands the file over, never drops them).
describe("speed: the fast CSV splitter and the inputs features", function()
  after_each(function() h.remove_scratch() end)
  local BODY = { { "A", 3, 1, 0 }, { "B", 1, 0, 1 }, { "C", 2, 0, 0 }, { "D", 4, 1, 1 } }
  -- o: header, sep, empty (a row put after the 2nd one and at the end), before (text before
  -- the header), flag (spelling of 0/1), keep (an extra column); bac adds a bac column
  local function file(o, bac)
    local sep, flag = o.sep or ",", o.flag or tostring
    local rows = { (o.before or "") .. table.concat(o.header, sep) .. (bac and sep .. "bac" or "") .. (o.keep and sep .. "note" or "") }
    for i, r in ipairs(BODY) do
      rows[#rows + 1] = table.concat({ r[1], r[2], flag(r[3]), flag(r[4]) }, sep) .. (bac and sep .. "general" or "")
                        .. (o.keep and sep .. "x" .. i or "")
      if o.empty and i == 2 then rows[#rows + 1] = o.empty end
    end
    if o.empty then rows[#rows + 1] = o.empty end
    return table.concat(rows, "\n") .. "\n"
  end
  local STD = { "id", "rank", "boursier", "resident" }
  local plain = file { header = STD }
  local CASES = {
    { "French aliases in the header", { header = { "N° dossier", "Classement", "Boursier", "Résident" } } },
    { "a --columns mapping", { header = { "num", "classt", "boursier", "resident" } }, { "--columns", "id=num,rank=classt" } },
    { "Excel's empty ',,,' rows", { header = STD, empty = ",,,," } },
    { "Excel's empty ';;;;' rows, ';'-separated", { header = STD, sep = ";", empty = ";;;;" } },
    { "rows of separators and spaces", { header = STD, empty = " , ,\t, " } },
    { "an empty row before the header", { header = STD, before = ",,,,\n" } },
    { "flags spelled oui/non", { header = STD, flag = function(v) return v == 1 and "oui" or "non" end } },
  }
  local want
  for _, case in ipairs(CASES) do
    it("gives the call order of the plain file with " .. case[1], function()
      local dir = h.scratch()
      if not want then
        local out, err, code = h.run { "callorder", "--min-boursiers", "50", h.write(dir .. "/plain.csv", plain) }
        assert.are.equal(0, code, err)
        want = out
      end
      local path = h.write(dir .. "/in.csv", file(case[2]))
      local args = { "callorder", "--min-boursiers", "50" }
      for _, a in ipairs(case[3] or {}) do args[#args + 1] = a end
      args[#args + 1] = path
      local out, err, code = h.run(args)
      assert.are.equal(0, code, err)
      assert.are.equal(want, out)
      args[#args + 1] = "--explain"
      local out2, err2, code2 = h.run(args)
      assert.are.equal(0, code2, err2)
      assert.are.equal(want, out2)
      assert.matches("rows       4 read", err2, 1, true)
      if not case[3] then
        local set = assert(admit.candidates(h.write(dir .. "/cands.csv", file(case[2], true))))
        assert.are.equal(4, #set)
      end
    end)
  end

  it("keeps the other columns (--keep-columns) with the fast splitter and without", function()
    local path = h.write(h.scratch() .. "/k.csv", file { header = STD, keep = true })
    local out, err, code = h.run { "callorder", "--keep-columns", path }
    assert.are.equal(0, code, err)
    local out2, err2, code2 = h.run({ "callorder", "--keep-columns", path }, nil, { env = "ADMIT_FAST_PATH=0" })
    assert.are.equal(0, code2, err2)
    assert.are.equal(out, out2)
    assert.are.equal("id,call_rank,rank,boursier,resident,note\nB,1,1,0,1,x2\n", out:match("^[^\n]*\n[^\n]*\n"))
  end)
end)
