-- Loaders at speed (issue 13): admit generate, admit callorder and admit.candidates give the
-- same bytes whatever ADMIT_THREADS says, the fast readers agree with csvread (the
-- reference, forced by ADMIT_FAST_PATH=0) on every form of file (CRLF, BOM, quoted newlines, no
-- final newline), errors are located on the same line far into a large file, and the ids
-- checked in bulk find every duplicate (short and long ids, numeric-looking ids) and no
-- false one.
local h = require "helpers"
local admit = require "admit"

local THREADS = { "1", "2", "3", "8" }
local BIG = 250000   -- rows: past the thresholds of the threaded id check (200,000)

-- appended to a thread count: csvread reads every file (the reference of the fast readers)
local CSVREAD = " ADMIT_FAST_PATH=0"

local run_env = h.run_threads

-- A ranking of n rows: ids C0000001.., ranks a permutation, flags and bacs varied.
local function ranking(n, id_of)
  local lines = { "id,rank,boursier,resident,bac" }
  local bacs = { "general", "techno", "pro" }
  for i = 0, n - 1 do
    lines[#lines + 1] = string.format("%s,%d,%d,%d,%s", id_of and id_of(i) or string.format("C%07d", i + 1),
      (i * 7919) % n + 1, (i * 13) % 4 == 0 and 1 or 0, (i * 7) % 5 < 2 and 1 or 0, bacs[i % 3 + 1])
  end
  return table.concat(lines, "\n") .. "\n"
end

local callorder = h.callorder_threads

-- What admit.candidates read, as one text (every row, every column), in another process
-- so that ADMIT_THREADS applies; opts is Lua source for the options table.
local DUMP = [[
local c, err = admit.candidates(arg[1], %s)
if not c then io.stderr:write(err, "\n") os.exit(2) end
local cols = c:columns()
local out = { table.concat(cols, ",") }
for i = 1, #c do
  local row, cells = c[i], {}
  for k, name in ipairs(cols) do cells[k] = tostring(row[name]) .. ":" .. tostring(math.type(row[name])) end
  out[#out + 1] = table.concat(cells, ",")
end
io.write(table.concat(out, "\n"), "\n")
]]
local function candidates(threads, file, opts)
  local script = h.scratch() .. "/dump.lua"
  h.write(script, string.format(DUMP, opts or "nil"))
  return run_env(threads, { script, file })
end

-- The output of run(threads, file) on every thread count of THREADS, asserted the same each time.
local function same_on_threads(run, file)
  local first
  for _, t in ipairs(THREADS) do
    local out, err, code = run(t, file)
    assert.are.equal(0, code, err)
    if first then assert.are.equal(first, out, t) else first = out end
  end
  return first
end

describe("loaders: the same bytes whatever ADMIT_THREADS", function()
  teardown(h.remove_scratch)

  it("admit generate, synthetic, annex and open-dataset formations, 25,000 candidates (drawn on the threads)", function()
    local base = h.scratch()
    for _, extra in ipairs { { "--formations", "350" }, { "--annexes", "tests/fixtures/sim/annexes" },
                             { "--formations", "tests/fixtures/opendata/formations.csv" } } do
      local first
      for _, t in ipairs(THREADS) do
        local dir = base .. "/g" .. t .. #extra[2]
        local args = { "generate", "--out", dir, "--seed", "21", "--candidates", "25000" }
        for _, a in ipairs(extra) do args[#args + 1] = a end
        local _, err, code = run_env(t, args)
        assert.are.equal(0, code, err)
        local got = {}
        for _, f in ipairs { "formations.csv", "candidates.csv", "wishes.csv" } do got[f] = h.slurp(dir .. "/" .. f) end
        assert.is_true(#got["wishes.csv"] > 100000, extra[2])
        if first then assert.are.same(first, got, extra[2] .. " on " .. t .. " threads") else first = got end
      end
    end
  end)

  it("admit generate: another seed, another cohort; the same seed, the same one", function()
    local base = h.scratch()
    local function gen(dir, seed)
      local _, err, code = run_env("2", { "generate", "--out", base .. dir, "--seed", seed, "--candidates", "25000",
                                          "--formations", "350" })
      assert.are.equal(0, code, err)
      return h.slurp(base .. dir .. "/wishes.csv")
    end
    local a, b, c = gen("/a", "5"), gen("/b", "5"), gen("/c", "6")
    assert.are.equal(a, b)
    assert.are_not.equal(a, c)
  end)

  it("admit callorder of 250,000 rows: the same output on 1, 2, 3 and 8 threads, and as csvread reads it", function()
    local file = h.write(h.scratch() .. "/big.csv", ranking(BIG))
    local first = same_on_threads(callorder, file)
    local lines = select(2, first:gsub("\n", ""))
    assert.are.equal(BIG + 1, lines)
    local out, err, code = callorder("2" .. CSVREAD, file)   -- csvread, the reference
    assert.are.equal(0, code, err)
    assert.are.equal(first, out)
  end)

  it("admit.candidates of 250,000 rows: the same rows on 1, 2, 3 and 8 threads, and as csvread reads them", function()
    local file = h.write(h.scratch() .. "/big.csv", ranking(BIG))
    local first = same_on_threads(candidates, file)
    assert.matches("^id,rank,boursier,resident,bac\nC0000001:nil,1:integer,true:nil,true:nil,general:nil\n", first)
    local out, err, code = candidates("1" .. CSVREAD, file)
    assert.are.equal(0, code, err)
    assert.are.equal(first, out)
  end)
end)

-- Every form of the same ranking: the fast path and csvread must read the same rows.
-- (name, transform, same ids as the plain file)
local FORMS = {
  { "LF", function(t) return t end, true },
  { "CRLF", function(t) return (t:gsub("\n", "\r\n")) end, true },
  { "BOM", function(t) return "\xEF\xBB\xBF" .. t end, true },
  { "no final newline", function(t) return (t:gsub("\n$", "")) end, true },
  { "blank lines", function(t) return (t:gsub("\n(C00001)", "\n\n%1")) end, true },
  { "a quoted id with a newline (csvread only)", function(t)
      return (t:gsub("\nC0000042,", '\n"C00000\n42",')) end, false },
  { "a quoted id with a comma (csvread only)", function(t)
      return (t:gsub("\nC0000042,", '\n"C00000,42",')) end, false },
  { "semicolons", function(t) return (t:gsub(",", ";")) end, true },
  { "spaces around fields", function(t) return (t:gsub(",(%d),", ", %1 ,")) end, true },
}

describe("loaders: every form of a file read alike by the fast path and by csvread", function()
  teardown(h.remove_scratch)
  local text = ranking(5000)

  for _, form in ipairs(FORMS) do
    it("admit callorder: " .. form[1], function()
      local file = h.write(h.scratch() .. "/r.csv", form[2](text))
      local plain, err, code = callorder("1", h.write(h.scratch() .. "/plain.csv", text))
      assert.are.equal(0, code, err)
      for _, t in ipairs { "1", "2" } do
        local out, err2, code2 = callorder(t, file)
        assert.are.equal(0, code2, err2)
        local ref = callorder(t .. CSVREAD, file)
        assert.are.equal(ref, out)
        if form[3] then assert.are.equal(plain, out) end
      end
    end)

    it("admit.candidates: " .. form[1], function()
      local file = h.write(h.scratch() .. "/r.csv", form[2](text))
      for _, t in ipairs { "1", "2" } do
        local out, err, code = candidates(t, file)
        assert.are.equal(0, code, err)
        local ref = candidates(t .. CSVREAD, file)
        assert.are.equal(ref, out)
        if form[3] then assert.are.equal(candidates("1", h.write(h.scratch() .. "/plain.csv", text)), out) end
      end
    end)
  end
end)

describe("loaders: errors located as csvread locates them, far into a large file", function()
  teardown(h.remove_scratch)

  -- line numbers are the file's: header on line 1, row i (0-based) on line i + 2
  local CASES = {
    { "a duplicate id far from its first", function(i) return i == 230000 and "C0000007" or nil end,
      "big.csv:230002:1: duplicate id 'C0000007' %(already on line 8%)" },
    { "two duplicates: the first in the file is named", function(i)
        return i == 240000 and "C0000100" or i == 200000 and "C0199000" or nil end,
      "big.csv:200002:1: duplicate id 'C0199000' %(already on line 199001%)" },
    { "a duplicate among long ids (past 15 bytes)", function(i)
        return string.format("candidat-national-%09d", i == 180000 and 77 or i) end,
      "big.csv:180002:1: duplicate id 'candidat%-national%-000000077' %(already on line 79%)" },
    { "an id of exactly 15 bytes repeated", function(i)
        return string.format("X%014d", i == 150001 and 150000 or i) end,
      "big.csv:150003:1: duplicate id 'X00000000150000' %(already on line 150002%)" },
  }
  for _, case in ipairs(CASES) do
    it("admit callorder and admit.candidates: " .. case[1], function()
      local file = h.write(h.scratch() .. "/big.csv", ranking(BIG, function(i)
        return case[2](i) or string.format("C%07d", i + 1) end))
      for _, t in ipairs { "1", "2" } do
        local out, err, code = callorder(t, file)
        assert.are.equal(2, code, err)
        assert.are.equal("", out)
        assert.matches(case[3], err)
        local _, cerr, ccode = candidates(t, file)
        assert.are_not.equal(0, ccode)
        assert.matches(case[3], cerr)
      end
    end)
  end

  it("a bad rank on line 200,002 is named there, nothing written", function()
    local text = ranking(BIG):gsub("\nC0200001,%d+,", "\nC0200001,zero,")
    local file = h.write(h.scratch() .. "/big.csv", text)
    for _, t in ipairs { "1", "2" } do
      local out, err, code = callorder(t, file)
      assert.are.equal(2, code, err)
      assert.are.equal("", out)
      assert.matches("big.csv:200002:10: rank must be a whole number", err)   -- line and character
    end
  end)

  for _, blank in ipairs { false, true } do
    it("a tie of ranks on line 200,002 names both lines" .. (blank and " (blank lines before it)" or ""), function()
      -- row 200000 takes the rank of row 5 (line 7); a blank line shifts both by one
      local text = ranking(BIG):gsub("\nC0200001,%d+,", "\nC0200001," .. (5 * 7919) % BIG + 1 .. ",")
      if blank then text = text:gsub("\nC0000002,", "\n\nC0000002,") end
      local file = h.write(h.scratch() .. "/big.csv", text)
      local shift = blank and 1 or 0
      for _, t in ipairs { "1", "2" } do
        local out, err, code = callorder(t, file)
        assert.are.equal(2, code, err)
        assert.are.equal("", out)
        assert.matches(string.format("big.csv:%d: duplicate rank %d %%(already on line %d%%)", 200002 + shift,
          (5 * 7919) % BIG + 1, 7 + shift), err)
      end
    end)
  end

  for _, where in ipairs { "header", "row" } do
    it("a field over 64 KiB in the " .. where .. " is refused as csvread refuses it", function()
      local long = string.rep("x", 70000)
      local text = where == "header" and "id,rank,boursier,resident,bac," .. long .. "\na,1,0,0,pro,z\n"
        or "id,rank,boursier,resident,bac,note\na,1,0,0,pro," .. long .. "\n"
      local file = h.write(h.scratch() .. "/long.csv", text)
      local line = where == "header" and 1 or 2
      local out, err, code = callorder("1", file)
      assert.are.equal(2, code, err)
      assert.are.equal("", out)
      assert.matches("long.csv:" .. line .. ":%d+: field longer than 65536 bytes", err)
      local _, cerr = candidates("1", file)
      assert.matches("long.csv:" .. line .. ":%d+: field longer than 65536 bytes", cerr)
    end)
  end

  it("a duplicate before a bad field: the duplicate, which comes first, is named", function()
    local text = ranking(BIG):gsub("\nC0100001,", "\nC0000003,"):gsub("\nC0200001,(%d+),%d,", "\nC0200001,%1,maybe,")
    local file = h.write(h.scratch() .. "/big.csv", text)
    local _, err, code = callorder("2", file)
    assert.are.equal(2, code, err)
    assert.matches("big.csv:100002:1: duplicate id 'C0000003' %(already on line 4%)", err)
  end)
end)

describe("loaders: ids", function()
  teardown(h.remove_scratch)

  -- ids that look alike but are distinct texts, and ones that are the same id
  local DISTINCT = {
    { "numbers with leading zeros", { "7", "07", "007", "0007" } },
    { "case", { "c1", "C1" } },
    { "15 and 16 bytes sharing a prefix", { "ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOQ" } },
    { "accents", { "Élodie-1", "Elodie-1" } },
    { "large numbers", { "18446744073709551615", "18446744073709551616", "1" } },
  }
  for _, case in ipairs(DISTINCT) do
    it("distinct: " .. case[1], function()
      local lines = { "id,rank,boursier,resident,bac" }
      for i, id in ipairs(case[2]) do lines[#lines + 1] = string.format("%s,%d,0,1,pro", id, i) end
      local file = h.write(h.scratch() .. "/ids.csv", table.concat(lines, "\n") .. "\n")
      local out, err, code = callorder("1", file)
      assert.are.equal(0, code, err)
      for i, id in ipairs(case[2]) do
        assert.is_truthy(out:find("\n" .. id .. "," .. i .. "\n", 1, true), id)
      end
      local c = admit.check(admit.candidates(file))
      assert.are.equal(#case[2], #c)
      for i, id in ipairs(case[2]) do assert.are.equal(i, c:find(id).rank) end
      assert.is_nil(c:find("nobody"))
    end)
  end

  local SAME = {
    { "spaces around an id", "C1", " C1 ", 3 },
    { "a tab before an id", "C1", "\tC1", 3 },
    { "a long id twice", string.rep("x", 40), string.rep("x", 40), 3 },
  }
  for _, case in ipairs(SAME) do
    it("duplicate: " .. case[1], function()
      local text = "id,rank,boursier,resident,bac\n" .. case[2] .. ",1,0,0,pro\nC2,2,0,0,pro\n" .. case[3] .. ",3,0,0,pro\n"
      local file = h.write(h.scratch() .. "/ids.csv", text)
      local _, err, code = callorder("2", file)
      assert.are.equal(2, code, err)
      assert.matches("ids.csv:4:%d+: duplicate id '" .. case[2]:sub(1, 10):gsub("%p", "%%%0"), err)
      assert.matches("already on line 2", err, 1, true)
    end)
  end
end)

describe("admit.candidates: extra columns", function()
  teardown(h.remove_scratch)

  it("numbers (whole, decimal, decimal comma, signed) become numbers; a text among them keeps every text", function()
    -- semicolons: "12,5" is a plain field, the fast path reads the file
    local file = h.write(h.scratch() .. "/c.csv", "id;bac;boursier;resident;rank;note;mixed;word\n" ..
      "a;pro;0;0;3;12.5;10;x\n" .. "b;pro;0;0;1;12,5;11;\n" .. "c;pro;0;0;2;-3;abs;y\n" ..
      "d;pro;0;0;;+4;9;z\n")
    for _, opts in ipairs { {}, { explain = true } } do
      local c = admit.check(admit.candidates(file, opts))
      assert.are.equal(3, c[1].rank)
      assert.are.equal("integer", math.type(c[1].rank))
      assert.is_nil(c[4].rank)
      assert.are.same({ 12.5, 12.5, -3, 4 }, { c[1].note, c[2].note, c[3].note, c[4].note })
      assert.are.same({ "10", "11", "abs", "9" }, { c[1].mixed, c[2].mixed, c[3].mixed, c[4].mixed })
      assert.are.same({ "x", "y", "z" }, { c[1].word, c[3].word, c[4].word })
      assert.is_nil(c[2].word)
      local r = c:rank { by = "rank" }
      assert.are.same({ "b", "c", "a", "d" }, r:ids())
    end
  end)

  it("a text after 200,000 numbers in a column: the column is text, every cell as written", function()
    local lines = { "id,bac,boursier,resident,score" }
    for i = 1, 200000 do lines[#lines + 1] = string.format("C%d,pro,0,0,%d", i, i * 3) end
    lines[#lines + 1] = "Z,pro,0,0,absent"
    local file = h.write(h.scratch() .. "/c.csv", table.concat(lines, "\n") .. "\n")
    local c = admit.check(admit.candidates(file))
    assert.are.equal(200001, #c)
    assert.are.equal("3", c[1].score)
    assert.are.equal("600000", c[200000].score)
    assert.are.equal("absent", c[200001].score)
    assert.are.equal("600000", c:find("C200000").score)
  end)
end)
