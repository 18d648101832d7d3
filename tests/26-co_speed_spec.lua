-- admit callorder and admit.candidates at speed, second pass (issue 13): the output
-- formatted by blocks on the threads and written in order gives the same bytes whatever
-- ADMIT_THREADS and wherever the blocks end; a failed write stops every thread and says so;
-- --explain and explain = true keep the fast path and say exactly what csvread says
-- (ADMIT_FAST_PATH=0 forces csvread, the reference); rowsplit's own row count sizes the
-- reading (header alone, one row, no final newline); a file read by slices on the threads
-- (64 MiB and more) is the same file.
local h = require "helpers"

local THREADS = { "1", "2", "3", "8" }
local CSVREAD = " ADMIT_FAST_PATH=0"   -- appended to a thread count
local BLOCK = 65536                    -- lines per output block (callorder_cli.c)

local run_env = h.run_threads

-- A ranking of n rows: ids C0000001.., ranks a permutation, flags varied; extra: a text
-- appended to each row (wide files), header ",note" then.
local function ranking(n, extra)
  local lines = { "id,rank,boursier,resident" .. (extra and ",note" or "") }
  for i = 0, n - 1 do
    lines[#lines + 1] = string.format("C%07d,%d,%d,%d%s", i + 1, (i * 7919) % n + 1,
      (i * 13) % 4 == 0 and 1 or 0, (i * 7) % 5 < 2 and 1 or 0, extra and "," .. extra or "")
  end
  return table.concat(lines, "\n") .. "\n"
end

local callorder = h.callorder_threads

-- The output of run(threads) on every thread count, asserted the same each time, and the
-- same as csvread's (stdout and stderr both).
local function same_everywhere(run, threads)
  local first, first_err
  for _, t in ipairs(threads or THREADS) do
    local out, err, code = run(t)
    assert.are.equal(0, code, err)
    if first then
      assert.are.equal(first, out, t)
      assert.are.equal(first_err, err, t)
    else
      first, first_err = out, err
    end
  end
  local out, err, code = run("2" .. CSVREAD)
  assert.are.equal(0, code, err)
  assert.are.equal(first, out, "csvread")
  assert.are.equal(first_err, err, "csvread")
  return first, first_err
end

describe("callorder output by blocks on the threads", function()
  teardown(h.remove_scratch)

  -- around one block, four blocks (the threshold of the threads) and past them
  for _, n in ipairs { 1, BLOCK, BLOCK + 1, 4 * BLOCK - 1, 4 * BLOCK + 1 } do
    it(n .. " rows: the same bytes on 1, 2, 3 and 8 threads and through csvread", function()
      local file = h.write(h.scratch() .. "/r" .. n .. ".csv", ranking(n))
      local out = same_everywhere(function(t) return callorder(t, file) end)
      local lines = {}
      for line in out:gmatch("[^\n]*\n") do lines[#lines + 1] = line end
      assert.are.equal(n + 1, #lines)
      assert.are.equal("id,call_rank\n", lines[1])
      -- call ranks 1..n in order, every id once
      local seen = {}
      for k = 2, #lines do
        local id, rank = lines[k]:match("^(C%d+),(%d+)\n$")
        assert.are.equal(k - 1, tonumber(rank))
        assert.is_nil(seen[id])
        seen[id] = true
      end
    end)
  end

  it("--keep-columns past four blocks: the same bytes on every thread count", function()
    local text = ranking(4 * BLOCK + 7, "a note, with \"quotes\""):gsub(',a note, with "quotes"',
      ',"a note, with ""quotes"""')
    local file = h.write(h.scratch() .. "/k.csv", text)
    local out = same_everywhere(function(t) return callorder(t, file, { "--keep-columns" }) end)
    assert.matches('^id,call_rank,rank,boursier,resident,note\n[^\n]*,"a note, with ""quotes"""\n', out)
  end)

  it("ids that need quotes and long ids, in blocks", function()
    local rows = { "id;rank;boursier;resident" }
    for i = 1, 4 * BLOCK + 3 do
      local id = i % 3 == 0 and ("N, " .. i) or i % 3 == 1 and (string.rep("x", 40) .. i) or ("A" .. i)
      rows[#rows + 1] = string.format("%s;%d;%d;%d", id, i, i % 2, i % 3 == 0 and 1 or 0)
    end
    local file = h.write(h.scratch() .. "/q.csv", table.concat(rows, "\n") .. "\n")
    local out = same_everywhere(function(t) return callorder(t, file) end)
    assert.matches('\n"N, 3",%d+\n', out)
    assert.matches("\n" .. string.rep("x", 40) .. "1,%d+\n", out)
  end)

  it("a write that fails (a full disk) stops every thread: exit status non-zero, the reason said", function()
    local dir = h.scratch()
    local file = h.write(dir .. "/w.csv", ranking(5 * BLOCK))
    for _, t in ipairs(THREADS) do
      local ok, how, code = os.execute("ADMIT_THREADS=" .. t .. " '" .. h.exe() .. "' callorder '" .. file ..
        "' > /dev/full 2> '" .. dir .. "/err'")
      assert.is_not_true(ok)
      assert.are.equal("exit", how)
      assert.are.equal(2, code)
      local err = h.slurp(dir .. "/err")
      assert.matches("cannot write the result to the output: No space left on device", err, 1, true)
    end
  end)
end)

-- Forms of a file both readers take: --explain must say the same on the fast path as
-- through csvread (and the rows be the same).
local FORMS = {
  { "LF", function(t) return t end },
  { "CRLF", function(t) return (t:gsub("\n", "\r\n")) end },
  { "BOM", function(t) return "\xEF\xBB\xBF" .. t end },
  { "no final newline", function(t) return (t:gsub("\n$", "")) end },
  { "blank lines", function(t) return (t:gsub("\n(C00001)", "\n\n%1")) end },
  { "semicolons", function(t) return (t:gsub(",", ";")) end },
  { "spaces around fields and in the header", function(t)
      return (t:gsub(",(%d),", ", %1 ,"):gsub("^id,rank", "id , rank ")) end },
  { "French names in the header", function(t)
      return (t:gsub("^id,rank,boursier,resident", "N° dossier,Classement,Boursier,Résident")) end },
  { "Excel's empty rows (csvread reads it, both ways)", function(t) return (t:gsub("\n(C00002)", "\n,,,,\n%1")) end },
}

describe("--explain and explain = true keep the fast path and say what csvread says", function()
  teardown(h.remove_scratch)
  local text = ranking(3000, "x")

  for _, form in ipairs(FORMS) do
    for _, flag in ipairs { "--explain", "-v" } do
      it("admit callorder " .. flag .. ": " .. form[1], function()
        local dir = h.scratch()
        local file = h.write(dir .. "/r.csv", form[2](text))
        local _, err = same_everywhere(function(t)
          return h.run({ "callorder", flag, "--min-boursiers", "20", "r.csv" }, nil,
            { env = "ADMIT_THREADS=" .. t, cwd = dir })
        end)
        assert.matches("r.csv", err, 1, true)
        assert.matches(flag == "-v" and "3000 rows" or "rows       3000 read", err, 1, true)
        assert.truthy(file)
      end)
    end

    it("admit.candidates { explain = true }: " .. form[1], function()
      local dir = h.scratch()
      local cands = form[2]((text:gsub("^([^\n]*)", "%1,bac"):gsub("(\n)(C%d+[^\n]*)", "%1%2,pro")))
      h.write(dir .. "/c.csv", cands)
      h.write(dir .. "/dump.lua", [[
local c = assert(admit.candidates("c.csv", { explain = true }))
local out = {}
for i = 1, #c do out[#out + 1] = c[i].id .. ":" .. tostring(c[i].boursier) .. ":" .. tostring(c[i].rank) end
io.write(table.concat(out, "\n"), "\n")
]])
      local _, err = same_everywhere(function(t)
        return h.run({ "dump.lua" }, nil, { env = "ADMIT_THREADS=" .. t, cwd = dir })
      end)
      assert.matches("c.csv (candidates file)", err, 1, true)
      assert.matches("rows       3000 read", err, 1, true)
    end)
  end

  it("from Lua, explain = function gets the same text on the fast path and through csvread", function()
    local dir = h.scratch()
    h.write(dir .. "/c.csv", "id,bac,boursier,resident,note\nA,pro,1,0,3\nB,general,0,1,x\n")
    h.write(dir .. "/e.lua", [[
local got
assert(admit.candidates("c.csv", { explain = function(t) got = t end }))
io.write(got)
]])
    local fast, err, code = h.run({ "e.lua" }, nil, { cwd = dir })
    assert.are.equal(0, code, err)
    local ref, err2, code2 = h.run({ "e.lua" }, nil, { cwd = dir, env = "ADMIT_FAST_PATH=0" })
    assert.are.equal(0, code2, err2)
    assert.are.equal(ref, fast)
    assert.matches("rows       2 read", fast, 1, true)
  end)
end)

describe("rowsplit's own count sizes the reading", function()
  teardown(h.remove_scratch)

  -- what admit.candidates read (or its error), as one text
  local DUMP = [[
local c, err = admit.candidates("c.csv")
if not c then io.write("error: ", err, "\n") return end
local out = { #c .. " rows" }
for i = 1, #c do out[#out + 1] = c[i].id .. ":" .. c[i].bac .. ":" .. tostring(c[i].rank) end
io.write(table.concat(out, "\n"), "\n")
]]
  local CASES = {
    { "a header alone", "id,rank,boursier,resident\n" },
    { "a header alone, no newline", "id,rank,boursier,resident" },
    { "one row", "id,rank,boursier,resident\nA,1,0,1\n" },
    { "one row, no final newline", "id,rank,boursier,resident\nA,1,0,1" },
    { "one row then blank lines", "id,rank,boursier,resident\nA,1,0,1\n\n\n" },
    { "two rows, CRLF, no final newline", "id,rank,boursier,resident\r\nA,2,0,1\r\nB,1,1,0" },
    { "a duplicate id", "id,rank,boursier,resident\nA,2,0,1\nB,1,1,0\nA,3,0,0\n" },
    { "a bad rank on the last line", "id,rank,boursier,resident\nA,2,0,1\nB,x,1,0" },
  }
  for _, case in ipairs(CASES) do
    it("admit callorder and admit.candidates, fast path and csvread alike: " .. case[1], function()
      local dir = h.scratch()
      h.write(dir .. "/r.csv", case[2])
      h.write(dir .. "/c.csv", (case[2]:gsub("^id,rank", "id,bac,rank"):gsub("(\n)([AB]),", "%1%2,pro,")))
      h.write(dir .. "/dump.lua", DUMP)
      for _, args in ipairs { { "callorder", "r.csv" }, { "dump.lua" } } do
        local results = {}
        for _, t in ipairs { "1", "2", "1" .. CSVREAD } do
          local out, err, code = h.run(args, nil, { env = "ADMIT_THREADS=" .. t, cwd = dir })
          results[#results + 1] = { out, err, code }
        end
        assert.are.same(results[1], results[2])
        assert.are.same(results[1], results[3])
      end
    end)
  end
end)

describe("a file of 64 MiB and more, read by slices on the threads", function()
  teardown(h.remove_scratch)

  it("is the same file: the same call order on 1 and 2 threads and through csvread; --max-input still bounds it", function()
    local n = 200000
    local file = h.write(h.scratch() .. "/wide.csv", ranking(n, string.rep("w", 330)))
    local f = assert(io.open(file, "rb"))
    local size = f:seek("end")
    f:close()
    assert.is_true(size >= 64 * 1024 * 1024, size)
    local out = same_everywhere(function(t) return callorder(t, file) end, { "1", "2" })
    assert.are.equal(n + 1, select(2, out:gsub("\n", "")))
    local _, err, code = run_env("2", { "--max-input", "64M", "callorder", file })
    assert.are.equal(2, code)
    assert.matches("larger than 64 MiB", err, 1, true)
  end)
end)
