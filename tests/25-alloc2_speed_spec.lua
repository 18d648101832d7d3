-- The allocate path, third pass (issue 13): results.xlsx deflated at zlib's fastest level
-- (src/xlsx_zip.c), formation ids looked up a word at a time, candidate ids checked all at
-- once after loading (the id map made only when the vœux are out of the candidates' order),
-- the result's arrays carved from the spent vœux text. Each change keeps the bytes a person
-- reads: the XML inside the workbook is the same at every level, every other output and
-- every message is the same whatever ADMIT_THREADS says.
local h = require "helpers"
local admit = require "admit"

local function run_env(env, args)
  return h.run(args, nil, { env = env })
end

local cohort
local function the_cohort()
  if cohort then return cohort end
  cohort = h.scratch() .. "/in"
  local _, err, code = run_env("ADMIT_THREADS=1", { "generate", "--out", cohort, "--seed", "25",
                                                    "--candidates", "6000", "--formations", "80" })
  assert.are.equal(0, code, err)
  return cohort
end

local function allocate(env, dir, extra)
  local c = the_cohort()
  local args = { "allocate", "--quiet", "--formations", c .. "/formations.csv", "--candidates",
                 c .. "/candidates.csv", "--wishes", c .. "/wishes.csv", "--out", dir }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  local _, err, code = run_env(env, args)
  assert.are.equal(0, code, err)
  return dir .. "/results.xlsx"
end

local function lines_of(cmd)
  local p = io.popen(cmd)
  local t = {}
  for l in p:lines() do t[#t + 1] = l end
  p:close()
  return t
end

local function members(file) return lines_of("unzip -Z1 " .. h.quote(file)) end

local function member(file, name)
  -- unzip reads a name as a pattern: "[Content_Types].xml" needs its brackets escaped
  local p = io.popen("unzip -p " .. h.quote(file) .. " " .. h.quote((name:gsub("[%[%]*?]", "\\%0"))))
  local s = p:read("a")
  p:close()
  return s
end

-- zipinfo's name for the level of each member: superfast (1), fast (2), normal (3 to 7),
-- maximum (8, 9); "stored" when not deflated.
local function subtypes(file)
  local kinds = {}
  for _, l in ipairs(lines_of("unzip -Z -v " .. h.quote(file))) do
    local k = l:match("compression sub%-type %(deflation%):%s+(%S+)")
    if k then kinds[k] = (kinds[k] or 0) + 1 end
    if l:match("compression method:%s+none") then kinds.stored = (kinds.stored or 0) + 1 end
  end
  return kinds
end

local function only(kinds)
  local names = {}
  for k in pairs(kinds) do names[#names + 1] = k end
  table.sort(names)
  return table.concat(names, ",")
end

local function unzip_ok(file)
  local ok = os.execute("unzip -tq " .. h.quote(file) .. " > /dev/null 2>&1")
  return ok == true or ok == 0
end

describe("alloc2: results.xlsx at zlib's fastest level", function()
  teardown(function()
    h.remove_scratch()
    cohort = nil
  end)

  it("is a valid zip whose every member is deflated at level 1 (zipinfo: superfast)", function()
    local file = allocate("", h.scratch() .. "/out")
    assert.is_true(unzip_ok(file))
    local n = #members(file)
    assert.is_true(n >= 15, "the workbook's parts")
    assert.are.same({ superfast = n }, subtypes(file))
  end)

  it("holds the same XML, byte for byte, as at zlib's default level, in both modes and both languages", function()
    local cases = { { {}, "" }, { { "--mode", "school" }, "" }, { {}, "--lang en" } }
    for _, c in ipairs(cases) do
      local base = h.scratch()
      -- one folder name for both, so that the provenance sheet agrees
      local fast = allocate("", base .. "/out", c[1])
      local kept = base .. "/fast.xlsx"
      os.rename(fast, kept)
      os.execute("rm -rf " .. h.quote(base .. "/out"))
      local slow = allocate("ADMIT_XLSX_DEFLATE=6", base .. "/out", c[1])
      assert.are.equal("normal", only(subtypes(slow)))
      local names = members(kept)
      assert.are.same(names, members(slow))
      for _, name in ipairs(names) do
        local xml = member(kept, name)
        assert.is_true(#xml > 0, name)
        assert.are.equal(member(slow, name), xml, name)
      end
      assert.is_true(#h.slurp(kept) > #h.slurp(slow), "level 1 gives a larger file than level 6")
    end
  end)

  it("ADMIT_XLSX_DEFLATE: one digit is zlib's level (0 no compression, 9 smallest); anything else is level 1", function()
    local want = { ["2"] = "fast", ["9"] = "maximum", ["6"] = "normal", ["0"] = "normal",
                   ["10"] = "superfast", ["x"] = "superfast", [""] = "superfast", ["-1"] = "superfast",
                   [" 1"] = "superfast" }
    local first, size = nil, {}
    for v, kind in pairs(want) do
      local file = allocate("ADMIT_XLSX_DEFLATE=" .. h.quote(v), h.scratch() .. "/out")
      assert.is_true(unzip_ok(file), v)
      assert.are.equal(kind, only(subtypes(file)), "ADMIT_XLSX_DEFLATE=" .. v)
      local sheet = member(file, "xl/worksheets/sheet1.xml")
      assert.is_true(#sheet > 1000, v)
      if first then assert.are.equal(first, sheet, v) else first = sheet end
      size[v] = #h.slurp(file)
    end
    -- level 0 is deflate's stored blocks: the XML's whole size
    assert.is_true(size["0"] > 2 * size["x"] and size["x"] > size["6"] and size["6"] >= size["9"])
  end)

  it("the same inputs give the same workbook, byte for byte, on 1 and 2 threads", function()
    local base = h.scratch()
    local a = allocate("ADMIT_THREADS=1", base .. "/out")
    local bytes = h.slurp(a)
    os.execute("rm -rf " .. h.quote(base .. "/out"))
    local b = allocate("ADMIT_THREADS=2", base .. "/out")
    assert.are.equal(bytes, h.slurp(b))
  end)

  it("admit.write_xlsx goes through the same level, its cells unchanged", function()
    local dir = h.scratch()
    local sheets = { { name = "T", columns = { { title = "id" }, { title = "n", type = "number" } },
                       rows = { { "a", 1 }, { "b", 2 } } } }
    assert.is_true(admit.write_xlsx(dir .. "/t.xlsx", sheets))
    assert.is_true(unzip_ok(dir .. "/t.xlsx"))
    assert.are.equal("superfast", only(subtypes(dir .. "/t.xlsx")))
    assert.matches("<v>2</v>", member(dir .. "/t.xlsx", "xl/worksheets/sheet1.xml"), 1, true)
  end)
end)

describe("alloc2: formation ids read a word at a time", function()
  teardown(h.remove_scratch)

  -- One seat per formation, one vœu per candidate, the formation the last column of the
  -- vœux file and its last line without a newline: the ids near the end of the text are
  -- read without the eight-byte load, the others with it and masked.
  local function pairing(forms, sep, final_newline)
    local d = h.scratch()
    local f, c, w = { "formation_id,capacity\n" }, { "id,bac,boursier,resident\n" },
                    { "candidate_id,preference,rank,formation_id" }
    for i, id in ipairs(forms) do
      f[#f + 1] = id .. ",1\n"
      c[#c + 1] = "K" .. i .. ",general,0,0\n"
      w[#w + 1] = "K" .. i .. sep .. "1" .. sep .. "1" .. sep .. id
    end
    local wtext = table.concat(w, "\n"):gsub(",", sep) .. (final_newline and "\n" or "")
    local files = { formations = h.write(d .. "/f.csv", table.concat(f)),
                    candidates = h.write(d .. "/c.csv", table.concat(c)),
                    wishes = h.write(d .. "/w.csv", wtext) }
    local got = {}
    for _, t in ipairs { "1", "2" } do
      local out = d .. "/out" .. t
      local _, err, code = run_env("ADMIT_THREADS=" .. t, { "allocate", "--quiet", "--formations", files.formations,
        "--candidates", files.candidates, "--wishes", files.wishes, "--out", out })
      assert.are.equal(0, code, err)
      got[t] = h.slurp(out .. "/assignments.csv")
    end
    assert.are.equal(got["1"], got["2"])
    local want = { "candidate_id,formation_id" }
    for i, id in ipairs(forms) do want[#want + 1] = "K" .. i .. "," .. id end
    assert.are.equal(table.concat(want, "\n") .. "\n", got["1"])
  end

  it("ids of 1 to 8 bytes, prefixes of each other, the shortest last in the file", function()
    local ids = { "ABCDEFGH", "ABCDEFG", "ABCDEF", "ABCDE", "ABCD", "ABC", "AB", "A" }
    pairing(ids, ",", false)
    pairing(ids, ",", true)
    pairing(ids, ";", false)
  end)

  it("ids of 8 and 9 bytes side by side, and ids whose bytes differ only past the eighth", function()
    pairing({ "F0000001", "F00000012", "F00000011", "F0000002", "12345678", "123456789" }, ",", false)
  end)
end)

describe("alloc2: candidate ids checked all at once, the id map only when needed", function()
  teardown(function()
    h.remove_scratch()
    cohort = nil
  end)

  local function run_files(threads, files, out)
    return run_env("ADMIT_THREADS=" .. threads, { "allocate", "--quiet", "--formations", files.formations,
      "--candidates", files.candidates, "--wishes", files.wishes, "--out", out })
  end

  local function set(d, f, c, w)
    return { formations = h.write(d .. "/f.csv", f), candidates = h.write(d .. "/c.csv", c),
             wishes = h.write(d .. "/w.csv", w) }
  end

  -- text with every occurrence of the plain string s taken out
  local function without(text, s)
    local out, i = {}, 1
    while true do
      local a, b = text:find(s, i, true)
      if not a then out[#out + 1] = text:sub(i); break end
      out[#out + 1] = text:sub(i, a - 1)
      i = b + 1
    end
    return table.concat(out)
  end

  -- csvread reads a file with a quote in it (no fast path): the reference for every message
  local function quoted(text) return (text:gsub("^id,", '"id",')) end

  local DUPS = {
    { "the second row repeats the first", { "A1", "A1", "B", "C" }, "c.csv:3:1: duplicate candidate id 'A1' (already on line 2)" },
    { "the last row repeats the first", { "A1", "B", "C", "A1" }, "c.csv:5:1: duplicate candidate id 'A1' (already on line 2)" },
    { "two repeats: the earliest later row is named", { "A", "B", "C", "B", "A" }, "c.csv:5:1: duplicate candidate id 'B' (already on line 3)" },
    { "ids that differ only in case are distinct", { "a", "A", "b" }, nil },
  }
  for _, case in ipairs(DUPS) do
    it("a repeated candidate id: " .. case[1] .. " (the message csvread gives, on 1 and 2 threads)", function()
      local d = h.scratch()
      local c = { "id,bac,boursier,resident" }
      for _, id in ipairs(case[2]) do c[#c + 1] = id .. ",general,0,0" end
      local ctext = table.concat(c, "\n") .. "\n"
      local files = set(d, "formation_id,capacity\nF1,1\n", ctext, "candidate_id,formation_id,preference,rank\n")
      local rd = h.scratch()
      local ref = set(rd, "formation_id,capacity\nF1,1\n", quoted(ctext), "candidate_id,formation_id,preference,rank\n")
      local _, rerr, rcode = run_files("1", ref, rd .. "/ref")
      for _, t in ipairs { "1", "2" } do
        local _, err, code = run_files(t, files, d .. "/out" .. t)
        if case[3] then
          assert.are.equal(2, code, err)
          assert.matches(case[3], err, 1, true)
          assert.are.equal(rcode, code)
          assert.are.equal(without(rerr, ref.candidates), without(err, files.candidates))
        else
          assert.are.equal(0, code, err)
        end
      end
    end)
  end

  it("candidates without a vœu between those with vœux (skipped by the guess, or through the map)", function()
    local d = h.scratch()
    local c, w, f = { "id,bac,boursier,resident" }, { "candidate_id,formation_id,preference,rank" }, { "formation_id,capacity" }
    local want = { "candidate_id,formation_id" }
    local has = {}
    -- gaps of 0, 1, 2, 3, 4 and 10 candidates without a vœu
    local at = 1
    for _, gap in ipairs { 0, 1, 2, 3, 4, 10, 0, 3 } do
      at = at + gap
      has[at] = true
      at = at + 1
    end
    for i = 1, at do
      c[#c + 1] = "K" .. i .. ",general,0,0"
      f[#f + 1] = "F" .. i .. ",1"
      if has[i] then w[#w + 1] = "K" .. i .. ",F" .. i .. ",1,1" end
      want[#want + 1] = "K" .. i .. "," .. (has[i] and "F" .. i or "")
    end
    local files = set(d, table.concat(f, "\n") .. "\n", table.concat(c, "\n") .. "\n", table.concat(w, "\n") .. "\n")
    for _, t in ipairs { "1", "2" } do
      local _, err, code = run_files(t, files, d .. "/out" .. t)
      assert.are.equal(0, code, err)
      assert.are.equal(table.concat(want, "\n") .. "\n", h.slurp(d .. "/out" .. t .. "/assignments.csv"))
    end
  end)

  -- the cohort's vœux (over a megabyte: two chunks on two threads) rearranged by candidate
  local function regrouped(order_of)
    local text = h.slurp(the_cohort() .. "/wishes.csv")
    local header, body = text:match("^([^\n]*\n)(.*)$")
    local groups, order, cur = {}, {}, nil
    for line in body:gmatch("[^\n]+\n") do
      local id = line:match("^([^,]+),")
      if id ~= cur then cur = id; order[#order + 1] = id; groups[id] = {} end
      local g = groups[id]; g[#g + 1] = line
    end
    local out = { header }
    for _, id in ipairs(order_of(order)) do out[#out + 1] = table.concat(groups[id]) end
    return h.write(h.scratch() .. "/w.csv", table.concat(out)), #text
  end

  it("vœux in an order of their own (each chunk's first candidate not where the guess looks): the same allocation", function()
    local c = the_cohort()
    local base = { formations = c .. "/formations.csv", candidates = c .. "/candidates.csv", wishes = c .. "/wishes.csv" }
    local ref = h.scratch() .. "/ref"
    local _, err, code = run_files("2", base, ref)
    assert.are.equal(0, code, err)
    local orders = {
      -- halves swapped: the second chunk starts with the first candidate
      function(o) local t = {}; local m = #o // 2; for i = m + 1, #o do t[#t + 1] = o[i] end; for i = 1, m do t[#t + 1] = o[i] end; return t end,
      -- every other candidate, then the rest
      function(o) local t = {}; for i = 1, #o, 2 do t[#t + 1] = o[i] end; for i = 2, #o, 2 do t[#t + 1] = o[i] end; return t end,
    }
    for k, order_of in ipairs(orders) do
      local path, size = regrouped(order_of)
      assert.is_true(size > (1 << 20), "the threads' threshold")
      for _, t in ipairs { "1", "2", "3" } do
        local out = h.scratch() .. "/o"
        _, err, code = run_files(t, { formations = base.formations, candidates = base.candidates, wishes = path }, out)
        assert.are.equal(0, code, err)
        for _, n in ipairs { "assignments.csv", "formations.csv", "groups.csv", "summary.json" } do
          assert.are.equal(h.slurp(ref .. "/" .. n), h.slurp(out .. "/" .. n), k .. ": " .. n .. " on " .. t .. " threads")
        end
      end
    end
  end)

  it("an unknown candidate near the middle of a large vœux file: the same located message on 1, 2 and 3 threads", function()
    local c = the_cohort()
    local lines = {}
    for line in h.slurp(c .. "/wishes.csv"):gmatch("[^\n]+") do lines[#lines + 1] = line end
    local mid = #lines // 2
    lines[mid] = lines[mid]:gsub("^[^,]+", "NOBODY")
    local path = h.write(h.scratch() .. "/w.csv", table.concat(lines, "\n") .. "\n")
    local msgs = {}
    for _, t in ipairs { "1", "2", "3" } do
      local _, err, code = run_files(t, { formations = c .. "/formations.csv", candidates = c .. "/candidates.csv",
                                          wishes = path }, h.scratch() .. "/o")
      assert.are.equal(2, code, err)
      msgs[#msgs + 1] = err
    end
    assert.are.equal(msgs[1], msgs[2])
    assert.are.equal(msgs[1], msgs[3])
    assert.matches(":" .. mid .. ":1: unknown candidate 'NOBODY' (not in the candidates file)", msgs[1], 1, true)
  end)
end)

describe("alloc2: the lines of the vœux follow from their place unless a blank line is met", function()
  teardown(h.remove_scratch)

  local function without(text, s)
    local a, b = text:find(s, 1, true)
    while a do
      text = text:sub(1, a - 1) .. text:sub(b + 1)
      a, b = text:find(s, 1, true)
    end
    return text
  end

  local F = "formation_id,capacity\nF1,2\nF2,2\nF3,2\n"
  local C = "id,bac,boursier,resident\nA,general,0,0\nB,general,0,0\nC,general,0,0\n"
  local ROWS = { "A,F1,1,1", "A,F2,2,1", "B,F1,1,2", "B,F3,2,1", "C,F2,1,2", "C,F3,2,2" }
  local FAULTS = {
    { "a preference twice", function(r) r[6] = "C,F3,1,2" end, "two vœux of preference 1" },
    { "a formation twice", function(r) r[6] = "C,F2,2,3" end, "wishes formation 'F2' twice" },
    { "a rank twice", function(r) r[6] = "C,F3,2,1" end, "rank 1 appears twice in formation 'F3'" },
  }
  -- where blank lines go: none, inside, CRLF ones, before the first vœu, at the end
  local LAYOUTS = {
    { "no blank line", function(rows) return table.concat(rows, "\n") .. "\n" end },
    { "blank lines inside", function(rows)
        return table.concat(rows, "\n", 1, 2) .. "\n\n\n" .. table.concat(rows, "\n", 3, 6) .. "\n" end },
    { "CRLF and a blank CRLF line", function(rows)
        return table.concat(rows, "\r\n", 1, 3) .. "\r\n\r\n" .. table.concat(rows, "\r\n", 4, 6) .. "\r\n" end },
    { "a blank line first", function(rows) return "\n" .. table.concat(rows, "\n") .. "\n" end },
    { "blank lines at the end", function(rows) return table.concat(rows, "\n") .. "\n\n\n" end },
  }
  for _, fault in ipairs(FAULTS) do
    for _, layout in ipairs(LAYOUTS) do
      it(fault[1] .. ", " .. layout[1] .. ": the line csvread names", function()
        local d = h.scratch()
        local rows = {}
        for i, r in ipairs(ROWS) do rows[i] = r end
        fault[2](rows)
        local body = layout[2](rows)
        local f, c = h.write(d .. "/f.csv", F), h.write(d .. "/c.csv", C)
        local w = h.write(d .. "/w.csv", "candidate_id,formation_id,preference,rank\n" .. body)
        local q = h.write(d .. "/q.csv", '"candidate_id",formation_id,preference,rank\n' .. body)
        local _, ref, rcode = run_env("ADMIT_THREADS=1", { "allocate", "--quiet", "--formations", f, "--candidates", c,
                                                           "--wishes", q, "--out", d .. "/r" })
        assert.are.equal(2, rcode, ref)
        assert.matches(fault[3], ref, 1, true)
        for _, t in ipairs { "1", "2" } do
          local _, err, code = run_env("ADMIT_THREADS=" .. t, { "allocate", "--quiet", "--formations", f,
                                       "--candidates", c, "--wishes", w, "--out", d .. "/o" })
          assert.are.equal(2, code, err)
          assert.are.equal(without(ref, q), without(err, w))
        end
      end)
    end
  end

  it("without a fault, blank lines change nothing in the allocation", function()
    local d = h.scratch()
    local f, c = h.write(d .. "/f.csv", F), h.write(d .. "/c.csv", C)
    local outs = {}
    for i, layout in ipairs(LAYOUTS) do
      local w = h.write(d .. "/w" .. i .. ".csv", "candidate_id,formation_id,preference,rank\n" .. layout[2](ROWS))
      local _, err, code = run_env("", { "allocate", "--quiet", "--formations", f, "--candidates", c,
                                         "--wishes", w, "--out", d .. "/o" .. i })
      assert.are.equal(0, code, err)
      outs[i] = h.slurp(d .. "/o" .. i .. "/assignments.csv")
      assert.are.equal(outs[1], outs[i], layout[1])
    end
  end)
end)

describe("alloc2: ranks kept in formation order beside the vœux", function()
  teardown(function()
    h.remove_scratch()
    cohort = nil
  end)

  -- p:set_ranking changes a formation's classement after loading: the allocation must be the
  -- one of a vœux file that held those ranks from the start
  it("p:set_ranking then p:run gives what a vœux file with the new ranks gives, in both modes", function()
    local c = the_cohort()
    local f, cand, w = c .. "/formations.csv", c .. "/candidates.csv", c .. "/wishes.csv"
    local prob = admit.check(admit.sim_load(f, cand, w))
    -- reverse the classement of the formations with the most applicants
    local changed = {}
    for i = 1, #prob do
      local apps = prob:applicants(i)
      if #apps >= 50 and #changed < 5 then
        local ids = {}
        for k = #apps, 1, -1 do ids[#ids + 1] = apps[k].candidate_id end
        prob:set_ranking(i, ids)
        local newrank = {}
        for k, id in ipairs(ids) do newrank[id] = k end
        changed[prob:formation(i).formation_id] = newrank
        changed[#changed + 1] = i
      end
    end
    assert.are.equal(5, #changed)
    -- the same ranks written into a vœux file
    local out = {}
    for line in h.slurp(w):gmatch("[^\n]+") do
      local cid, fid, pref = line:match("^([^,]+),([^,]+),([^,]+),")
      local nr = changed[fid]
      if nr and nr[cid] then line = table.concat({ cid, fid, pref, nr[cid] }, ",") end
      out[#out + 1] = line
    end
    local w2 = h.write(h.scratch() .. "/w2.csv", table.concat(out, "\n") .. "\n")
    local fresh = admit.check(admit.sim_load(f, cand, w2))
    for _, mode in ipairs { "student", "school" } do
      local a, b = prob:run(mode), fresh:run(mode)
      assert.are.same(b:assignments(), a:assignments(), mode)
      assert.are.same(b:formations(), a:formations(), mode)
      local wa, wb = a:wishes(), b:wishes()
      for k = 1, #wb, 97 do assert.are.same(wb[k], wa[k], mode .. " vœu " .. k) end
    end
  end)
end)
