-- Simulation (issue 5): allocation in both modes, stability, generator, exports, errors.
local h = require "helpers"
local admit = require "admit"
local cjson = require "cjson"
local lfs = require "lfs"

local HAND = "tests/fixtures/sim/hand/"
local ANNEXES = "tests/fixtures/sim/annexes"

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

local function allocate(dir, mode, files)
  files = files or {}
  local args = { "allocate",
    "--formations", files.formations or HAND .. "formations.csv",
    "--candidates", files.candidates or HAND .. "candidates.csv",
    "--wishes", files.wishes or HAND .. "wishes.csv",
    "--out", dir }
  if mode then args[#args + 1] = "--mode"; args[#args + 1] = mode end
  return h.run(args)
end

local function csv_lines(text)
  local t = {}
  for line in text:gmatch("([^\n]*)\n") do t[#t + 1] = line end
  return t
end

describe("admit allocate on a hand-computed instance", function()
  -- A and B: x and y each prefer the formation that ranks them second, so the
  -- candidate-optimal and formation-optimal assignments differ; w loses both.
  -- T: 2 seats, min_techno 50 → 1 seat for bac techno (t1 over t2), 1 for the rest (g1 over g2).
  -- S: 1 seat, boursier rate 20% → the boursier b is called first although ranked 2nd.
  -- N: boursier minimum, no boursier applicant; E: the bac pro applicant went to P1.
  local expected = {
    student = "candidate_id,formation_id\nx,A\ny,B\nw,\ng1,T\ng2,\nt1,T\nt2,\na,\nb,S\nc1,N\nc2,N\np1,P1\no1,E\n",
    school = "candidate_id,formation_id\nx,B\ny,A\nw,\ng1,T\ng2,\nt1,T\nt2,\na,\nb,S\nc1,N\nc2,N\np1,P1\no1,E\n",
  }
  for _, mode in ipairs { "student", "school" } do
    it("gives the exact assignment in " .. mode .. " mode", function()
      local dir = h.tmpdir() .. "/out"
      local out, err, code = allocate(dir, mode)
      assert.are.equal(0, code, err)
      assert.are.equal(expected[mode], h.slurp(dir .. "/assignments.csv"))
      local summary = cjson.decode(h.slurp(dir .. "/summary.json"))
      assert.are.equal(mode, summary.mode)
      assert.are.equal(mode == "student" and 2 or 1, summary.rounds)
      assert.matches(mode == "student" and ": 2 rounds\n" or ": 1 round\n", out, 1, true)
      assert.matches("admitted 9 (69.2% of them)", out, 1, true)
      assert.are.equal(9, summary.admitted)
      assert.are.equal(4, summary.unassigned)
    end)
  end

  it("defaults to student mode", function()
    local dir = h.tmpdir() .. "/out"
    local _, err, code = allocate(dir)
    assert.are.equal(0, code, err)
    assert.are.equal(expected.student, h.slurp(dir .. "/assignments.csv"))
  end)

  it("audits every formation and group, with the reason of each unmet minimum", function()
    local dir = h.tmpdir() .. "/out"
    assert.are.equal(0, select(3, allocate(dir)))
    local rows, headers = {}, {}
    for _, name in ipairs { "formations", "groups" } do
      local lines = csv_lines(h.slurp(dir .. "/" .. name .. ".csv"))
      local header = {}
      for col in (lines[1] .. ","):gmatch("([^,]*),") do header[#header + 1] = col end
      headers[name] = header
      for i = 2, #lines do
        local row, k = {}, 0
        for v in (lines[i] .. ","):gmatch("([^,]*),") do k = k + 1; row[header[k]] = v end
        rows[row.formation_id .. "/" .. (row.group or "all")] = row
      end
    end
    -- formations.csv: one row per formation, who, totals, then one block per kind
    assert.are.same({ "formation_id", "establishment", "program", "capacity", "applicants", "admitted",
      "min_techno", "applicants_techno", "admitted_techno", "share_techno", "techno_met", "techno_why",
      "elsewhere_techno", "min_pro" }, { table.unpack(headers.formations, 1, 14) })
    assert.are.same({ "formation_id", "group", "capacity", "applicants", "admitted", "empty_seats",
      "applicants_techno", "admitted_techno", "share_techno", "applicants_pro" }, { table.unpack(headers.groups, 1, 10) })
    assert.are.equal(8, #csv_lines(h.slurp(dir .. "/formations.csv")))  -- header + 7 formations
    assert.are.equal(5, #csv_lines(h.slurp(dir .. "/groups.csv")))      -- header + T and E, 2 groups each
    assert.are.equal("1", rows["E/pro"].empty_seats)
    local t = rows["T/all"]
    assert.are.equal("2", t.capacity)
    assert.are.equal("2", t.admitted)
    assert.are.equal("1", t.admitted_techno)
    assert.are.equal("50.0", t.share_techno)
    assert.are.equal("yes", t.techno_met)
    assert.are.equal("1", rows["T/techno"].capacity)
    assert.are.equal("1", rows["T/other"].admitted)
    assert.are.equal("100.0", rows["S/all"].share_boursier)
    assert.are.equal("yes", rows["S/all"].boursier_met)
    assert.are.equal("no", rows["N/all"].boursier_met)
    assert.are.equal("not enough applicants", rows["N/all"].boursier_why)
    assert.are.equal("no", rows["E/all"].pro_met)
    assert.are.equal("applicants placed elsewhere", rows["E/all"].pro_why)
    assert.are.equal("1", rows["E/all"].elsewhere_pro)
    assert.is_nil(rows["A/other"])  -- no reserved group: one row only
    local summary = cjson.decode(h.slurp(dir .. "/summary.json"))
    assert.are.same({ formations = 2, met = 1, not_met = 1, not_enough_applicants = 1,
                      applicants_placed_elsewhere = 0 }, summary.minimums.boursier)
    assert.are.equal(1, summary.minimums.pro.applicants_placed_elsewhere)
  end)

  it("writes a workbook that opens: one sheet per table, cells readable", function()
    local dir = h.tmpdir() .. "/out"
    assert.are.equal(0, select(3, allocate(dir)))
    local function unzip(member)
      local p = io.popen("unzip -p " .. h.quote(dir .. "/results.xlsx") .. " " .. member)
      local s = p:read("a")
      p:close()
      return s
    end
    local workbook = unzip("xl/workbook.xml")
    local sheets = {}
    for name in workbook:gmatch('<sheet name="([^"]+)"') do sheets[#sheets + 1] = name end
    assert.are.same({ "Synthèse", "Minimums non atteints", "Formations", "Groupes", "Affectations",
                      "Provenance", "Données des graphiques" }, sheets)
    local formations = unzip("xl/worksheets/sheet3.xml")
    assert.matches("<t>Formation</t>", formations, 1, true)
    assert.matches("<t>candidats admis ailleurs</t>", formations, 1, true)
    assert.matches("<t>IUT T</t>", formations, 1, true)
    local assignments = unzip("xl/worksheets/sheet5.xml")
    -- row 2: x admitted to A; 14 rows (header + 13 candidates)
    assert.matches('<row r="2".-<t>x</t>.-<t>A</t>', assignments)
    assert.matches('<row r="14"', assignments, 1, true)
    assert.is_nil(assignments:find('<row r="15"', 1, true))
    local summary = unzip("xl/worksheets/sheet1.xml")
    assert.matches("<t>Admis</t></is></c><c r=\"B%d+\"[^>]*><v>9</v>", summary)
  end)

  it("gives the same bytes for the same input, workbook included", function()
    -- the same command twice (the provenance records the command, --out included)
    local dir = h.tmpdir() .. "/a"
    local files = { "assignments.csv", "formations.csv", "groups.csv", "summary.json", "results.xlsx",
                    "report.html", "provenance.json" }
    assert.are.equal(0, select(3, allocate(dir, "school")))
    local first = {}
    for _, f in ipairs(files) do first[f] = h.slurp(dir .. "/" .. f) end
    os.execute("sleep 1.1")  -- a creation time taken from the clock would differ
    assert.are.equal(0, select(3, allocate(dir, "school")))
    for _, f in ipairs(files) do
      assert.are.equal(first[f], h.slurp(dir .. "/" .. f), f)
    end
  end)

  it("replaces a previous output directory whole, unless a file was added to it", function()
    local dir = h.tmpdir() .. "/out"
    assert.are.equal(0, select(3, allocate(dir)))
    assert.are.equal(0, select(3, allocate(dir, "school")))
    assert.matches('"mode": "school"', h.slurp(dir .. "/summary.json"), nil, true)
    h.write(dir .. "/stale.txt", "old")
    assert.are.equal(2, select(3, allocate(dir)))
    assert.is_true(exists(dir .. "/stale.txt"))
    assert.is_true(exists(dir .. "/results.xlsx"))
  end)
end)

-- ------------------------------------------------------------------ errors

describe("admit allocate input errors", function()
  local function bad(files, pattern)
    local base = h.tmpdir()
    local paths = {}
    for _, k in ipairs { "formations", "candidates", "wishes" } do
      paths[k] = files[k] and h.write(base .. "/" .. k .. ".csv", files[k]) or HAND .. k .. ".csv"
    end
    local dir = base .. "/out"
    h.write(base .. "/keep", "")
    -- a previous result must survive the error untouched
    assert.are.equal(0, select(3, allocate(dir)))
    local before = h.slurp(dir .. "/assignments.csv")
    local out, err, code = allocate(dir, nil, paths)
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.matches(pattern, err, 1, true)
    assert.are.equal(before, h.slurp(dir .. "/assignments.csv"))
    -- and nothing else appears: no temporary directory left behind
    local listing = io.popen("ls -A " .. h.quote(base)):read("a")
    assert.matches("keep\nout\n", listing, 1, true)
    for name in listing:gmatch("[^\n]+") do
      assert.is_nil(name:find("tmp", 1, true), "left behind: " .. name)
    end
    return err
  end

  local W = "candidate_id,formation_id,preference,rank\n"
  it("names an unknown formation in a vœu", function()
    bad({ wishes = W .. "x,A,1,1\nx,Z,2,1\n" }, "wishes.csv:3:3: unknown formation 'Z'")
  end)
  it("names an unknown candidate in a vœu", function()
    bad({ wishes = W .. "x,A,1,1\nnobody,B,1,1\n" }, "wishes.csv:3:1: unknown candidate 'nobody'")
  end)
  it("refuses a duplicate (candidate, formation) vœu, located at the second", function()
    bad({ wishes = W .. "x,A,1,1\ny,A,1,2\nx,A,2,3\n" },
      "wishes.csv:4:3: candidate 'x' wishes formation 'A' twice (already on line 2)\n")
  end)
  it("refuses two vœux of the same preference", function()
    bad({ wishes = W .. "x,A,1,1\nx,B,1,1\n" },
      "wishes.csv:3:5: candidate 'x' has two vœux of preference 1 (already on line 2)\n")
  end)
  it("refuses a duplicate rank within a formation", function()
    bad({ wishes = W .. "x,A,1,1\ny,A,1,1\n" },
      "wishes.csv:3:7: rank 1 appears twice in formation 'A' (already on line 2)\n")
  end)
  it("refuses a duplicate rank among sparse ranks too", function()
    bad({ wishes = W .. "x,A,1,900000\ny,A,1,5\nw,A,1,900000\n" },
      "wishes.csv:4:7: rank 900000 appears twice in formation 'A' (already on line 2)\n")
  end)
  it("refuses bad numbers where they stand", function()
    bad({ wishes = W .. "x,A,1,first\n" }, "wishes.csv:2:7: rank: 'first' is not a whole number")
    bad({ wishes = W .. "x,A,0,1\n" }, "wishes.csv:2:5: preference must be 1 or more")
    bad({ formations = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\nA,ten,0,0,0,0\n" },
      "formations.csv:2:3: capacity: 'ten' is not a whole number")
    bad({ formations = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\nA,10,150,0,0,0\n" },
      "formations.csv:2:6: min_techno: 150 is too large (at most 100)")
  end)
  it("refuses duplicate ids, naming the line of the first", function()
    bad({ formations = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\nA,1,0,0,0,0\nA,2,0,0,0,0\n" },
      "formations.csv:3:1: duplicate formation_id 'A' (already on line 2)\n")
    bad({ candidates = "id,bac,boursier,resident\nx,general,0,0\nx,pro,0,0\n" },
      "candidates.csv:3:1: duplicate candidate id 'x' (already on line 2)\n")
    -- further apart, after a blank line, and through the full CSV reader (a quoted field)
    bad({ formations = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\n"
                       .. "A,1,0,0,0,0\nB,1,0,0,0,0\n\n\"C\",1,0,0,0,0\nB,2,0,0,0,0\n" },
      "formations.csv:6:1: duplicate formation_id 'B' (already on line 3)\n")
    bad({ candidates = "id,bac,boursier,resident\nx,general,0,0\ny,pro,0,0\nz,pro,0,0\ny,general,1,0\n" },
      "candidates.csv:5:1: duplicate candidate id 'y' (already on line 3)\n")
    bad({ wishes = W .. "x,A,1,1\ny,B,1,1\nx,B,2,2\nx,A,3,3\n" },
      "wishes.csv:5:3: candidate 'x' wishes formation 'A' twice (already on line 2)\n")
  end)
  it("admit.simulate on rows names the first of two duplicate ids", function()
    local ok, msg = admit.sim_build(
      { { formation_id = "A", capacity = 1 }, { formation_id = "B", capacity = 1 }, { formation_id = "A", capacity = 1 } },
      {}, {})
    assert.is_nil(ok)
    assert.are.equal("formations[3]: duplicate formation_id 'A' (already formations[1])", msg)
    ok, msg = admit.sim_build({}, { { id = "x", bac = "pro", boursier = "0", resident = "0" },
                                    { id = "x", bac = "pro", boursier = "0", resident = "0" } }, {})
    assert.is_nil(ok)
    assert.are.equal("candidates[2]: duplicate id 'x' (already candidates[1])", msg)
  end)
  it("refuses an unknown bac and a bad flag", function()
    bad({ candidates = "id,bac,boursier,resident\nx,bac S,0,0\n" },
      "candidates.csv:2:3: unknown bac 'bac S': expected général, technologique or professionnel")
    bad({ candidates = "id,bac,boursier,resident\nx,pro,yes,0\n" },
      "candidates.csv:2:7: boursier: 'yes' is not a flag: expected 1/0, oui/non")
  end)
  it("takes a missing min_* column as 0 for every formation; formation_id and capacity are required", function()
    local base = h.tmpdir()
    local full = base .. "/full.csv"
    h.write(full, "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\n"
      .. "A,1,0,0,0,0\nB,1,0,0,0,0\nT,2,50,0,0,0\nS,1,0,0,20,0\nN,2,0,0,50,0\nP1,1,0,0,0,0\nE,2,0,50,0,0\n")
    local short = h.write(base .. "/short.csv", "formation_id,capacity,min_techno,min_boursier,min_pro\n"
      .. "A,1,,,\nB,1,0,0,0\nT,2,50,0,0\nS,1,0,20,0\nN,2,0,50,0\nP1,1,0,0,0\nE,2,0,0,50\n")
    local bare = h.write(base .. "/bare.csv", "formation_id,capacity\nA,1\nB,1\nT,2\nS,1\nN,2\nP1,1\nE,2\n")
    local zero = h.write(base .. "/zero.csv", "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\n"
      .. "A,1,0,0,0,0\nB,1,0,0,0,0\nT,2,0,0,0,0\nS,1,0,0,0,0\nN,2,0,0,0,0\nP1,1,0,0,0,0\nE,2,0,0,0,0\n")
    local function run(fpath)
      local dir = h.tmpdir() .. "/out"
      local _, err, code = allocate(dir, nil, { formations = fpath, candidates = HAND .. "candidates.csv",
                                                wishes = HAND .. "wishes.csv" })
      assert.are.equal(0, code, err)
      return h.slurp(dir .. "/assignments.csv"), h.slurp(dir .. "/formations.csv")
    end
    local a_full, f_full = run(full)
    local a_short, f_short = run(short)
    assert.are.equal(a_full, a_short)          -- no min_resident column: the same as 0
    assert.are.equal(f_full, f_short)
    local a_bare, f_bare = run(bare)
    local a_zero, f_zero = run(zero)            -- no min_* column at all: every minimum 0
    assert.are.equal(a_zero, a_bare)
    assert.are.equal(f_zero, f_bare)
    bad({ formations = "formation_id,min_techno\nA,0\n" },
      "formations.csv:1:1: missing column 'capacity' (the header must name formation_id,capacity;"
      .. " min_techno, min_pro, min_boursier and min_resident are 0 when absent); the file's columns are"
      .. " 'formation_id', 'min_techno'; 'capacity' may also be written")
    bad({ formations = "capacity\n1\n" }, "formations.csv:1:1: missing column 'formation_id'")
  end)

  it("names a missing column", function()
    bad({ candidates = "id,bac,boursier\nx,pro,0\n" }, "candidates.csv:1:1: missing column 'resident'")
  end)
  it("locates errors in files with quotes too (the csvread path)", function()
    bad({ wishes = W .. "\"x\",\"A\",1,1\n\"x\",\"Q\",2,1\n" }, "wishes.csv:3:5: unknown formation 'Q'")
  end)
  it("checks its options", function()
    local _, err, code = h.run { "allocate", "--formations", "f.csv" }
    assert.are.equal(2, code)
    assert.matches("--candidates is required", err, 1, true)
    local dir = h.tmpdir() .. "/out"
    _, err, code = allocate(dir, "random")
    assert.are.equal(2, code)
    assert.matches("--mode: 'random' is not student or school", err, 1, true)
    assert.is_false(exists(dir))
  end)
end)

-- ----------------------------------------------------- random instances

-- Seats per group by the reservation rule (docs/ordre-appel.md §7), computed here on its own.
local function split(cap, mt, mp)
  local pro = math.min(mp > 0 and (mp * cap + 99) // 100 or 0, cap)
  local techno = math.min(mt > 0 and (mt * cap + 99) // 100 or 0, cap - pro)
  return { pro = pro, techno = techno, other = cap - pro - techno }
end

local function random_instance(seed)
  math.randomseed(seed)
  local nf, nc = math.random(1, 6), math.random(1, 40)
  local F, C, W = {}, {}, {}
  for i = 1, nf do
    local rate = function() return math.random() < 0.5 and 0 or math.random(1, 100) end
    F[i] = { formation_id = "f" .. i, capacity = math.random(0, 8), min_techno = rate(),
             min_pro = rate(), min_boursier = rate(), min_resident = math.random() < 0.7 and 0 or rate() }
  end
  local bacs = { "general", "techno", "pro" }
  for i = 1, nc do
    C[i] = { id = "c" .. i, bac = bacs[math.random(3)], boursier = math.random(0, 1),
             resident = math.random(0, 1) }
  end
  local ranks = {}
  for i = 1, nf do ranks[i] = 0 end
  for i = 1, nc do
    local order = {}
    for f = 1, nf do order[f] = f end
    for k = nf, 2, -1 do local j = math.random(k); order[k], order[j] = order[j], order[k] end
    for p = 1, math.random(0, nf) do
      local f = order[p]
      -- distinct ranks with gaps (sometimes huge ones: the sorting path), random order below
      ranks[f] = ranks[f] + (math.random() < 0.1 and 1000000 or math.random(1, 3))
      W[#W + 1] = { candidate_id = "c" .. i, formation_id = "f" .. f, preference = p * 2,
                    rank = ranks[f] }
    end
  end
  -- shuffle the vœux so that file order means nothing
  for k = #W, 2, -1 do local j = math.random(k); W[k], W[j] = W[j], W[k] end
  return F, C, W
end

local function check_stable(F, _C, r)
  local groups = {}
  for _, f in ipairs(F) do groups[f.formation_id] = split(f.capacity, f.min_techno, f.min_pro) end
  local held, by_group = {}, {}
  local wishes = r:wishes()
  for _, w in ipairs(wishes) do
    if w.admitted then
      assert.is_nil(held[w.candidate_id], "admitted twice")
      held[w.candidate_id] = w
      local key = w.formation_id .. "/" .. w.group
      by_group[key] = by_group[key] or {}
      table.insert(by_group[key], w.call_position)
    end
  end
  for key, list in pairs(by_group) do
    local f, g = key:match("^(.-)/(.*)$")
    assert.is_true(#list <= groups[f][g], "capacity exceeded in " .. key)
  end
  for _, w in ipairs(wishes) do
    local mine = held[w.candidate_id]
    if not w.admitted and (not mine or w.preference < mine.preference) then
      -- blocking pair unless the group is full of candidates called before this one
      local list = by_group[w.formation_id .. "/" .. w.group] or {}
      assert.are.equal(groups[w.formation_id][w.group], #list,
        "free seat in " .. w.formation_id .. "/" .. w.group .. " for " .. w.candidate_id)
      for _, pos in ipairs(list) do
        assert.is_true(pos < w.call_position, "holds someone called later than " .. w.candidate_id)
      end
    end
  end
  -- the assignment table agrees with the vœux
  for _, a in ipairs(r:assignments()) do
    assert.are.equal(held[a.candidate_id] and held[a.candidate_id].formation_id, a.formation_id)
  end
  return held
end

describe("allocation on random instances", function()
  it("is stable, within capacity, candidate-optimal no worse than formation-optimal (400 seeds)", function()
    local differ = 0
    for seed = 1, 400 do
      local F, C, W = random_instance(seed)
      local rs = admit.simulate { formations = F, candidates = C, wishes = W, mode = "student" }
      local rf = admit.simulate { formations = F, candidates = C, wishes = W, mode = "school" }
      local hs, hf = check_stable(F, C, rs), check_stable(F, C, rf)
      for _, c in ipairs(C) do
        local ps = hs[c.id] and hs[c.id].preference or math.huge
        local pf = hf[c.id] and hf[c.id].preference or math.huge
        assert.is_true(ps <= pf, "seed " .. seed .. ": " .. c.id .. " worse off in student mode")
        if ps ~= pf then differ = differ + 1 end
      end
    end
    assert.is_true(differ > 0, "the two modes never differed: the test would not see a swap")
  end)
end)

-- ----------------------------------------------------------------- Lua API

describe("admit.simulate", function()
  it("takes paths and returns a simulation with the same tables", function()
    local r = admit.simulate { formations = HAND .. "formations.csv", candidates = HAND .. "candidates.csv",
                               wishes = HAND .. "wishes.csv" }
    assert.matches("^admit.simulation %(student mode, 2 rounds: 9 of 13", tostring(r))
    assert.are.equal(13, #r)
    assert.are.equal("student", r.mode)
    assert.are.equal(9, r.summary.admitted)
    assert.are.equal(1, r.summary.minimums.techno.met)
    local a = r:assignments()
    assert.are.same({ candidate_id = "x", formation_id = "A", preference = 1 }, a[1])
    assert.are.same({ candidate_id = "w" }, a[3])
    local rows = r:formations()
    assert.are.equal("T", rows[3].formation_id)
    assert.is_nil(rows[3].group)
    assert.are.equal(50.0, rows[3].share_techno)
    local groups = r:groups()
    assert.are.same({ "T", "techno", 1 }, { groups[1].formation_id, groups[1].group, groups[1].capacity })
    local dir = h.tmpdir() .. "/w"
    assert.is_true(r:write(dir))
    assert.is_true(exists(dir .. "/summary.json"))
    local ok, msg = r:write("/nonexistent/dir/out")
    assert.is_nil(ok)
    assert.matches("cannot create the output directory", msg, 1, true)
  end)

  it("the report counts the empty reserved seats, says what unassigned means, plurals right", function()
    local r = admit.simulate { formations = HAND .. "formations.csv", candidates = HAND .. "candidates.csv",
                               wishes = HAND .. "wishes.csv", mode = "school" }
    -- T: 1 techno seat, filled by t1; E: 1 pro seat, its only bac pro applicant (p1) took P1
    assert.are.same({ techno = 1, pro = 1 }, r.summary.reserved_seats)
    assert.are.same({ techno = 0, pro = 1 }, r.summary.reserved_seats_empty)
    local text = admit.simulation_report(r)
    assert.matches("school mode (formations offer seats down their ordre d'appel): 1 round\n", text, 1, true)
    assert.matches("reserved seats left empty: 1 of 2 (techno groups 0 of 1, pro groups 1 of 1)", text, 1, true)
    assert.matches("unassigned: 4 candidates have no seat among the simulated formations (0 of them"
      .. " with no vœu here);", text, 1, true)
    assert.matches("most bac général candidates (8 here) also apply to formations not simulated", text, 1, true)
    assert.matches("^admit.simulation %(school mode, 1 round: 9 of 13", tostring(r))
    -- summary.json and formations.csv say the same
    local dir = h.tmpdir() .. "/w"
    assert.is_true(r:write(dir))
    local summary = cjson.decode(h.slurp(dir .. "/summary.json"))
    assert.are.same({ techno = 1, pro = 1 }, summary.reserved_seats)
    assert.are.same({ techno = 0, pro = 1 }, summary.reserved_seats_empty)
    local _, rows = admit.read_csv(dir .. "/groups.csv")
    local empty = { techno = 0, pro = 0 }
    for _, row in ipairs(rows) do
      if empty[row.group] then empty[row.group] = empty[row.group] + row.capacity - row.admitted end
    end
    assert.are.same({ techno = 0, pro = 1 }, empty)
  end)

  it("applies a policy: its classement and its capacities", function()
    -- a tiny policy object with the methods of the policy contract (BRIEF.md)
    local policy = {
      name = "reverse-A",
      matches = function(_, f) return f.formation_id == "A" or f.formation_id == "T" end,
      classement = function(_, f, applicants)
        local list = {}
        for i, c in ipairs(applicants) do list[i] = c end
        if f.formation_id == "A" then  -- prefer x over y and w
          table.sort(list, function(p, q) return (p.id == "x" and 0 or 1) < (q.id == "x" and 0 or 1) end)
        else
          table.sort(list, function(p, q) return p.rank < q.rank end)
        end
        return list
      end,
      capacities = function(_, f, caps)
        if f.formation_id == "T" then return { techno = 2, pro = 0, other = 0 } end
        return caps
      end,
    }
    local r, applied = admit.simulate { formations = HAND .. "formations.csv",
      candidates = HAND .. "candidates.csv", wishes = HAND .. "wishes.csv", mode = "school",
      policies = { policy } }
    assert.are.same({ A = "reverse-A", T = "reverse-A" }, applied)
    local got = {}
    for _, a in ipairs(r:assignments()) do got[a.candidate_id] = a.formation_id or "" end
    assert.are.equal("A", got.x)          -- A now calls x first, even in school mode
    assert.are.equal("B", got.y)
    assert.are.equal("T", got.t1)         -- both T seats go to the techno group
    assert.are.equal("T", got.t2)
    assert.are.equal("", got.g1)
  end)

  it("refuses a policy ranking that is not a permutation of the applicants", function()
    local function bad_policy(list)
      return { matches = function(_, f) return f.formation_id == "T" end,
               classement = function() return list end }
    end
    local spec = { formations = HAND .. "formations.csv", candidates = HAND .. "candidates.csv",
                   wishes = HAND .. "wishes.csv" }
    spec.policies = bad_policy { { id = "g1" }, { id = "g2" }, { id = "t1" } }
    local ok, err = pcall(admit.simulate, spec)
    assert.is_false(ok)
    assert.matches("ranking of formation 'T' lists 3 candidates, it has 4 applicants", err, 1, true)
    spec.policies = bad_policy { { id = "g1" }, { id = "g2" }, { id = "t1" }, { id = "x" } }
    ok, err = pcall(admit.simulate, spec)
    assert.is_false(ok)
    assert.matches("entry 4 ('x') is not an applicant", err, 1, true)
    spec.policies = bad_policy { { id = "g1" }, { id = "g2" }, { id = "t1" }, { id = "g1" } }
    ok, err = pcall(admit.simulate, spec)
    assert.is_false(ok)
    assert.matches("entry 4 ('g1') is listed twice", err, 1, true)
  end)

  it("checks its arguments", function()
    assert.has_error(function() admit.simulate { formations = {}, candidates = {}, wishes = {}, mode = "x" } end,
      "admit.simulate: mode must be 'student' or 'school', got 'x'")
    assert.has_error(function() admit.simulate { formations = {}, candidates = {} } end,
      "admit.simulate: wishes is missing")
  end)

  it("reports bad rows with their index", function()
    local ok, err = pcall(admit.simulate, { formations = { { formation_id = "A", capacity = "x" } },
      candidates = {}, wishes = {} })
    assert.is_false(ok)
    assert.matches("formations[1].capacity: 'x' is not a whole number", err.message, 1, true)
  end)
end)

-- ---------------------------------------------------------------- generator

describe("admit generate", function()
  local function generate(dir, extra)
    local args = { "generate", "--out", dir, "--annexes", ANNEXES }
    for _, a in ipairs(extra or {}) do args[#args + 1] = a end
    return h.run(args)
  end

  it("is deterministic: same seed same bytes, another seed other vœux", function()
    local base = h.tmpdir()
    for _, d in ipairs { "a", "b" } do
      assert.are.equal(0, select(3, generate(base .. "/" .. d, { "--seed", "42", "--candidates", "3000" })))
    end
    assert.are.equal(0, select(3, generate(base .. "/c", { "--seed", "43", "--candidates", "3000" })))
    for _, f in ipairs { "formations.csv", "candidates.csv", "wishes.csv" } do
      local a = h.slurp(base .. "/a/" .. f)
      assert.is_true(#a > 100)
      assert.are.equal(a, h.slurp(base .. "/b/" .. f))
    end
    assert.are_not.equal(h.slurp(base .. "/a/wishes.csv"), h.slurp(base .. "/c/wishes.csv"))
    assert.are_not.equal(h.slurp(base .. "/a/candidates.csv"), h.slurp(base .. "/c/candidates.csv"))
  end)

  it("takes the formations of the annexes with their minimum rates, capacities marked synthetic", function()
    local dir = h.tmpdir() .. "/g"
    assert.are.equal(0, select(3, generate(dir, { "--candidates", "500" })))
    local _, rows = admit.read_csv(dir .. "/formations.csv")
    assert.are.equal(24, #rows)  -- 8 IUT + 10 BTS + 6 health rows in the fixture annexes
    local first = rows[1]
    assert.are.equal("techno", first.annex)
    assert.are.equal("IUT de Lille", first.establishment)
    assert.are.equal("BUT Informatique", first.program)
    assert.are.equal("30", first.min_techno)
    assert.are.equal("synthetic", first.capacity_source)
    assert.are.equal("40", rows[9].min_pro)          -- first BTS row
    assert.are.equal("20", rows[19].min_boursier)    -- first health row
    assert.are.equal("Lycée Gaston Berger", rows[9].establishment)
  end)

  it("produces a cohort calibrated on the published figures", function()
    local dir = h.tmpdir() .. "/g"
    assert.are.equal(0, select(3, generate(dir, { "--candidates", "6000", "--formations", "300", "--seed", "5" })))
    local _, F = admit.read_csv(dir .. "/formations.csv")
    local _, C = admit.read_csv(dir .. "/candidates.csv")
    local _, W = admit.read_csv(dir .. "/wishes.csv")
    assert.are.equal(300, #F)
    local bac, bours, program = {}, 0, {}
    for _, c in ipairs(C) do bac[c.id] = c.bac; bours = bours + tonumber(c.boursier) end
    for _, f in ipairs(F) do program[f.formation_id] = f.program end
    local count, bts, nbac = {}, {}, {}
    for _, c in ipairs(C) do nbac[c.bac] = (nbac[c.bac] or 0) + 1 end
    for _, w in ipairs(W) do
      local b = bac[w.candidate_id]
      count[b] = (count[b] or 0) + 1
      if program[w.formation_id] == "BTS" then bts[b] = (bts[b] or 0) + 1 end
    end
    local function near(x, target, tol, what)
      assert.is_true(math.abs(x - target) <= tol, string.format("%s: %.3f, expected %.3f", what, x, target))
    end
    near(count.general / nbac.general, 15.7, 0.6, "vœux per bac général")
    near(count.techno / nbac.techno, 11.8, 0.6, "vœux per bac techno")
    near(count.pro / nbac.pro, 7.4, 0.5, "vœux per bac pro")
    near(bts.pro / count.pro, 0.74, 0.04, "BTS share of bac pro vœux")
    near(bts.techno / count.techno, 0.47, 0.04, "BTS share of bac techno vœux")
    near(bours / #C, 0.20, 0.02, "boursiers")
  end)

  it("writes inputs that admit allocate accepts", function()
    local base = h.tmpdir()
    assert.are.equal(0, select(3, generate(base .. "/g", { "--candidates", "800", "--max-wishes", "5" })))
    local _, err, code = allocate(base .. "/o", "school", { formations = base .. "/g/formations.csv",
      candidates = base .. "/g/candidates.csv", wishes = base .. "/g/wishes.csv" })
    assert.are.equal(0, code, err)
    local _, W = admit.read_csv(base .. "/g/wishes.csv")
    local per = {}
    for _, w in ipairs(W) do per[w.candidate_id] = (per[w.candidate_id] or 0) + 1 end
    for _, n in pairs(per) do assert.is_true(n <= 5) end
  end)

  it("fails cleanly on missing annexes and bad options", function()
    local base = h.tmpdir()
    local _, err, code = h.run { "generate", "--out", base .. "/g", "--annexes", base .. "/none" }
    assert.are.equal(2, code)
    assert.matches("iut-techno.csv: cannot open", err, 1, true)
    assert.is_false(exists(base .. "/g"))
    _, err, code = h.run { "generate", "--out", base .. "/g", "--candidates", "many" }
    assert.are.equal(2, code)
    assert.matches("--candidates: 'many' is not a whole number", err, 1, true)
    _, err, code = h.run { "generate" }
    assert.are.equal(2, code)
    assert.matches("--out DIR is required", err, 1, true)
  end)
end)

-- ---------------------------------------------------------------- scripts

describe("the main job and the comparison script", function()
  local annexes = h.root .. "/" .. ANNEXES
  teardown(h.remove_scratch)

  it("scripts/main.lua simulates the annex formations, prints the audit, writes out/", function()
    local cwd = h.tmpdir()
    local out, err, code = h.run({ h.root .. "/scripts/main.lua", annexes }, nil, { cwd = cwd })
    assert.are.equal(0, code, err)
    assert.matches("Simulation of the 2023 Hauts%-de%-France formations", out)
    assert.matches("40000 candidates, %d+ vœux, 24 formations", out)
    assert.matches("Minimum rates", out, 1, true)
    assert.matches("Totals per annex and académie", out, 1, true)
    assert.matches("Formations whose minimum is not met: %d+", out)
    assert.are.equal("", err)  -- no progress bar: stderr is not a terminal
    -- it ends by saying where the results are, the report on the very last line
    local tail = out:match("\n([^\n]*\n[^\n]*\n[^\n]*\n[^\n]*\n)$")
    assert.truthy(tail, out)
    assert.matches("^out/ is admit's: the next run replaces it whole", tail)
    assert.matches("\nPhase principale in out/phase/: open out/phase/report%.html", tail)
    assert.matches("\nResults in out/: open out/report%.html[^\n]*\n$", tail)
    for _, f in ipairs { "assignments.csv", "formations.csv", "groups.csv", "summary.json", "results.xlsx",
                         "report.html", "provenance.json",
                         "cohort/formations.csv", "cohort/candidates.csv", "cohort/wishes.csv" } do
      assert.is_true(exists(cwd .. "/out/" .. f), f)
    end
    local summary = cjson.decode(h.slurp(cwd .. "/out/summary.json"))
    assert.are.equal(40000, summary.candidates)
    assert.are.equal(24, summary.formations)
    assert.are.equal(3, #summary.by_annex)
    assert.are.equal(2, #summary.by_academie)
    -- the empty reserved seats: in total, per annex, and the same as formations.csv
    local _, frows = admit.read_csv(cwd .. "/out/formations.csv")
    local annex_of = {}
    for _, row in ipairs(frows) do annex_of[row.formation_id] = row.annex end
    local _, rows = admit.read_csv(cwd .. "/out/groups.csv")
    local empty, per_annex = { techno = 0, pro = 0 }, {}
    for _, row in ipairs(rows) do
      if empty[row.group] then
        local n = tonumber(row.capacity) - tonumber(row.admitted)
        assert.are.equal(n, tonumber(row.empty_seats))
        empty[row.group] = empty[row.group] + n
        local annex = annex_of[row.formation_id]
        per_annex[annex] = (per_annex[annex] or 0) + n
      end
    end
    assert.are.same(empty, summary.reserved_seats_empty)
    for _, b in ipairs(summary.by_annex) do
      assert.are.equal(per_annex[b.annex] or 0, b.reserved_seats_empty.techno + b.reserved_seats_empty.pro)
    end
    assert.matches(string.format("reserved seats left empty: %d of %d", empty.techno + empty.pro,
      summary.reserved_seats.techno + summary.reserved_seats.pro), out, 1, true)
    assert.matches("reserved seats empty", out, 1, true)
  end)

  it("scripts/compare_policies.lua compares the simulation with and without policies", function()
    if not admit.load_policy then
      pending("needs admit.load_policy (the policies area)")
      return
    end
    local out, err, code = h.run { h.root .. "/scripts/compare_policies.lua", "--annexes", annexes,
                                   "--candidates", "5000" }
    assert.are.equal(0, code, err)
    assert.matches("^3 policy files %(bts%-ndrc, ifsi%-hauts%-de%-france, iut%-lille%-informatique%), "
                   .. "4 policies; applied to %d+ formations?; seed 2023, 5000 candidates\n", out)
    assert.matches("\nMinimums met, before → after:\n", out, 1, true)
    assert.matches("\n  bac techno +%d+ → %d+ +of %d+", out)
    assert.matches("%d+ formations? changed %(%d+ with a policy, %d+ by ripple effect", out)
    assert.matches("%d+ candidates? gets? another seat", out)
  end)

  it("compare_policies: singular wording for one policy file holding one policy", function()
    local out, err, code = h.run { h.root .. "/scripts/compare_policies.lua", "bts-ndrc",
                                   "--annexes", annexes, "--candidates", "1" }
    assert.are.equal(0, code, err)
    assert.matches("^1 policy file %(bts%-ndrc%), 1 policy; applied to %d+ formations?; seed 2023, 1 candidate\n", out)
  end)

  it("compare_policies: --policies DIR reads the policies of another directory", function()
    local dir = h.scratch()
    h.write(dir .. "/mine.lua", 'return admit.policy{ program = "informatique",'
      .. ' rank = function(c) return c.maths or 0 end }')
    local out, err, code = h.run { h.root .. "/scripts/compare_policies.lua", "--policies", dir,
                                   "--annexes", annexes, "--candidates", "2000" }
    local _
    assert.are.equal(0, code, err)
    assert.matches("^1 policy file %(mine%), 1 policy; applied to [1-9]%d* formations?", out)
    _, err, code = h.run { h.root .. "/scripts/compare_policies.lua", "--policies", dir .. "/none" }
    assert.are.equal(2, code)
    assert.matches("--policies: '" .. dir .. "/none' is not a directory", err, 1, true)
  end)

  it("compare_policies: the temporary cohort is removed even when a policy fails", function()
    local dir, tmp = h.scratch(), h.scratch()
    h.write(dir .. "/broken.lua", 'return admit.policy{ program = "informatique",'
      .. ' rank = function(c) error("boom in rank") end }')
    local _, err, code = h.run({ h.root .. "/scripts/compare_policies.lua", "--policies", dir,
                                 "--annexes", annexes, "--candidates", "2000" }, nil,
                               { env = "TMPDIR=" .. h.quote(tmp) })
    assert.are_not.equal(0, code)
    assert.matches("boom in rank", err, 1, true)
    local left = {}
    for entry in lfs.dir(tmp) do
      if entry ~= "." and entry ~= ".." then left[#left + 1] = entry end
    end
    assert.are.same({}, left)
  end)

  it("compare_policies: every option is checked (exit 2, a clear message)", function()
    local script = h.root .. "/scripts/compare_policies.lua"
    for _, case in ipairs {
      { { "--candidates", "abc" }, "--candidates: 'abc' is not a whole number between 1 and 1000000" },
      { { "--candidates", "-5" }, "--candidates: '-5' is not a whole number between 1 and 1000000" },
      { { "--candidates", "0" }, "--candidates: '0' is not a whole number between 1 and 1000000" },
      { { "--seed", "1.5" }, "--seed: '1.5' is not a whole number" },
      { { "--seed" }, "option --seed needs a value" },
      { { "--candidates", "--seed", "3" }, "option --candidates needs a value" },
      { { "--colour", "red" }, "unknown option '--colour'" },
      { { "-x" }, "unknown option '-x'" },
      { { "--annexes", "/nonexistent-dir" }, "--annexes: '/nonexistent-dir' is not a directory" },
      { { "no-such-policy" }, "load_policy: no policy 'no-such-policy'" },
    } do
      local args = { script }
      for _, a in ipairs(case[1]) do args[#args + 1] = a end
      local _, err, code = h.run(args)
      assert.are.equal(2, code, table.concat(case[1], " "))
      assert.matches("admit: " .. case[2], err, 1, true)
      assert.is_nil(err:find("traceback", 1, true))
    end
  end)
end)
