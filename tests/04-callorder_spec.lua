-- The ordre d'appel (docs/ordre-appel.md): the worked examples E1–E10, the
-- guarantees P1–P5 on thousands of random groups, the edge cases of §5, and the exact
-- contract of `admit callorder`.
local h = require "helpers"

local FIX = "tests/fixtures/callorder/"

-- A ranking written as in the doc: "C1 B2 R3 D4 N5" — the letter is the category
-- (C or N: neither, B: boursier, R: résident, D: both), the token is the id, and the
-- position in the string is the rank.
local function group(text)
  local list = {}
  for tok in text:gmatch("%S+") do
    local cat = tok:sub(1, 1)
    list[#list + 1] = { id = tok, rank = #list + 1,
                        boursier = cat == "B" or cat == "D",
                        resident = cat == "R" or cat == "D" }
  end
  return list
end

local function seq(prefix, a, b)
  local t = {}
  for i = a, b do t[#t + 1] = prefix .. i end
  return table.concat(t, " ")
end

local function order(list, qb, qr, ties)
  local r = assert(admit.call_order(list, { boursier = qb, resident = qr, allow_ties = ties }))
  return table.concat(r:ids(), " ")
end

-- The rule of §3, written naively (O(n²)) as an independent oracle: among the unplaced
-- candidates allowed by the binding rates, the smallest (rank, category, input order).
local CAT = { BR = 1, B = 2, R = 3, N = 4 }
local function cat_of(c)
  return c.boursier and (c.resident and 1 or 2) or (c.resident and 3 or 4)
end
local function reference(list, qb, qr)
  local placed, out = {}, {}
  local b_left, r_left, b, r = 0, 0, 0, 0
  for _, c in ipairs(list) do
    if c.boursier then b_left = b_left + 1 end
    if c.resident then r_left = r_left + 1 end
  end
  for k = 1, #list do
    local need_b = b_left > 0 and 100 * b < qb * k
    local need_r = r_left > 0 and 100 * r < qr * k
    local best
    local function better(i, j)
      local x, y = list[i], list[j]
      if x.rank ~= y.rank then return x.rank < y.rank end
      if cat_of(x) ~= cat_of(y) then return cat_of(x) < cat_of(y) end
      return i < j
    end
    for i, c in ipairs(list) do
      if not placed[i] and (not need_b or c.boursier) and (not need_r or c.resident)
         and (best == nil or better(i, best)) then
        best = i
      end
    end
    if best == nil then   -- both bind, no boursier résident left: best boursier
      for i, c in ipairs(list) do
        if not placed[i] and c.boursier and (best == nil or better(i, best)) then best = i end
      end
    end
    placed[best] = true
    local c = list[best]
    out[k] = c.id
    if c.boursier then b, b_left = b + 1, b_left - 1 end
    if c.resident then r, r_left = r + 1, r_left - 1 end
  end
  return table.concat(out, " ")
end

describe("ordre d'appel: worked examples of docs/ordre-appel.md §4", function()
  it("E1 (2023 doc §4.1): qB = 25", function()
    local ranking = "C1 C2 B1 C3 C4 C5 B2 C6 C7 C8 C9 C10 C11 C12 C13 C14 B3 C15 C16 C17"
    assert.are.equal("B1 C1 C2 C3 B2 C4 C5 C6 B3 " .. seq("C", 7, 17), order(group(ranking), 25, 0))
  end)

  it("E2 (2023 doc §4.2): qB = 20, qR = 90", function()
    local ranking = "R1 R2 N1 R3 R4 R5 R6 R7 R8 R9 R10 R11 B1 R12 B2 R13 R14 D1 R15 R16"
    assert.are.equal("D1 R1 R2 R3 R4 B1 R5 R6 R7 R8 B2 R9 R10 R11 R12 R13 R14 R15 R16 N1",
                     order(group(ranking), 20, 90))
  end)

  it("E3 (ExempleA1): qB = 20", function()
    assert.are.equal("B6 C1 C2 C3 C4 B7 C5 C8", order(group("C1 C2 C3 C4 C5 B6 B7 C8"), 20, 0))
  end)

  it("E4 (ExempleA2): qB = 2 still calls the best boursier first", function()
    assert.are.equal("B6 C1 C2 C3 C4 C5 C7 C8", order(group("C1 C2 C3 C4 C5 B6 C7 C8"), 2, 0))
  end)

  it("E5 (ExempleA4): qB = 10", function()
    assert.are.equal("B2 C1 B3 C4 C5 C6 C7 B8 C9 C10",
                     order(group("C1 B2 B3 C4 C5 C6 C7 B8 C9 C10"), 10, 0))
  end)

  it("E6 (ExempleA3): qB = 10, C1..C900 then B901..B1000", function()
    local r = admit.call_order(group(seq("C", 1, 900) .. " " .. seq("B", 901, 1000)), { boursier = 10 })
    local positions = {}
    for k, row in r:rows() do
      if row.boursier then positions[#positions + 1] = k end
    end
    assert.are.equal(100, #positions)
    for i, k in ipairs(positions) do assert.are.equal(1 + 10 * (i - 1), k) end
    assert.are.equal("C900", r[1000].id)
    assert.are.equal(1000, #r)
  end)

  it("E7 (2023 doc §4.3 ex. 1 = ExempleA5): qB = 10, qR = 95 keeps the pedagogical order", function()
    -- D1 D2 R3..R19 C20, D21 D22 R23..R39 C40, D41 R42..R50, then B51 R52..R60 ... B91 R92..R100
    local t = {}
    for block = 0, 1 do
      local base = 20 * block
      t[#t + 1] = "D" .. (base + 1)
      t[#t + 1] = "D" .. (base + 2)
      t[#t + 1] = seq("R", base + 3, base + 19)
      t[#t + 1] = "C" .. (base + 20)
    end
    t[#t + 1] = "D41 " .. seq("R", 42, 50)
    for l = 51, 91, 10 do t[#t + 1] = "B" .. l .. " " .. seq("R", l + 1, l + 9) end
    local ranking = table.concat(t, " ")
    local r = admit.call_order(group(ranking), { boursier = 10, resident = 95 })
    assert.are.equal(ranking, table.concat(r:ids(), " "))
    assert.are.equal(93, r[100].residents)
    -- the conflicts at 51, 61, ... go to the boursier: the résident rate is broken there
    assert.is_false(r[51].resident_ok)
    assert.is_true(r[51].boursier_ok)
  end)

  it("E8 (2023 doc §4.3 ex. 2 = ExempleA6): qB = 10, qR = 95", function()
    local ranking = seq("R", 1, 100) .. " " .. seq("B", 101, 111)
    local want = {}
    for j = 0, 9 do want[#want + 1] = "B" .. (101 + j) .. " " .. seq("R", 9 * j + 1, 9 * j + 9) end
    want[#want + 1] = "B111 " .. seq("R", 91, 100)
    local r = admit.call_order(group(ranking), { boursier = 10, resident = 95 })
    assert.are.equal(table.concat(want, " "), table.concat(r:ids(), " "))
    assert.are.equal(10, r[100].boursiers)
    assert.are.equal(90, r[100].residents)
  end)

  it("E9: two rates, and the same ranking under single rates", function()
    local list = { { id = "a", rank = 1, resident = true }, { id = "b", rank = 2, resident = true },
                   { id = "c", rank = 3, boursier = true }, { id = "d", rank = 4 },
                   { id = "e", rank = 5, boursier = true, resident = true } }
    assert.are.equal("e a c b d", order(list, 50, 50))
    assert.are.equal("c a e b d", order(list, 34, 0))
    assert.are.equal("a b e c d", order(list, 0, 100))
    assert.are.equal("c e a b d", order(list, 100, 0))
  end)

  it("E10: equal ranks with allow_ties: category order, then input order", function()
    local list = { { id = 10, rank = 1 }, { id = 11, rank = 1, boursier = true },
                   { id = 12, rank = 1, resident = true }, { id = 13, rank = 1 } }
    assert.are.equal("11 12 10 13", order(list, 0, 0, true))
    local r, msg = admit.call_order(list, {})
    assert.is_nil(r)
    assert.are.equal("call_order: candidates '10' and '11' share rank 1: ranks must be distinct,"
                     .. " or pass allow_ties = true for the documented tie rule", msg)
  end)

  it("the official bacasable input (qB = 25): boursiers 2, 6, 16 at call ranks 1, 5, 9", function()
    local out, err, code = h.run({ "callorder", "--min-boursiers", "25", FIX .. "bacasable.csv" })
    assert.are.equal(0, code)
    assert.are.equal("", err)
    local rank = {}
    for id, k in out:gmatch("(%d+),(%d+)\n") do rank[id] = tonumber(k) end
    assert.are.same({ 1, 5, 9 }, { rank["2"], rank["6"], rank["16"] })
    assert.are.equal("id,call_rank\n2,1\n0,2\n1,3\n3,4\n6,5\n4,6\n5,7\n7,8\n16,9\n8,10\n",
                     out:sub(1, #"id,call_rank\n2,1\n0,2\n1,3\n3,4\n6,5\n4,6\n5,7\n7,8\n16,9\n8,10\n"))
  end)
end)

-- ------------------------------------------------------------------ properties

local function ceil_div(a, b) return (a + b - 1) // b end

-- Checks P1–P5 of §3.5, the permutation and the order inside each category; returns
-- nil or a description of the first failure.
local function check_properties(list, qb, qr, r)
  local n = #list
  if #r ~= n then return "length" end
  local by_id, pos_of = {}, {}
  -- pedagogical position (1-based) of each candidate: ranks are distinct
  local sorted = {}
  for i, c in ipairs(list) do sorted[i] = c end
  table.sort(sorted, function(x, y) return x.rank < y.rank end)
  for i, c in ipairs(sorted) do by_id[c.id] = c; pos_of[c.id] = i end
  local call, seen = {}, {}
  for k = 1, n do
    local id = r[k].id
    if seen[id] or not by_id[id] then return "not a permutation at " .. k end
    seen[id] = true
    call[id] = k
  end
  -- order kept within a category
  local last = {}
  for k = 1, n do
    local c = by_id[r[k].id]
    local cat = cat_of(c)
    if last[cat] and last[cat] > c.rank then return "category order broken at " .. k end
    last[cat] = c.rank
  end
  -- P1
  local total_b, b = 0, 0
  for _, c in ipairs(list) do if c.boursier then total_b = total_b + 1 end end
  for k = 1, n do
    if by_id[r[k].id].boursier then b = b + 1 end
    if b < ceil_div(qb * k, 100) and b < total_b then return "P1 at " .. k end
    if r[k].boursiers ~= b then return "running boursier count at " .. k end
  end
  for _, c in ipairs(sorted) do
    local p, k = pos_of[c.id], call[c.id]
    -- who overtook c: better call rank, worse pedagogical position
    local overtaken_by = {}
    for _, o in ipairs(sorted) do
      if call[o.id] < k and pos_of[o.id] > p then overtaken_by[#overtaken_by + 1] = o end
    end
    local cat = cat_of(c)
    if cat == CAT.BR or (cat == CAT.B and qr == 0) then
      if k > p then return "P2 for " .. c.id end
    end
    if cat == CAT.R then
      for _, o in ipairs(overtaken_by) do
        if not o.boursier then return "P3 (overtaken by a non-boursier) for " .. c.id end
      end
      if qb < 100 and k > 1 + (100 * p) // (100 - qb) then return "P3 bound for " .. c.id end
    end
    if cat == CAT.B then
      for _, o in ipairs(overtaken_by) do
        if not o.resident then return "P4 (overtaken by a non-résident) for " .. c.id end
      end
      if qr < 100 and k > 1 + (100 * p) // (100 - qr) then return "P4 bound for " .. c.id end
    end
    if cat == CAT.N then
      for _, o in ipairs(sorted) do
        if pos_of[o.id] < p and call[o.id] > k then return "P5 (N overtook) for " .. c.id end
      end
      local s = qb + qr
      if s < 100 and k > ceil_div(100 * (p + 1), 100 - s) then return "P5 bound for " .. c.id end
    end
  end
  return nil
end

-- A deterministic generator (not math.random: its sequence may change between builds).
local function rng(seed)
  local x = seed
  return function(m)
    x = (x * 1103515245 + 12345) % 2147483648
    return x % m
  end
end

local TYPICAL_RATES = { 0, 1, 2, 5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 100 }

local function random_group(rand)
  local n = rand(5) == 0 and rand(300) or rand(40)
  local pb, pr = rand(101), rand(101)          -- flag densities in percent
  local list, used = {}, {}
  local sparse = rand(2) == 0
  for i = 1, n do
    local rank
    repeat rank = sparse and 1 + rand(100000) or 1 + rand(n) until not used[rank]
    used[rank] = true
    list[i] = { id = "c" .. i, rank = rank, boursier = rand(100) < pb, resident = rand(100) < pr }
  end
  local function rate()
    local k = rand(3)
    if k == 0 then return TYPICAL_RATES[1 + rand(#TYPICAL_RATES)] end
    return rand(101)
  end
  local qb, qr = rate(), rand(2) == 0 and 0 or rate()
  return list, qb, qr
end

describe("ordre d'appel: properties on random groups (seeded)", function()
  it("P1–P5, permutation and category order hold, and the result equals the §3 rule", function()
    local rand = rng(20230521)
    local groups = 0
    for _ = 1, 3000 do
      local list, qb, qr = random_group(rand)
      local r = assert(admit.call_order(list, { boursier = qb, resident = qr }))
      local bad = check_properties(list, qb, qr, r)
      if bad then
        error(string.format("%s (n=%d, qB=%d, qR=%d)", bad, #list, qb, qr))
      end
      assert.are.equal(reference(list, qb, qr), table.concat(r:ids(), " "))
      groups = groups + 1
    end
    assert.are.equal(3000, groups)
  end)

  it("with ties allowed, the result equals the documented tie rule", function()
    local rand = rng(77)
    for _ = 1, 1000 do
      local n = rand(30)
      local list = {}
      for i = 1, n do
        list[i] = { id = "t" .. i, rank = 1 + rand(5), boursier = rand(2) == 0, resident = rand(3) == 0 }
      end
      local qb, qr = rand(101), rand(2) == 0 and 0 or rand(101)
      local r = assert(admit.call_order(list, { boursier = qb, resident = qr, allow_ties = true }))
      assert.are.equal(reference(list, qb, qr), table.concat(r:ids(), " "))
    end
  end)

  it("the command gives the same order as admit.call_order on a large random group", function()
    local rand = rng(5)
    local list, lines = {}, { "id,rank,boursier,resident" }
    for i = 1, 5000 do
      list[i] = { id = "x" .. i, rank = 0, boursier = rand(4) == 0, resident = rand(5) < 2 }
    end
    -- ranks: a permutation of 1..5000 by a multiplicative step
    for i = 1, 5000 do list[i].rank = (i * 7919) % 5000 + 1 end
    for i, c in ipairs(list) do
      lines[i + 1] = string.format("%s,%d,%d,%d", c.id, c.rank, c.boursier and 1 or 0, c.resident and 1 or 0)
    end
    local out, err, code = h.run({ "callorder", "--min-boursiers", "20", "--min-residents", "30", "-" },
                                 table.concat(lines, "\n") .. "\n")
    assert.are.equal(0, code, err)
    local r = admit.call_order(list, { boursier = 20, resident = 30 })
    local want = { "id,call_rank" }
    for k, id in ipairs(r:ids()) do want[#want + 1] = id .. "," .. k end
    assert.are.equal(table.concat(want, "\n") .. "\n", out)
  end)
end)

describe("ordre d'appel: edge cases of §5", function()
  it("n = 0 gives an empty order; n = 1 gives call rank 1 whatever the rates", function()
    assert.are.equal(0, #admit.call_order({}, { boursier = 100, resident = 100 }))
    for _, q in ipairs { 0, 1, 50, 100 } do
      local r = admit.call_order({ { id = "x", rank = 7, resident = true } }, { boursier = q, resident = q })
      assert.are.equal("x", r[1].id)
      assert.are.equal(1, r[1].call_rank)
      assert.are.equal(7, r[1].rank)
    end
  end)

  it("rate 100 calls every boursier first; with no boursier it never binds", function()
    assert.are.equal("B3 B5 C1 C2 C4", order({ { id = "C1", rank = 1 }, { id = "C2", rank = 2 },
      { id = "B3", rank = 3, boursier = true }, { id = "C4", rank = 4 },
      { id = "B5", rank = 5, boursier = true } }, 100, 0))
    assert.are.equal("C1 C2 C3", order(group("C1 C2 C3"), 100, 100))
  end)

  it("rate 0 never binds", function()
    assert.are.equal("C1 B2 R3 D4", order(group("C1 B2 R3 D4"), 0, 0))
  end)

  it("all boursiers, all résidents: the pedagogical order", function()
    assert.are.equal("D1 D2 D3", order(group("D1 D2 D3"), 50, 50))
    assert.are.equal("B1 B2 B3", order(group("B1 B2 B3"), 100, 0))
    assert.are.equal("R1 R2 R3", order(group("R1 R2 R3"), 0, 100))
  end)

  it("ranks with gaps, up to 2^31-1, given in any order", function()
    local list = { { id = "z", rank = 2147483647, boursier = true }, { id = "a", rank = 5 },
                   { id = "m", rank = 70000 }, { id = "b", rank = 1000000000 } }
    assert.are.equal("z a m b", order(list, 10, 0))
    assert.are.equal("a m b z", order(list, 0, 0))
  end)

  it("the conflict path takes the best boursier, not the best résident", function()
    -- both rates bind at k = 1, no boursier résident: B3 beats the better-ranked R1
    assert.are.equal("B3 R1 R2", order(group("R1 R2 B3"), 50, 50))
  end)

  it("the test counts position k itself, with the counts before k", function()
    -- qB = 20: position 1 needs 1 boursier, positions 2..5 need 1, position 6 needs 2
    assert.are.equal("B7 C1 C2 C3 C4 B8 C5 C6", order(group("C1 C2 C3 C4 C5 C6 B7 B8"), 20, 0))
  end)

  it("large counts use 64-bit arithmetic (qB·k beyond 2^31)", function()
    -- 100 · b against 99 · k with k up to 30 million would overflow 32 bits at 21 million:
    -- here the check is that a big group still gives exact boursier positions
    local n = 30000
    local list = {}
    for i = 1, n do list[i] = { id = tostring(i), rank = i, boursier = i > n - 300 } end
    local r = admit.call_order(list, { boursier = 1 })
    for j = 1, 300 do assert.are.equal(true, r[1 + 100 * (j - 1)].boursier) end
  end)

  it("refuses bad rates, ranks and duplicate ids", function()
    assert.has_error(function() admit.call_order({}, { boursier = 101 }) end,
      "call_order: the boursier rate must be an integer from 0 to 100, got 101")
    assert.has_error(function() admit.call_order({}, { resident = -1 }) end,
      "call_order: the resident rate must be an integer from 0 to 100, got -1")
    assert.has_error(function() admit.call_order({}, { boursier = 12.5 }) end,
      "call_order: the boursier rate must be an integer from 0 to 100, got 12.5")
    assert.has_error(function() admit.call_order({ { id = "a", rank = 0 } }) end,
      "call_order: candidate 1 ('a'): rank must be a whole number from 1 to 2147483647, got 0")
    local r, msg = admit.call_order({ { id = "a", rank = 1 }, { id = "a", rank = 2 } })
    assert.is_nil(r)
    assert.are.equal("call_order: candidate 2: duplicate id 'a' (also candidate 1)", msg)
  end)

  it("per-position fields: counts and whether each rate holds", function()
    local r = admit.call_order(group("R1 R2 B3"), { boursier = 50, resident = 50 })
    assert.are.same({ "B3", 1, 3, 1, 0, true, false },
      { r[1].id, r[1].call_rank, r[1].rank, r[1].boursiers, r[1].residents, r[1].boursier_ok, r[1].resident_ok })
    assert.are.same({ "R1", 2, 1, 1, 1, true, true },
      { r[2].id, r[2].call_rank, r[2].rank, r[2].boursiers, r[2].residents, r[2].boursier_ok, r[2].resident_ok })
    assert.are.equal(50, r.min_boursiers)
    assert.are.equal(50, r.min_residents)
    assert.matches("^admit%.callorder: 3 candidates, boursiers >= 50%%, résidents >= 50%%", tostring(r))
  end)

  it("writes the call order as CSV, whole", function()
    local dir = h.tmpdir()
    local r = admit.call_order(group("C1 B2"), { boursier = 50 })
    assert.is_true(r:write(dir .. "/co.csv"))
    assert.are.equal("id,call_rank,rank,boursier,resident,boursiers,residents,boursier_ok,resident_ok\n"
                     .. "B2,1,2,1,0,1,0,1,1\nC1,2,1,0,0,1,0,1,1\n", h.slurp(dir .. "/co.csv"))
    local ok, msg = r:write(dir .. "/no/such/dir/co.csv")
    assert.is_nil(ok)
    assert.is_string(msg)
  end)
end)

-- ------------------------------------------------------------------ the command

local function cli(args, stdin)
  local full = { "callorder" }
  for _, a in ipairs(args) do full[#full + 1] = a end
  return h.run(full, stdin)
end

local HEADER = "id,rank,boursier,resident\n"

describe("admit callorder: the command-line contract", function()
  it("reads a file and writes id,call_rank in call order", function()
    local dir = h.tmpdir()
    local path = h.write(dir .. "/g.csv", HEADER .. "C1,1,0,0\nC2,2,0,0\nB3,3,1,0\n")
    local out, err, code = cli({ "--min-boursiers", "20", path })
    assert.are.equal("id,call_rank\nB3,1\nC1,2\nC2,3\n", out)
    assert.are.equal("", err)
    assert.are.equal(0, code)
  end)

  it("reads standard input (- or no file), ignores extra columns in any order", function()
    local input = "nom,resident,id,boursier,rank\nx,1,a,0,2\ny,0,b,1,1\n"
    local out, _, code = cli({ "--min-residents", "100", "-" }, input)
    assert.are.equal(0, code)
    assert.are.equal("id,call_rank\na,1\nb,2\n", out)
    assert.are.equal(out, (cli({ "--min-residents=100" }, input)))
  end)

  it("accepts ;-separated and CRLF files, quotes ids that need it", function()
    local out, _, code = cli({}, "id;rank;boursier;resident\r\n\"a,b\";2;0;0\r\n\"q\"\"x\";1;0;0\r\n")
    assert.are.equal(0, code)
    assert.are.equal("id,call_rank\n\"q\"\"x\",1\n\"a,b\",2\n", out)
  end)

  it("a header alone gives the header alone", function()
    local out, _, code = cli({ "--min-boursiers", "100" }, HEADER)
    assert.are.equal(0, code)
    assert.are.equal("id,call_rank\n", out)
  end)

  it("--allow-ties applies the documented tie rule (E10)", function()
    local out, _, code = cli({ "--allow-ties" }, HEADER .. "10,1,0,0\n11,1,1,0\n12,1,0,1\n13,1,0,0\n")
    assert.are.equal(0, code)
    assert.are.equal("id,call_rank\n11,1\n12,2\n10,3\n13,4\n", out)
  end)

  -- every error: the exact message on stderr, exit 2, nothing on stdout
  local function fails(args, stdin, message)
    local out, err, code = cli(args, stdin)
    assert.are.equal("", out)
    assert.are.equal("admit: " .. message .. "\n", err)
    assert.are.equal(2, code)
  end

  it("duplicate ranks name the line and the earlier one", function()
    fails({}, HEADER .. "a,1,0,0\nb,2,0,0\nc,3,0,0\nd,2,0,0\ne,1,0,0\n",
      "stdin:5: duplicate rank 2 (already on line 3): ranks must be distinct, or use --allow-ties for the documented tie rule")
  end)

  it("duplicate ids", function()
    fails({}, HEADER .. "a,1,0,0\nb,2,0,0\na,3,0,0\n", "stdin:4:1: duplicate id 'a' (already on line 2)")
  end)

  it("rates outside 0..100 or not integers", function()
    local usage_free = HEADER .. "a,1,0,0\n"
    fails({ "--min-boursiers", "101" }, usage_free, "--min-boursiers: the rate must be an integer from 0 to 100, got '101'")
    fails({ "--min-residents", "-1" }, usage_free, "--min-residents: the rate must be an integer from 0 to 100, got '-1'")
    fails({ "--min-boursiers", "12.5" }, usage_free, "--min-boursiers: the rate must be an integer from 0 to 100, got '12.5'")
    fails({ "--min-boursiers", "abc" }, usage_free, "--min-boursiers: the rate must be an integer from 0 to 100, got 'abc'")
  end)

  it("a missing file", function()
    fails({ "/nonexistent/ranking.csv" }, nil, "/nonexistent/ranking.csv: cannot open: No such file or directory")
  end)

  it("malformed CSV: bad rank, bad flag, ragged row, open quote, missing column, empty input", function()
    fails({}, HEADER .. "a,1,0,0\nb,0,0,0\n", "stdin:3:3: rank must be a whole number from 1 (best) to 2147483647, got '0'")
    fails({}, HEADER .. "a,x1,0,0\n", "stdin:2:3: rank must be a whole number from 1 (best) to 2147483647, got 'x1'")
    fails({}, HEADER .. "a,2147483648,0,0\n", "stdin:2:3: rank must be a whole number from 1 (best) to 2147483647, got '2147483648'")
    fails({}, HEADER .. "a,1,2,0\n", "stdin:2:5: boursier must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), got '2'")
    fails({}, HEADER .. "a,1,0,yes\n", "stdin:2:7: resident must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), got 'yes'")
    fails({}, HEADER .. ",1,0,0\n", "stdin:2:1: empty id")
    fails({}, HEADER .. "a,1,0\n", "stdin:2:5: 3 fields where the header has 4")
    fails({}, HEADER .. "a,1,0,0\n\"b,2,0,0\n", "stdin:3:1: unterminated quoted field: the quote opened here is never closed")
    fails({}, "id,rank,boursier\na,1,0\n",
      "stdin:1:1: missing column 'resident' (the header must name id,rank,boursier,resident); the file's columns"
      .. " are 'id', 'rank', 'boursier'; 'resident' may also be written résidente, résident académie, or an"
      .. " 'académie de résidence' column with --academie NAME, or mapped with --columns resident=HEADER")
    fails({}, "", "stdin: empty file: expected a header line")
  end)

  it("more than one file, or an unknown option, is an error", function()
    local out, err, code = cli({ "a.csv", "b.csv" })
    assert.are.equal("", out)
    assert.matches("^admit: callorder reads one file", err)
    assert.are.equal(2, code)
    out, err, code = cli({ "--min-boursier", "5" })
    assert.are.equal("", out)
    assert.matches("^admit: unknown option '%-%-min%-boursier'", err)
    assert.are.equal(2, code)
  end)

  it("is listed by admit help with its usage", function()
    local out, _, code = h.run({ "help", "callorder" })
    assert.are.equal(0, code)
    assert.matches("usage: admit callorder %[%-%-min%-boursiers PCT%]", out)
  end)
end)
