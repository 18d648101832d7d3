-- Candidates, rankings, formations (reserved seats) and policies.
local h = require "helpers"

local FIX = "tests/fixtures/callorder/"

local function load(name) return admit.candidates(FIX .. name) end

-- Catches an admit.fail (a structured error) or a plain error; returns its text.
local function error_text(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error")
  return type(err) == "table" and err.message or tostring(err)
end

describe("candidates: loading", function()
  local c = assert(load("candidates.csv"))

  it("gives a dataset with the required and the further columns", function()
    assert.are.equal(60, #c)
    assert.are.same({ "id", "bac", "boursier", "resident", "nom", "moyenne", "maths", "francais",
                      "specialite", "motivation" }, c:columns())
    local first = c[1]
    assert.are.same({ "1001", "general", false, true, "Candidat 01", 10.1, 9.5, 14.6, "NSI", 18 },
      { first.id, first.bac, first.boursier, first.resident, first.nom, first.moyenne, first.maths,
        first.francais, first.specialite, first.motivation })
    assert.are.equal("integer", math.type(first.motivation))
    assert.is_nil(c[0])
    assert.is_nil(c[61])
  end)

  it("rows, column, find and filter (a view)", function()
    local n = 0
    for i, row in c:rows() do
      n = n + 1
      assert.are.equal(c[i].id, row.id)
    end
    assert.are.equal(60, n)
    local maths = c:column("maths")
    assert.are.equal(60, #maths)
    assert.are.equal(9.5, maths[1])
    assert.are.equal("Candidat 02", c:find("1002").nom)
    assert.is_nil(c:find("nobody"))
    local techno = c:filter(function(x) return x.bac == "techno" end)
    assert.are.equal(16, #techno)
    for _, row in techno:rows() do assert.are.equal("techno", row.bac) end
    assert.is_nil(techno:find("1001"))   -- general: not in the view
    assert.has_error(function() c:column("nope") end)
  end)

  it("is a named userdata with a preview and REPL fields", function()
    assert.are.equal("admit.candidates", getmetatable(c).__name)
    local text = tostring(c)
    assert.matches("^admit%.candidates: 60 candidates × 10 columns %(tests/fixtures/callorder/candidates%.csv%)\n", text)
    assert.matches("\nid%s+bac%s+boursier%s+resident", text)
    assert.matches("\n1001%s+general%s+false%s+true%s", text)   -- flags as the rows show them
    assert.matches("%.%.%. %(50 more%)\n%(2 more columns not shown: specialite, motivation; %[i%] shows row i whole%)$", text)
    local fields = getmetatable(c).__fields(c)
    table.sort(fields)
    assert.are.same({ "column", "columns", "filter", "find", "rank", "rows" }, fields)
  end)

  it("accepts accented and capitalised bac names, ; and Windows-1252, decimal commas", function()
    local d = assert(load("cp1252-semicolon.csv"))
    assert.are.same({ "general", "techno", "pro" }, { d[1].bac, d[2].bac, d[3].bac })
    assert.are.equal(12.5, d[1].moyenne)
    assert.is_nil(d[3].moyenne)           -- an empty cell
    assert.are.equal("Liévin", d[1].ville)
  end)

  it("keeps a column as text when one value is not a number", function()
    local dir = h.tmpdir()
    local path = h.write(dir .. "/c.csv", "id,bac,boursier,resident,x\n1,pro,0,0,12\n2,pro,0,0,abs\n")
    local d = assert(admit.candidates(path))
    assert.are.equal("12", d[1].x)
    assert.are.equal("abs", d[2].x)
  end)

  it("names the line and column of each error", function()
    local cases = {
      { "bad-bac.csv", "bad-bac.csv:3:3: unknown bac 'bac S': expected général, technologique or professionnel (also general, techno, pro, a label starting with one such as 'Bac technologique STMG', or a série code STMG, STI2D, ST2S, STL, STD2A, STHR, S2TMD, STAV)" },
      { "dup-id.csv", "dup-id.csv:5:1: duplicate id 'A2' (already on line 3)" },
      { "missing-column.csv", "missing-column.csv:1:1: missing column 'boursier' (the header must name id,bac,boursier,resident); the file's columns are 'id', 'bac', 'resident'; 'boursier' may also be written boursier du lycée, bourse, boursière, boursier lycée, bourse du lycée, or mapped with --columns boursier=HEADER" },
      { "bad-flag.csv", "bad-flag.csv:3:7: boursier must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), got 'yes'" },
      { "empty-id.csv", "empty-id.csv:3:1: empty id" },
    }
    for _, case in ipairs(cases) do
      local d, msg = load(case[1])
      assert.is_nil(d)
      assert.are.equal(FIX .. case[2], msg)
    end
    local d, msg = admit.candidates("/nonexistent.csv")
    assert.is_nil(d)
    assert.are.equal("/nonexistent.csv: cannot open: No such file or directory", msg)
  end)
end)

describe("rankings", function()
  local c = assert(load("candidates.csv"))

  it("c:rank(score_fn): higher first, distinct ranks 1..n", function()
    local r = c:rank(function(x) return x.moyenne end)
    assert.are.equal("admit.ranking", getmetatable(r).__name)
    assert.are.equal(60, #r)
    for i, row in r:rows() do
      assert.are.equal(i, row.rank)
      if i > 1 then assert.is_true(r[i - 1].moyenne >= row.moyenne) end
    end
  end)

  it("ties: the next keys, then the id (numerically), never the file order", function()
    local dir = h.tmpdir()
    local rows = { "9,general,0,0,12,b", "10,general,0,0,12,a", "100,general,0,0,15,a", "11,techno,1,0,12,a" }
    h.write(dir .. "/a.csv", "id,bac,boursier,resident,note,nom\n" .. table.concat(rows, "\n") .. "\n")
    h.write(dir .. "/b.csv", "id,bac,boursier,resident,note,nom\n" .. table.concat({ rows[4], rows[2], rows[3], rows[1] }, "\n") .. "\n")
    for _, file in ipairs { "a.csv", "b.csv" } do
      local d = assert(admit.candidates(dir .. "/" .. file))
      assert.are.same({ "100", "9", "10", "11" }, d:rank(function(x) return x.note end):ids())
      assert.are.same({ "100", "9", "10", "11" }, d:rank { by = "note", desc = true }:ids())
      assert.are.same({ "100", "10", "11", "9" }, d:rank { by = "note", desc = true, tiebreak = { "nom" } }:ids())
      assert.are.same({ "100", "9", "10", "11" },
                      d:rank { by = "note", desc = true, tiebreak = { { "nom", desc = true } } }:ids())
      assert.are.same({ "9", "10", "11", "100" }, d:rank { by = "note" }:ids())
      assert.are.same({ "10", "11", "100", "9" }, d:rank { by = "nom", tiebreak = "id" }:ids())
    end
  end)

  it("empty cells rank last whatever the direction", function()
    local dir = h.tmpdir()
    h.write(dir .. "/e.csv", "id,bac,boursier,resident,note\n1,general,0,0,\n2,general,0,0,10\n3,general,0,0,12\n")
    local d = assert(admit.candidates(dir .. "/e.csv"))
    assert.are.same({ "3", "2", "1" }, d:rank { by = "note", desc = true }:ids())
    assert.are.same({ "2", "3", "1" }, d:rank { by = "note" }:ids())
  end)

  it("sub-rankings keep the ranks; a bad score is an error naming the candidate", function()
    local r = c:rank { by = "moyenne", desc = true }
    local t = r:bac("techno")
    assert.are.equal(16, #t)
    local last = 0
    for _, row in t:rows() do
      assert.are.equal("techno", row.bac)
      assert.is_true(row.rank > last)
      last = row.rank
    end
    assert.are.equal(60 - 16, #r:bac("general", "pro"))
    assert.are.equal(#r:filter(function(x) return x.boursier end), #c:filter(function(x) return x.boursier end))
    assert.are.equal(60, #r:candidates())
    assert.are.equal(r[1].id, r:candidates()[1].id)
    local msg = error_text(function() c:rank(function(x) if x.id == "1003" then return nil end return 1 end) end)
    assert.matches("rank: the score function returned nil for candidate '1003' %(line 4%)", msg)
    assert.matches("no column 'nope'", error_text(function() c:rank { by = "nope" } end))
  end)

  it("a ranking gives its ordre d'appel directly", function()
    local r = c:rank { by = "moyenne", desc = true }
    local co = admit.call_order(r, { boursier = 30 })
    assert.are.equal(60, #co)
    for k, row in co:rows() do assert.is_true(row.boursier_ok, "position " .. k) end
    assert.are.equal(r[co[1].rank].id, co[1].id)
  end)
end)

describe("formations: reserved seats for the techno and pro minimums", function()
  local c = assert(load("candidates.csv"))

  it("splits ⌈m·C/100⌉ reserved seats from the capacity", function()
    assert.are.same({ techno = 15, pro = 0, other = 15 }, admit.groups_split(30, 50, 0))
    assert.are.same({ techno = 3, pro = 0, other = 27 }, admit.groups_split(30, 7, 0))
    assert.are.same({ techno = 0, pro = 8, other = 16 }, admit.groups_split(24, 0, 30))
    assert.are.same({ techno = 1, pro = 1, other = 1 }, admit.groups_split(3, 10, 10))
    assert.are.same({ techno = 5, pro = 0, other = 0 }, admit.groups_split(5, 100, 0))
    assert.are.same({ techno = 0, pro = 0, other = 0 }, admit.groups_split(0, 50, 50))
  end)

  it("admit.formation builds the groups; each gets its call order with the boursier rate", function()
    local f = admit.formation { establishment = "IUT A", program = "BUT GEII", capacity = 30,
                                min_techno = 50, min_boursier = 20 }
    assert.are.same({ techno = 15, pro = 0, other = 15 }, f.groups)
    assert.are.equal("explicit", f.rate_source.min_techno)
    local r = c:rank { by = "moyenne", desc = true }
    local g = f:call_orders(r)
    assert.are.same({ "techno", "other" }, { g.list[1].name, g.list[2].name })
    assert.are.equal(15, g.techno.capacity)
    assert.are.equal(16, #g.techno.call_order)
    assert.are.equal(44, #g.other.call_order)
    for _, row in g.techno.call_order:rows() do assert.are.equal("techno", row.bac) end
    for _, row in g.other.call_order:rows() do assert.are_not.equal("techno", row.bac) end
    assert.are.equal(20, g.techno.call_order.min_boursiers)
    local direct = admit.call_order(r:bac("techno"), { boursier = 20 })
    assert.are.same(direct:ids(), g.techno.call_order:ids())
  end)

  it("a pro minimum makes a pro group; no minimum leaves one group of everyone", function()
    local g = admit.formation { program = "BTS", capacity = 24, min_pro = 30 }:call_orders(c:rank { by = "moyenne" })
    assert.are.equal(8, g.pro.capacity)
    assert.are.equal(5, #g.pro.call_order)
    assert.are.equal(55, #g.other.call_order)
    local one = admit.formation { program = "Licence", capacity = 100, min_techno = 0, min_pro = 0,
                                  min_boursier = 0 }:call_orders(c:rank { by = "moyenne" })
    assert.are.equal(1, #one.list)
    assert.are.equal(60, #one.other.call_order)
  end)

  it("candidates need a way to be ranked", function()
    local f = admit.formation { program = "x", capacity = 10, min_techno = 0, min_pro = 0, min_boursier = 0 }
    assert.matches("no way to rank these candidates", error_text(function() f:call_orders(c) end))
    local g = admit.formation { program = "x", capacity = 10, min_techno = 10, min_pro = 0, min_boursier = 0,
                                rank = function(x) return x.maths end }:call_orders(c)
    assert.are.same(c:rank(function(x) return x.maths end):bac("techno"):ids(), g.techno.ranking:ids())
  end)

  it("refuses bad fields with a clear message", function()
    assert.matches("capacity must be a whole number", error_text(admit.formation, { program = "x" }))
    assert.matches("min_techno must be an integer percentage from 0 to 100, got 150",
                   error_text(admit.formation, { capacity = 10, min_techno = 150 }))
    assert.matches("unknown field 'capacite'", error_text(admit.formation, { capacite = 10 }))
  end)

  it("takes a missing minimum from the annexes (lookup path, on a given annex set)", function()
    -- a stand-in with the annex datasets' min_rate(establishment, program [, commune])
    local rows = { { establishment = "IUT de Lille", program = "Informatique", min_pct = 40 } }
    local annex = { techno = { min_rate = function(_, est, prog)
      for _, row in ipairs(rows) do
        if admit.fold(row.establishment) == admit.fold(est) and admit.fold(row.program) == admit.fold(prog) then
          return row.min_pct
        end
      end
      return nil, "no such formation"
    end } }
    local f = admit.formation { establishment = "IUT de Lille", program = "informatique", capacity = 30,
                                annexes = annex }
    assert.are.equal(40, f.min_techno)
    assert.are.equal("annex", f.rate_source.min_techno)
    assert.are.same({ techno = 12, pro = 0, other = 18 }, f.groups)
    assert.are.equal(0, f.min_pro)
    assert.are.equal("no pro annex", f.rate_source.min_pro)
    local other = admit.formation { establishment = "IUT de Lens", program = "GEA", capacity = 30, annexes = annex }
    assert.are.equal(0, other.min_techno)
    assert.are.equal("not in the techno annex: no such formation", other.rate_source.min_techno)
  end)

  it("takes a missing minimum from admit.annexes() (the embedded 2023 decrees)", function()
    if not admit.annexes then
      pending("admit.annexes is not in this build yet (issue 3)")
      return
    end
    local set = assert(admit.annexes())
    local row = set.techno[1]
    local f = admit.formation { establishment = row.establishment, program = row.program,
                                commune = row.commune ~= "" and row.commune or nil, capacity = 40 }
    assert.are.equal("annex", f.rate_source.min_techno)
    assert.are.equal(row.min_pct, f.min_techno)
    assert.are.equal(math.ceil(row.min_pct * 40 / 100), f.groups.techno)
  end)
end)

describe("policies", function()
  local c = assert(load("candidates.csv"))

  local function applicants()
    local list = {}
    for i, row in c:rows() do list[i] = row end
    return list
  end

  it("checks its fields", function()
    assert.matches("unknown field 'programme'", error_text(admit.policy, { programme = "x" }))
    assert.matches("'rank' must be a function, got number", error_text(admit.policy, { rank = 3 }))
    assert.matches("rates.boursier must be an integer from 0 to 100, got 120",
                   error_text(admit.policy, { rates = { boursier = 120 } }))
    assert.matches("groups: unknown option 'unused'", error_text(admit.policy, { groups = { unused = true } }))
  end)

  it("matches formations by folded substrings", function()
    local p = admit.policy { establishment = "iut de lille", program = "Informatique" }
    assert.is_true(p:matches { establishment = "IUT DE LILLE", program = "BUT Informatique" })
    assert.is_true(p:matches { establishment = "Iut de Lillé", program = "BUT INFORMATIQUE", commune = "Villeneuve" })
    assert.is_false(p:matches { establishment = "IUT de Lens", program = "BUT Informatique" })
    assert.is_false(p:matches { program = "BUT Informatique" })
    local q = admit.policy { program = "NDRC", commune = "Lille" }
    assert.is_true(q:matches { establishment = "Lycée Baggio", program = "BTS NDRC", commune = "LILLE" })
    assert.is_false(q:matches { establishment = "Lycée Baggio", program = "BTS NDRC" })
    assert.is_true(admit.policy {}:matches { program = "anything" })
  end)

  it("classement: score descending, then id ascending, whatever the input order", function()
    local p = admit.policy { rank = function(x) return math.floor(x.moyenne / 2) end }
    local list = applicants()
    local a = p:classement({}, list)
    local reversed = {}
    for i = #list, 1, -1 do reversed[#reversed + 1] = list[i] end
    local b = p:classement({}, reversed)
    assert.are.equal(60, #a)
    for i = 1, #a do
      assert.are.equal(a[i].id, b[i].id)
      if i > 1 then
        local s1, s2 = math.floor(a[i - 1].moyenne / 2), math.floor(a[i].moyenne / 2)
        assert.is_true(s1 > s2 or (s1 == s2 and tonumber(a[i - 1].id) < tonumber(a[i].id)))
      end
    end
    -- the same order as the C ranking on the dataset
    local ids = {}
    for i, x in ipairs(a) do ids[i] = x.id end
    assert.are.same(c:rank(p.rank):ids(), ids)
    assert.matches("the rank function returned string for candidate '1001'",
                   error_text(function() admit.policy { rank = function() return "x" end }:classement({}, list) end))
  end)

  it("capacities: unchanged, unused reserved seats to the other group, or a function", function()
    local caps = { techno = 20, pro = 8, other = 12 }
    assert.are.same(caps, admit.policy {}:capacities({}, caps, applicants()))
    -- 16 techno and 5 pro applicants
    assert.are.same({ techno = 16, pro = 5, other = 19 },
                    admit.policy { groups = { unused_to_other = true } }:capacities({}, caps, applicants()))
    assert.are.same({ techno = 10, pro = 5, other = 12 },
                    admit.policy { groups = { unused_to_other = true } }:capacities({}, { techno = 10, pro = 5, other = 12 }, applicants()))
    local fn = admit.policy { groups = function(_, cp) cp.other = cp.other + cp.pro; cp.pro = 0; return cp end }
    assert.are.same({ techno = 20, pro = 0, other = 20 }, fn:capacities({}, caps, applicants()))
    local greedy = admit.policy { name = "greedy", groups = function(_, cp) cp.other = cp.other + 1; return cp end }
    assert.matches("policy 'greedy' %(.-05%-formation_spec%.lua:%d+%): groups gave 41 seats, the formation has 40",
                   error_text(function() greedy:capacities({}, caps, {}) end))
  end)

  it("a formation with a policy uses its ranking, capacities and rates", function()
    local p = admit.policy { rank = function(x) return x.maths end, groups = { unused_to_other = true },
                             rates = { boursier = 40 } }
    local f = admit.formation { program = "BTS", capacity = 24, min_pro = 30, min_boursier = 10, policy = p }
    local g = f:call_orders(c)
    assert.are.equal(5, g.pro.capacity)        -- 8 reserved, 5 bac pro applicants
    assert.are.equal(19, g.other.capacity)
    assert.are.equal(40, g.pro.call_order.min_boursiers)
    assert.are.same(c:rank(p.rank):bac("pro"):ids(), g.pro.ranking:ids())
  end)

  it("the shipped policies load in the sandbox", function()
    local iut = admit.load_policy("iut-lille-informatique")
    assert.is_true(admit.is_policy(iut))
    assert.are.equal("iut-lille-informatique", iut.name)
    local iut_name = "Institut universitaire de technologie de Lille - Université de Lille"
    assert.is_true(iut:matches { establishment = iut_name, program = "BUT - Informatique" })
    assert.is_false(iut:matches { establishment = iut_name,
                                  program = "BUT - Génie électrique et informatique industrielle" })
    local bts = admit.load_policy("bts-ndrc")
    assert.is_true(bts:matches { establishment = "Lycée Gaston Berger", commune = "Lille",
                                 program = "BTS - Services - Négociation et digitalisation de la Relation Client" })
    local ifsi = admit.load_policy("ifsi-hauts-de-france")
    assert.are.equal(2, #ifsi)
    assert.are.same({ "ifsi-lille", "ifsi-amiens" }, { ifsi[1].name, ifsi[2].name })
    assert.is_true(ifsi[1]:matches { establishment = "Regroupement d'IFSI Université Lille",
                                     commune = "Armentières", program = "D.E Infirmier" })
    assert.are.equal(60, #iut:classement({}, applicants()))
    local caps = bts:capacities({}, { techno = 0, pro = 8, other = 16 }, applicants())
    assert.are.same({ techno = 0, pro = 5, other = 19 }, caps)
  end)

  describe("the sandbox", function()
    local dir = h.tmpdir()
    local function policy_file(name, text) h.write(dir .. "/" .. name .. ".lua", text) end

    it("refuses os.execute and io.open with a clear message", function()
      policy_file("shell", 'os.execute("touch /tmp/pwned")\nreturn admit.policy{}\n')
      local msg = error_text(admit.load_policy, "shell", { dir = dir })
      assert.matches("^load_policy 'shell': .*shell%.lua:1: attempt to call a nil value %(field 'execute'%)", msg)
      assert.matches("policies run in the sandbox", msg)
      policy_file("files", 'local f = io.open("/etc/passwd")\nreturn admit.policy{}\n')
      msg = error_text(admit.load_policy, "files", { dir = dir })
      assert.matches("files%.lua:1: undefined global 'io'", msg)
      assert.matches("policies run in the sandbox", msg)
      policy_file("reads", 'return admit.policy{ rank = function(c) return #io.open("/etc/passwd"):read("a") end }\n')
      local p = admit.load_policy("reads", { dir = dir })
      msg = error_text(function() p:classement({}, { { id = "1" } }) end)
      assert.matches("policy 'reads' %(.-reads%.lua:1%): the rank function failed for candidate '1': .*undefined global 'io'", msg)
      assert.matches("policies run in the sandbox", msg)
      -- admit functions that read files are not in the sandbox either
      policy_file("loader", 'local c = admit.candidates("x.csv")\nreturn admit.policy{}\n')
      assert.matches("attempt to call a nil value %(field 'candidates'%)", error_text(admit.load_policy, "loader", { dir = dir }))
    end)

    it("trusted policies get the full library", function()
      policy_file("trusted", 'local f = io.open("/dev/null")\nf:close()\nreturn admit.policy{ program = "x" }\n')
      assert.is_true(admit.is_policy(admit.load_policy("trusted", { dir = dir, trusted = true })))
    end)

    it("names what is wrong with a policy file", function()
      assert.matches("no policy 'absent'", error_text(admit.load_policy, "absent", { dir = dir }))
      assert.matches("is not a policy name", error_text(admit.load_policy, "../etc/passwd"))
      policy_file("nothing", "return 42\n")
      assert.matches("must return admit.policy{...} or a list of them", error_text(admit.load_policy, "nothing", { dir = dir }))
      policy_file("syntax", "return admit.policy{\n")
      assert.matches("load_policy 'syntax': .*syntax%.lua:2:", error_text(admit.load_policy, "syntax", { dir = dir }))
    end)
  end)

  it("the example script runs on the fixture", function()
    local out, err, code = h.run({ "scripts/callorder_example.lua" })
    assert.are.equal(0, code, err)
    assert.matches("60 candidates from", out)
    assert.matches("policy: iut%-lille%-informatique", out)
    assert.matches("group techno 15 seats by the decree, 15 by the policy, 16 candidates", out)
    -- pro 61% of 24 seats (2023 annex, Lycée Gaston Berger) = 15; 5 bac pro applicants
    assert.matches("group pro    15 seats by the decree,  5 by the policy,  5 candidates", out)
    assert.matches("boursiers 21%%", out)  -- the IFSI's rate, from the annex
    assert.matches("policy: ifsi%-lille\n", out)
  end)
end)
