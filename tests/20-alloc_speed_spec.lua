-- The allocate path made faster (issue 13, second pass): the vœux file read and hashed on
-- a second thread, the index checks, the ordres d'appel, the deferred acceptance and the
-- audit shared out over threads, results.xlsx begun before report.html. Each must give
-- the bytes of the serial code whatever ADMIT_THREADS says, the same messages at the same
-- places, and hold at the edges of what it adds (empty and one-row files, ids that are
-- prefixes of each other, formation ids at the 16-byte boundary of the lookup table,
-- vœux not in the candidates' order, huge and sparse ranks, a file changed after loading).
local h = require "helpers"
local admit = require "admit"

local THREADS = { "1", "2", "3" }
local OUTPUTS = { "assignments.csv", "formations.csv", "groups.csv", "summary.json", "results.xlsx",
                  "provenance.json", "report.html" }

local function run_env(threads, args, stdin)
  return h.run(args, stdin, { env = "ADMIT_THREADS=" .. threads })
end

local function files_of(dir, names)
  local t = {}
  for _, n in ipairs(names) do t[n] = h.slurp(dir .. "/" .. n) end
  return t
end

local function allocate(threads, dir, files, extra, stdin)
  local args = { "allocate", "--quiet", "--formations", files.formations, "--candidates", files.candidates,
                 "--wishes", files.wishes, "--out", dir }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  return run_env(threads, args, stdin)
end

-- More than 100,000 vœux: every phase this file covers takes its threaded branch.
local cohort
local function the_cohort()
  if cohort then return cohort end
  cohort = h.scratch() .. "/in"
  -- seed 21: generate draws each candidate from a stream of its own since the loaders branch; with
  -- seed 20 the vœu 40 lines before the end had no later vœu of its formation (the rank fault)
  local _, err, code = run_env("1", { "generate", "--out", cohort, "--seed", "21",
                                      "--candidates", "9000", "--formations", "126" })
  assert.are.equal(0, code, err)
  return cohort
end
local function cohort_files(wishes, candidates)
  local c = the_cohort()
  return { formations = c .. "/formations.csv", candidates = candidates or c .. "/candidates.csv",
           wishes = wishes or c .. "/wishes.csv" }
end

local function clean()
  h.remove_scratch()
  cohort = nil
end

-- Same bytes for every thread count; the folder has one name so that the provenance agrees.
local function same_on_all_threads(files, extra, label)
  local dir, first = h.scratch() .. "/out", nil
  for _, t in ipairs(THREADS) do
    local out, err, code = allocate(t, dir, files, extra)
    assert.are.equal(0, code, err)
    local got = files_of(dir, OUTPUTS)
    got.stdout = out
    if first then
      for k, v in pairs(first) do assert.are.equal(v, got[k], (label or "") .. k .. " differs on " .. t .. " threads") end
    else
      first = got
    end
  end
  return first
end

local function csv_rows(text)
  local rows = {}
  for line in text:gmatch("[^\n]+") do rows[#rows + 1] = line end
  return rows
end

describe("alloc speed: byte-identical whatever ADMIT_THREADS", function()
  teardown(clean)

  local cases = {
    { "student mode", {} },
    { "school mode", { "--mode", "school" } },
    { "school mode, Excel CSV", { "--mode", "school", "--csv", "excel" } },
    { "student mode, --keep-columns", { "--keep-columns" } },
  }
  for _, c in ipairs(cases) do
    it(c[1] .. ": every output file and the summary on 1, 2 and 3 threads", function()
      local wishes = h.slurp(cohort_files().wishes)
      assert.is_true(select(2, wishes:gsub("\n", "")) > 100000, "the cohort must pass the threads' thresholds")
      same_on_all_threads(cohort_files(), c[2], c[1] .. ": ")
    end)
  end

  it("vœux listed in another order than the candidates (the next-candidate guess misses)", function()
    local text = h.slurp(cohort_files().wishes)
    local header, body = text:match("^([^\n]*\n)(.*)$")
    -- candidates' groups of rows in reverse order: every guess of "the next candidate" fails
    local groups, order, cur = {}, {}, nil
    for line in body:gmatch("[^\n]+\n") do
      local c = line:match("^([^,]+),")
      if c ~= cur then cur = c; order[#order + 1] = c; groups[c] = {} end
      local g = groups[c]; g[#g + 1] = line
    end
    local out = { header }
    for i = #order, 1, -1 do out[#out + 1] = table.concat(groups[order[i]]) end
    local path = h.write(h.scratch() .. "/reversed.csv", table.concat(out))
    local a, b = h.scratch() .. "/a", h.scratch() .. "/b"
    local _, err, code = allocate("2", a, cohort_files())
    assert.are.equal(0, code, err)
    _, err, code = allocate("2", b, cohort_files(path))
    assert.are.equal(0, code, err)
    for _, n in ipairs { "assignments.csv", "formations.csv", "groups.csv", "summary.json" } do
      assert.are.equal(h.slurp(a .. "/" .. n), h.slurp(b .. "/" .. n), n)
    end
  end)
end)

describe("alloc speed: small and edge inputs", function()
  teardown(clean)

  local function write_set(dir, f, c, w)
    return { formations = h.write(dir .. "/f.csv", f), candidates = h.write(dir .. "/c.csv", c),
             wishes = h.write(dir .. "/w.csv", w) }
  end
  local F = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\n"
  local C = "id,bac,boursier,resident\n"
  local W = "candidate_id,formation_id,preference,rank\n"

  it("a vœux file with its header only, and with one row", function()
    local d = h.scratch()
    local files = write_set(d, F .. "F1,2,0,0,0,0\n", C .. "C1,general,0,0\n", W)
    local r = same_on_all_threads(files)
    assert.are.equal("candidate_id,formation_id\nC1,\n", r["assignments.csv"])
    files = write_set(d, F .. "F1,2,0,0,0,0\n", C .. "C1,general,0,0\n", W .. "C1,F1,1,1\n")
    r = same_on_all_threads(files)
    assert.are.equal("candidate_id,formation_id\nC1,F1\n", r["assignments.csv"])
  end)

  -- One seat per formation, one vœu per candidate: the assignment names the exact pairing,
  -- so a candidate or formation mistaken for another (a prefix, the guess of the next
  -- candidate) shows.
  local function pairing_case(cands, forms, order)
    local f, c, w = { F }, { C }, { W }
    for _, id in ipairs(forms) do f[#f + 1] = id .. ",1,0,0,0,0\n" end
    for _, id in ipairs(cands) do c[#c + 1] = id .. ",general,0,0\n" end
    for _, i in ipairs(order) do w[#w + 1] = cands[i] .. "," .. forms[i] .. ",1,1\n" end
    local files = write_set(h.scratch(), table.concat(f), table.concat(c), table.concat(w))
    local r = same_on_all_threads(files)
    local want = { "candidate_id,formation_id" }
    for i, id in ipairs(cands) do want[#want + 1] = id .. "," .. forms[i] end
    assert.are.same(want, csv_rows(r["assignments.csv"]))
  end

  it("candidate ids that are prefixes of the next one (C1, C10, C100), in and out of order", function()
    local cands = { "C1", "C10", "C100", "C1000", "D", "DD" }
    local forms = { "F1", "F2", "F3", "F4", "F5", "F6" }
    pairing_case(cands, forms, { 1, 2, 3, 4, 5, 6 })
    pairing_case(cands, forms, { 6, 5, 4, 3, 2, 1 })
    pairing_case(cands, forms, { 2, 1, 4, 3, 6, 5 })
  end)

  it("formation ids of 1, 2, 8, 9, 15, 16, 17 and 18 bytes, prefixes of each other (both short-id tables and the id map)", function()
    local forms = { "A", "ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ", "AB", "ABCDEFGHIJKLMNOPQR",
                    "ABCDEFGH", "ABCDEFGHI" }
    local cands = { "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8" }
    pairing_case(cands, forms, { 1, 2, 3, 4, 5, 6, 7, 8 })
    pairing_case(cands, forms, { 8, 4, 3, 6, 5, 2, 1, 7 })
  end)

  it("many formations with close ids (probing in the short-id table)", function()
    local forms, cands, order = {}, {}, {}
    for i = 1, 3000 do
      forms[i] = string.format("F%05d", (i * 7919) % 100000)
      cands[i] = string.format("K%d", i)
      order[i] = (i * 613) % 3000 + 1
    end
    pairing_case(cands, forms, order)
  end)

  local function message(threads, files)
    local d = h.scratch() .. "/err"
    local _, err, code = allocate(threads, d, files)
    return err, code
  end

  it("an unknown formation id, short and long: the same located message on 1 and 2 threads", function()
    for _, bad in ipairs { "F9", "NOSUCHFORMATIONIDATALL" } do
      local files = write_set(h.scratch(), F .. "F1,1,0,0,0,0\n", C .. "C1,general,0,0\nC2,general,0,0\n",
                              W .. "C1,F1,1,1\nC2," .. bad .. ",1,2\n")
      local e1, c1 = message("1", files)
      local e2, c2 = message("2", files)
      assert.are.equal(2, c1)
      assert.are.equal(2, c2)
      assert.are.equal(e1, e2)
      assert.matches("w.csv:3:4: unknown formation '" .. bad .. "'", e1, 1, true)
    end
  end)

  it("huge and sparse ranks (the radix check), and a tie among them", function()
    local ranks = { 2147483647, 1, 1000000000, 65536, 16777216 }
    local f, c, w = { F, "F1,3,0,0,0,0\n" }, { C }, { W }
    for i, r in ipairs(ranks) do
      c[#c + 1] = "C" .. i .. ",general,0,0\n"
      w[#w + 1] = "C" .. i .. ",F1,1," .. r .. "\n"
    end
    local files = write_set(h.scratch(), table.concat(f), table.concat(c), table.concat(w))
    local r = same_on_all_threads(files)
    assert.are.same({ "candidate_id,formation_id", "C1,", "C2,F1", "C3,", "C4,F1", "C5,F1" },
                    csv_rows(r["assignments.csv"]))
    w[#w + 1] = "C6,F1,1,2147483647\n"
    c[#c + 1] = "C6,general,0,0\n"
    files = write_set(h.scratch(), table.concat(f), table.concat(c), table.concat(w))
    local e1, c1 = message("1", files)
    local e2 = message("2", files)
    assert.are.equal(2, c1)
    assert.are.equal(e1, e2)
    assert.matches("w.csv:7:", e1, 1, true)
    assert.matches("rank 2147483647 appears twice in formation 'F1' (already on line 2)", e1, 1, true)
  end)
end)

describe("alloc speed: faults in a large file, found by the threads", function()
  teardown(clean)

  -- Two faults of each kind, one near the start and one near the end of the vœux (in the
  -- slices of different threads): the message is the one the serial order meets first.
  local function with_faults(fn)
    local lines = {}
    for line in h.slurp(cohort_files().wishes):gmatch("[^\n]+") do lines[#lines + 1] = line end
    fn(lines)
    return h.write(h.scratch() .. "/faulty.csv", table.concat(lines, "\n") .. "\n")
  end
  local function field(line, i)
    local t = {}
    for v in line:gmatch("[^,]+") do t[#t + 1] = v end
    return t[i]
  end

  -- the first vœu after line i + 1 of line i's formation (nil when none)
  local function later_of_formation(lines, i)
    local f = field(lines[i], 2)
    for j = i + 2, #lines do
      if field(lines[j], 2) == f then return j end
    end
  end

  local KINDS = {
    { "a preference twice", function(lines, i)   -- the candidate's next vœu gets its preference
        local a, b = lines[i], lines[i + 1]
        assert(field(a, 1) == field(b, 1))
        lines[i + 1] = table.concat({ field(b, 1), field(b, 2), field(a, 3), field(b, 4) }, ",")
      end, "two vœux of preference" },
    { "a formation twice", function(lines, i)
        local a, b = lines[i], lines[i + 1]
        assert(field(a, 1) == field(b, 1))
        lines[i + 1] = table.concat({ field(b, 1), field(a, 2), field(b, 3), field(b, 4) }, ",")
      end, "wishes formation" },
    { "a rank twice in a formation", function(lines, i)   -- a later vœu of the formation takes this rank
        local f, r = field(lines[i], 2), field(lines[i], 4)
        local j = later_of_formation(lines, i)
        assert(j, "no later vœu of " .. f)
        lines[j] = table.concat({ field(lines[j], 1), f, field(lines[j], 3), r }, ",")
      end, "appears twice in formation",
      -- usable only where the formation has a later vœu, close by (the fault is found there);
      -- formations are checked in order, so the late fault's comes after the early one's
      usable = function(lines, i, early)
        local j = later_of_formation(lines, i)
        return j ~= nil and j - i < 5000 and (not early or field(lines[i], 2) > field(lines[early], 2))
      end },
  }
  for _, k in ipairs(KINDS) do
    it(k[1] .. ": same message on 1, 2 and 3 threads, the first fault's", function()
      local lines_probe = {}
      for line in h.slurp(cohort_files().wishes):gmatch("[^\n]+") do lines_probe[#lines_probe + 1] = line end
      local n = #lines_probe
      -- a row whose next row is the same candidate's, near the start and near the end
      local function pair_at(from, step, early)
        local i = from
        while field(lines_probe[i], 1) ~= field(lines_probe[i + 1], 1)
          or (k.usable and not k.usable(lines_probe, i, early)) do i = i + step end
        return i
      end
      local early = pair_at(20, 1)
      local late = pair_at(n - 40, -1, early)
      local path = with_faults(function(lines) k[2](lines, late); k[2](lines, early) end)
      local msgs = {}
      for _, t in ipairs(THREADS) do
        local _, err, code = allocate(t, h.scratch() .. "/out", cohort_files(path))
        assert.are.equal(2, code, err)
        msgs[#msgs + 1] = err
      end
      assert.are.equal(msgs[1], msgs[2])
      assert.are.equal(msgs[1], msgs[3])
      assert.matches(k[3], msgs[1], 1, true)
      local line = tonumber(msgs[1]:match("faulty%.csv:(%d+):"))
      assert.is_true(line ~= nil and line < n / 2, "the first fault, near the start: " .. msgs[1])
    end)
  end
end)

describe("alloc speed: provenance digests taken while loading", function()
  teardown(clean)

  local function sha256sum(path)
    local p = io.popen("sha256sum " .. h.quote(path))
    local out = p:read("a")
    p:close()
    return out:match("^(%x+)")
  end

  it("provenance.json gives each input's SHA-256 and size, as sha256sum does, on 1 and 2 threads", function()
    for _, t in ipairs { "1", "2" } do
      local dir = h.scratch() .. "/out"
      local files = cohort_files()
      local _, err, code = allocate(t, dir, files)
      assert.are.equal(0, code, err)
      local prov = require("cjson").decode(h.slurp(dir .. "/provenance.json"))
      assert.are.equal(3, #prov.inputs)
      for _, i in ipairs(prov.inputs) do
        assert.are.equal(sha256sum(files[i.role]), i.sha256, i.role)
        assert.are.equal(#h.slurp(files[i.role]), i.bytes, i.role)
      end
    end
  end)

  it("the vœux from standard input redirected from a file (read once, like a pipe): its digest is the bytes read", function()
    local dir = h.scratch() .. "/out"
    local files = cohort_files()
    local text = h.slurp(files.wishes)
    local _, err, code = allocate("2", dir, { formations = files.formations, candidates = files.candidates,
                                              wishes = "-" }, nil, text)
    assert.are.equal(0, code, err)
    local prov = require("cjson").decode(h.slurp(dir .. "/provenance.json"))
    assert.are.equal(sha256sum(files.wishes), prov.inputs[3].sha256)
  end)

  it("a file changed after loading, even to the same size and modification time, is hashed again", function()
    local d = h.scratch()
    local f = h.write(d .. "/f.csv", "formation_id,capacity\nF1,1\n")
    local c = h.write(d .. "/c.csv", "id,bac,boursier,resident\nC1,general,0,0\n")
    local w = h.write(d .. "/w.csv", "candidate_id,formation_id,preference,rank\nC1,F1,1,1\n")
    admit.check(admit.sim_load(f, c, w))
    local core = require "admit.core"
    local before = core.sha256_file(w)
    assert.are.equal(sha256sum(w), before)
    os.execute("cp -p " .. h.quote(w) .. " " .. h.quote(d .. "/keep"))
    h.write(w, "candidate_id,formation_id,preference,rank\nC1,F1,1,2\n")   -- same size
    os.execute("touch -r " .. h.quote(d .. "/keep") .. " " .. h.quote(w))  -- same mtime
    local after = core.sha256_file(w)
    assert.are_not.equal(before, after)
    assert.are.equal(sha256sum(w), after)
  end)
end)

describe("alloc speed: results.xlsx begun early", function()
  teardown(clean)

  local function simulate()
    local f = cohort_files()
    return admit.simulate { formations = f.formations, candidates = f.candidates, wishes = f.wishes }
  end
  local function leftovers(parent)
    local p = io.popen("ls -A " .. h.quote(parent))
    local names = p:read("a")
    p:close()
    return names
  end

  it("r:write into another folder, or with another provenance, than r:start_write: the workbook of r:write", function()
    local r = simulate()
    local base = h.scratch()
    local prov = { { "title", "x" } }
    assert.is_true(r:write(base .. "/ref", { provenance = prov }))
    r:start_write(base .. "/elsewhere", { provenance = prov })
    assert.is_true(r:write(base .. "/a", { provenance = prov }))
    r:start_write(base .. "/b", { provenance = { { "title", "y" } } })
    assert.is_true(r:write(base .. "/b", { provenance = prov }))
    r:start_write(base .. "/c", { provenance = prov })
    assert.is_true(r:write(base .. "/c", { provenance = prov }))
    local ref = h.slurp(base .. "/ref/results.xlsx")
    for _, d in ipairs { "a", "b", "c" } do
      assert.are.equal(ref, h.slurp(base .. "/" .. d .. "/results.xlsx"), d)
    end
    -- the folder begun for "elsewhere" was dropped whole
    assert.are.equal("a\nb\nc\nref\n", leftovers(base))
  end)

  it("r:start_write never followed by r:write leaves nothing behind once collected", function()
    local base = h.scratch()
    do
      local r = simulate()
      r:start_write(base .. "/never", {})
      r = nil   -- luacheck: ignore
    end
    collectgarbage()
    collectgarbage()
    assert.are.equal("", leftovers(base))
  end)

  it("r:start_write on a folder admit must not replace: r:write says why, as without it", function()
    local base = h.scratch()
    local mine = base .. "/mine"
    os.execute("mkdir -p " .. h.quote(mine) .. " && echo x > " .. h.quote(mine .. "/notes.txt"))
    local r = simulate()
    local ok1, msg1 = r:write(mine, {})
    r:start_write(mine, {})
    local ok2, msg2 = r:write(mine, {})
    assert.is_nil(ok1)
    assert.is_nil(ok2)
    assert.are.equal(msg1, msg2)
    assert.are.equal("x\n", h.slurp(mine .. "/notes.txt"))
  end)
end)

describe("alloc speed: scratch and phases", function()
  teardown(clean)

  it("an instance run twice (the loader's spare text serves the first run only) gives the same allocation", function()
    local f = cohort_files()
    local prob = admit.check(admit.sim_load(f.formations, f.candidates, f.wishes))
    for _, mode in ipairs { "student", "school" } do
      local a = prob:run(mode):assignments()
      local b = prob:run(mode):assignments()
      assert.are.same(a, b)
    end
    local a = prob:run("student")
    local fresh = admit.check(admit.sim_load(f.formations, f.candidates, f.wishes))
    assert.are.same(fresh:run("student"):formations(), a:formations())
  end)

  it("ADMIT_PHASES=1 says each phase on stderr and changes no output byte", function()
    local files = cohort_files()
    local dir = h.scratch() .. "/out"
    local _, err, code = allocate("2", dir, files)
    assert.are.equal(0, code, err)
    local ref = files_of(dir, OUTPUTS)
    local args = { "allocate", "--quiet", "--formations", files.formations, "--candidates", files.candidates,
                   "--wishes", files.wishes, "--out", dir }
    local _, perr, pcode = h.run(args, nil, { env = "ADMIT_THREADS=2 ADMIT_PHASES=1" })
    assert.are.equal(0, pcode, perr)
    for _, phase in ipairs { "load candidates", "load vœux", "ordres d'appel", "allocation", "audit",
                             "wait for the other thread's files" } do
      assert.matches("admit: phase " .. phase .. " +wall +[%d.]+ s +cpu +[%d.]+ s", perr)
    end
    assert.are.same(ref, files_of(dir, OUTPUTS))
    assert.are.equal("", err)
  end)
end)
