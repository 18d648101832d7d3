-- The allocate path, third pass (issue 13): results.xlsx deflated at zlib's fastest level
-- (src/xlsx_zip.c), and what else this pass changed. Each change keeps the bytes a person
-- reads: the XML inside the workbook is the same at every level, every other output is the
-- same whatever ADMIT_THREADS says.
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
                                                    "--candidates", "3000", "--formations", "60" })
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
