-- Inputs as officers have them (issue 11): every loader reads a file the way an officer's
-- spreadsheet writes it — French headers, ';', Windows-1252 or UTF-8 with a BOM, CRLF,
-- Oui/Non flags, "Bac technologique STMG", Excel's trailing ';;;;' rows — and gives the
-- same result as the canonical file; values, empty rows, column mappings, --explain,
-- --keep-columns, "did you mean", and the Parcoursup open dataset as formations input.
local h = require "helpers"
local admit = require "admit"

local HAND = "tests/fixtures/sim/hand/"
local OPEN = "tests/fixtures/opendata/formations.csv"

-- ------------------------------------------------------------------ helpers

local function split(line, sep)
  local t = {}
  for f in (line .. sep):gmatch("(.-)" .. sep) do t[#t + 1] = f end
  return t
end

-- The rows of a simple CSV text (no quotes): header list and list of value lists.
local function parse(text)
  local lines = {}
  for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
  local header = split(lines[1], ",")
  local rows = {}
  for i = 2, #lines do rows[#rows + 1] = split(lines[i], ",") end
  return header, rows
end

local function to_cp1252(s)
  local out = {}
  for _, cp in utf8.codes(s) do
    assert(cp < 256, "not in Latin-1")
    out[#out + 1] = string.char(cp)
  end
  return table.concat(out)
end

-- Writes `text` (a canonical CSV) as an officer's spreadsheet would: headers renamed by
-- `names`, values of a column changed by `values[column](v, row_index)`, ';' separated,
-- CRLF, an entirely empty row in the middle and Excel's ';;;;' rows at the end, in
-- Windows-1252 (enc = "cp1252") or UTF-8 with a byte order mark (enc = "bom").
local function officer(text, names, values, enc)
  local header, rows = parse(text)
  local out = {}
  local hdr = {}
  for i, name in ipairs(header) do hdr[i] = names[name] or name end
  out[1] = table.concat(hdr, ";")
  for r, row in ipairs(rows) do
    local cells = {}
    for i, v in ipairs(row) do
      local f = values and values[header[i]]
      cells[i] = f and f(v, r) or v
    end
    out[#out + 1] = table.concat(cells, ";")
    if r == 2 then out[#out + 1] = string.rep(";", #header - 1) end
  end
  for _ = 1, 3 do out[#out + 1] = string.rep(";", #header - 1) end
  local s = table.concat(out, "\r\n") .. "\r\n"
  if enc == "cp1252" then return to_cp1252(s) end
  return "\xEF\xBB\xBF" .. s
end

local function oui_non(v, r) return (v == "1" and { "Oui", "oui", "O", "x", "VRAI" } or { "Non", "non", "N", "", "faux" })[r % 5 + 1] end
local BAC_LABEL = { general = "Bac général", ["général"] = "BAC GENERAL", techno = "Bac technologique STMG",
                    pro = "Bac pro Commerce" }
local function bac_label(v, r)
  if v == "techno" and r % 2 == 0 then return "STI2D" end
  return BAC_LABEL[v] or v
end
local function padded(v) return " " .. v .. " " end

local function run_ok(args, stdin)
  local out, err, code = h.run(args, stdin)
  assert.are.equal(0, code, err)
  return out, err
end

local function fails(args, stdin)
  local out, err, code = h.run(args, stdin)
  assert.are.equal(2, code, err)
  assert.are.equal("", out)
  return err
end

local function allocate(dir, f, c, w, extra)
  local args = { "allocate", "--formations", f, "--candidates", c, "--wishes", w, "--out", dir }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  return run_ok(args)
end

local function results(dir)
  return { h.slurp(dir .. "/assignments.csv"), h.slurp(dir .. "/formations.csv"), h.slurp(dir .. "/summary.json") }
end

local CAND_NAMES = { id = "N° dossier", bac = "Type de bac", boursier = "Boursier du lycée", resident = "Résident" }
local FORM_NAMES = { formation_id = "Code formation", capacity = "Capacité", min_techno = "Taux minimum techno",
                     min_pro = "Taux minimum pro", min_boursier = "Taux minimum boursiers",
                     min_resident = "Taux minimum résidents", establishment = "Établissement", program = "Filière" }
local WISH_NAMES = { candidate_id = "Candidat", formation_id = "Formation", preference = "Ordre de préférence",
                     rank = "Rang de classement" }

describe("inputs as officers have them: the same results as the canonical files", function()
  after_each(h.remove_scratch)

  for _, enc in ipairs { "cp1252", "bom" } do
    it("callorder reads a classement export (" .. enc .. ")", function()
      local dir = h.scratch()
      local canon = h.slurp("tests/fixtures/callorder/candidates.csv")
      local header, rows = parse(canon)
      -- a ranking: id, rank, flags (the canonical ranking is the file order)
      local lines = { "id,rank,boursier,resident,nom" }
      for i, row in ipairs(rows) do
        lines[#lines + 1] = table.concat({ row[1], tostring(#rows + 1 - i), row[3], row[4], row[5] }, ",")
      end
      local ranking = table.concat(lines, "\n") .. "\n"
      h.write(dir .. "/canon.csv", ranking)
      h.write(dir .. "/officer.csv", officer(ranking,
        { id = "Numéro de dossier", rank = "Classement", boursier = "Bourse", resident = "Résident", nom = "Nom" },
        { boursier = oui_non, resident = oui_non, rank = padded }, enc))
      assert.is_truthy(#header > 4)
      for _, rates in ipairs { { "0", "0" }, { "20", "30" }, { "50", "10" } } do
        local a = run_ok({ "callorder", "--min-boursiers", rates[1], "--min-residents", rates[2], dir .. "/canon.csv" })
        local b = run_ok({ "callorder", "--min-boursiers", rates[1], "--min-residents", rates[2], dir .. "/officer.csv" })
        assert.are.equal(a, b)
        assert.are.equal(#rows + 1, select(2, a:gsub("\n", "")))
      end
    end)

    it("admit.candidates reads a candidates export (" .. enc .. ")", function()
      local dir = h.scratch()
      local canon = h.slurp(HAND .. "candidates.csv")
      h.write(dir .. "/officer.csv", officer(canon, CAND_NAMES,
        { boursier = oui_non, resident = oui_non, bac = bac_label }, enc))
      local a = admit.check(admit.candidates(HAND .. "candidates.csv"))
      local b = admit.check(admit.candidates(dir .. "/officer.csv"))
      assert.are.equal(#a, #b)
      for i = 1, #a do
        for _, k in ipairs { "id", "bac", "boursier", "resident" } do
          assert.are.equal(a[i][k], b[i][k], k .. " of row " .. i)
        end
      end
      assert.are.same(a:columns(), b:columns())
    end)

    it("allocate and admit.simulate read the three files of an export (" .. enc .. ")", function()
      local dir = h.scratch()
      local f = h.write(dir .. "/f.csv", officer(h.slurp(HAND .. "formations.csv"), FORM_NAMES,
        { capacity = padded }, enc))
      local c = h.write(dir .. "/c.csv", officer(h.slurp(HAND .. "candidates.csv"), CAND_NAMES,
        { boursier = oui_non, resident = oui_non, bac = bac_label }, enc))
      local w = h.write(dir .. "/w.csv", officer(h.slurp(HAND .. "wishes.csv"), WISH_NAMES,
        { rank = padded }, enc))
      allocate(dir .. "/canon", HAND .. "formations.csv", HAND .. "candidates.csv", HAND .. "wishes.csv")
      allocate(dir .. "/officer", f, c, w)
      local a, b = results(dir .. "/canon"), results(dir .. "/officer")
      assert.are.equal(a[1], b[1])
      assert.are.equal(a[2], b[2])
      assert.are.equal(a[3], b[3])
      local r1 = admit.simulate { formations = HAND .. "formations.csv", candidates = HAND .. "candidates.csv",
                                  wishes = HAND .. "wishes.csv", mode = "school" }
      local r2 = admit.simulate { formations = f, candidates = c, wishes = w, mode = "school" }
      assert.are.same(r1:assignments(), r2:assignments())
      assert.are.equal(#admit.check(admit.sim_load(f, c, w)), 7)
    end)
  end
end)

describe("values as they are written", function()
  after_each(h.remove_scratch)

  local FLAGS = {
    { "1", true }, { "0", false }, { "oui", true }, { "Non", false }, { " OUI ", true }, { "o", true },
    { "N", false }, { "vrai", true }, { "Faux", false }, { "true", true }, { "FALSE", false },
    { "x", true }, { "X", true }, { "", false }, { "  ", false },
  }
  it("flags: 1/0, oui/non, o/n, vrai/faux, true/false, x/empty, any case and spaces, in every loader", function()
    for _, case in ipairs(FLAGS) do
      local dir = h.scratch()
      local c = h.write(dir .. "/c.csv", "id;bac;boursier;resident\na;general;" .. case[1] .. ";0\n")
      local set = admit.check(admit.candidates(c))
      assert.are.equal(case[2], set[1].boursier, "'" .. case[1] .. "'")
      local co = admit.call_order({ { id = "b", rank = 1 }, { id = "a", rank = 2, boursier = case[1] } }, { boursier = 100 })
      assert.are.equal(case[2] and "a" or "b", co[1].id, case[1])
      local out = run_ok({ "callorder", "--min-boursiers", "100", "-" },
        "id;rank;boursier;resident\nb;1;0;0\na;2;" .. case[1] .. ";0\n")
      assert.are.equal(case[2] and "id,call_rank\na,1\nb,2\n" or "id,call_rank\nb,1\na,2\n", out, case[1])
      local p = admit.check(admit.sim_build({ { formation_id = "F", capacity = 1 } },
        { { id = "a", bac = "general", boursier = case[1], resident = "0" } },
        { { candidate_id = "a", formation_id = "F", preference = 1, rank = 1 } }))
      assert.are.equal(1, #p)
    end
  end)

  it("a flag it cannot read names the value and lists what is accepted", function()
    for _, bad in ipairs { "peut-être", "2", "yes", "-1", "0,5" } do
      local err = fails({ "callorder", "-" }, "id;rank;boursier;resident\na;1;" .. bad .. ";0\n")
      assert.matches("stdin:2:5: boursier must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), got '"
        .. bad .. "'", err, 1, true)
      local dir = h.scratch()
      local c = h.write(dir .. "/c.csv", "id;bac;boursier;resident\na;general;0;" .. bad .. "\n")
      local ok, msg = admit.candidates(c)
      assert.is_nil(ok)
      assert.matches("c.csv:2:13: resident must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), "
        .. "got '" .. bad .. "'", msg, 1, true)
    end
  end)

  local BACS = {
    { "general", "general" }, { "général", "general" }, { "GÉNÉRAL", "general" }, { "Bac général", "general" },
    { "BAC GENERAL", "general" }, { "Baccalauréat général", "general" }, { "générale", "general" },
    { "techno", "techno" }, { "Technologique", "techno" }, { "Bac technologique STMG", "techno" },
    { "STMG", "techno" }, { "sti2d", "techno" }, { "ST2S", "techno" }, { "STL", "techno" }, { "STD2A", "techno" },
    { "STHR", "techno" }, { "S2TMD", "techno" }, { "STAV", "techno" }, { "Bac STI2D", "techno" },
    { "pro", "pro" }, { "professionnel", "pro" }, { "Bac pro Commerce", "pro" }, { "BAC PRO MELEC", "pro" },
    { "Bac professionnel ASSP", "pro" }, { " Pro ", "pro" },
  }
  it("bac: labels and série codes, the same in admit.candidates, allocate, sim_build and call_order", function()
    for _, case in ipairs(BACS) do
      local dir = h.scratch()
      local c = h.write(dir .. "/c.csv", "id;bac;boursier;resident\na;" .. case[1] .. ";0;0\n")
      assert.are.equal(case[2], admit.check(admit.candidates(c))[1].bac, case[1])
      assert.are.equal(case[2], admit.call_order({ { id = "a", rank = 1, bac = case[1] } })[1].bac, case[1])
      local f = h.write(dir .. "/f.csv", "formation_id,capacity,min_techno,min_pro\nF,1,100,0\nP,1,0,100\n")
      local w = h.write(dir .. "/w.csv", "candidate_id,formation_id,preference,rank\na,F,1,1\na,P,2,1\n")
      allocate(dir .. "/out", f, c, w)
      -- F reserves its one seat for bac techno, P for bac pro: a bac général gets neither
      local expect = { general = "a,\n", techno = "a,F\n", pro = "a,P\n" }
      assert.are.equal("candidate_id,formation_id\n" .. expect[case[2]], h.slurp(dir .. "/out/assignments.csv"))
      local p = admit.check(admit.sim_build({ { formation_id = "F", capacity = 1, min_techno = 100 } },
        { { id = "a", bac = case[1], boursier = 0, resident = 0 } },
        { { candidate_id = "a", formation_id = "F", preference = 1, rank = 1 } }))
      assert.are.equal(1, #p)
    end
  end)

  it("an unknown bac names the value and lists what is accepted, in every loader", function()
    local dir = h.scratch()
    local c = h.write(dir .. "/c.csv", "id,bac,boursier,resident\na,Bac S,0,0\n")
    local _, msg = admit.candidates(c)
    assert.matches("c.csv:2:3: unknown bac 'Bac S': expected général, technologique or professionnel (also general, "
      .. "techno, pro, a label starting with one such as 'Bac technologique STMG', or a série code STMG, STI2D, "
      .. "ST2S, STL, STD2A, STHR, S2TMD, STAV)", msg, 1, true)
    local f = h.write(dir .. "/f.csv", "formation_id,capacity\nF,1\n")
    local w = h.write(dir .. "/w.csv", "candidate_id,formation_id,preference,rank\na,F,1,1\n")
    local err = fails({ "allocate", "--formations", f, "--candidates", c, "--wishes", w, "--out", dir .. "/o" })
    assert.matches("c.csv:2:3: unknown bac 'Bac S': expected général, technologique", err, 1, true)
    local ok, bmsg = admit.sim_build({ { formation_id = "F", capacity = 1 } },
      { { id = "a", bac = "Bac S", boursier = 0, resident = 0 } }, {})
    assert.is_nil(ok)
    assert.matches("candidates[1].bac: unknown bac 'Bac S'", bmsg, 1, true)
  end)

  it("numbers: ' 12 ' and a decimal comma where decimals are allowed", function()
    local dir = h.scratch()
    local c = h.write(dir .. "/c.csv", "id;bac;boursier;resident;moyenne\na;pro;0;0; 12,5 \nb;pro;0;0;9\n")
    local set = admit.check(admit.candidates(c))
    assert.are.equal(12.5, set[1].moyenne)
    local out = run_ok({ "callorder", "-" }, "id;rank;boursier;resident\na; 2 ;0;0\nb;1 ;0;0\n")
    assert.are.equal("id,call_rank\nb,1\na,2\n", out)
    local err = fails({ "callorder", "-" }, "id;rank;boursier;resident\na;1,5;0;0\n")
    assert.matches("stdin:2:3: rank must be a whole number from 1 (best) to 2147483647, got '1,5'", err, 1, true)
  end)

  it("entirely empty rows are skipped wherever they are; a partly empty row is an error at its first empty field", function()
    local text = ";;;\n  ;  ;;\nid;rank;boursier;resident\n;;;\na;2;0;0\n ; ; ; \nb;1;1;0\n;;;\n;;;\n"
    local out, err = run_ok({ "callorder", "--explain", "-" }, text)
    assert.are.equal("id,call_rank\nb,1\na,2\n", out)
    assert.matches("rows       2 read, 6 skipped (entirely empty: lines 1, 2, 4, 6, 8, 9)", err, 1, true)
    assert.matches("header     line 3: id;rank;boursier;resident", err, 1, true)
    local PARTLY = {
      { "id;rank;boursier;resident\na;1;0;0\n;2;0;0\n", "stdin:3:1: empty id" },
      { "id;rank;boursier;resident\na;1;0;0\nb;;0;0\n", "stdin:3:3: empty rank" },
      { "id;bac;boursier;resident\na;;0;0\n", ":2:3: empty bac" },
    }
    for _, case in ipairs(PARTLY) do
      if case[1]:find("bac") then
        local dir = h.scratch()
        local _, msg = admit.candidates(h.write(dir .. "/c.csv", case[1]))
        assert.matches(case[2], msg, 1, true)
      else
        assert.matches(case[2], fails({ "callorder", "-" }, case[1]), 1, true)
      end
    end
  end)
end)

describe("columns by name, French or English, or mapped", function()
  after_each(h.remove_scratch)

  local HEADERS = {
    { "numéro;classement;boursier;résident" }, { "N° dossier;Rang;Bourse;Résident" },
    { "Numéro de dossier;Rang de classement;Boursier du lycée;RESIDENT" },
    { "IDENTIFIANT;CLASSEMENT PÉDAGOGIQUE;Boursière;résidente" }, { "id;rank;boursier;resident" },
  }
  it("recognises the aliases of each column, accent- and case-insensitive", function()
    for _, case in ipairs(HEADERS) do
      local out = run_ok({ "callorder", "--min-boursiers", "50", "-" }, case[1] .. "\na;1;0;0\nb;2;1;0\n")
      assert.are.equal("id,call_rank\nb,1\na,2\n", out, case[1])
    end
    local dir = h.scratch()
    local c = h.write(dir .. "/c.csv", "Identifiant;Baccalauréat;Bourse;Résident;Nom\n7;STMG;oui;non;Zoé\n")
    local set = admit.check(admit.candidates(c))
    assert.are.same({ "id", "bac", "boursier", "resident", "Nom" }, set:columns())
  end)

  it("maps any header with --columns / {columns = ...}", function()
    local text = "Dossier ID;Position;B;R\na;2;0;0\nb;1;1;0\n"
    local out = run_ok({ "callorder", "--columns", "id=Dossier ID,rank=Position,boursier=B,resident=R", "-" }, text)
    assert.are.equal("id,call_rank\nb,1\na,2\n", out)
    local dir = h.scratch()
    local c = h.write(dir .. "/c.csv", "Code;Série;B;R\n1;STMG;1;0\n")
    local set = admit.check(admit.candidates(c, { columns = { id = "Code", bac = "Série", boursier = "B", resident = "R" } }))
    assert.are.equal("techno", set[1].bac)
    -- a mapping wins over an alias: "Classement" is then an ordinary column
    out = run_ok({ "callorder", "--columns", "rank=Rang final", "-" },
      "id;Classement;Rang final;boursier;resident\na;1;2;0;0\nb;2;1;0;0\n")
    assert.are.equal("id,call_rank\nb,1\na,2\n", out)
    -- kind.field: only for that file of allocate
    local f = h.write(dir .. "/f.csv", "Code;Places\nF;1\n")
    local c2 = h.write(dir .. "/c2.csv", "id,bac,boursier,resident\na,pro,0,0\n")
    local w = h.write(dir .. "/w.csv", "Code;formation_id;preference;rank\na;F;1;1\n")
    allocate(dir .. "/o", f, c2, w, { "--columns", "formations.formation_id=Code,wishes.candidate_id=Code" })
    assert.are.equal("candidate_id,formation_id\na,F\n", h.slurp(dir .. "/o/assignments.csv"))
  end)

  it("a mapping to an absent header names it and lists the file's headers; an unknown field gets did you mean", function()
    local err = fails({ "callorder", "--columns", "rank=Rang final", "-" }, "id;Classement;boursier;resident\na;1;0;0\n")
    assert.are.equal("admit: stdin:1:1: --columns rank=Rang final: no column 'Rang final' in the header; its "
      .. "columns are 'id', 'Classement', 'boursier', 'resident'\n", err)
    err = fails({ "callorder", "--columns", "rang=Classement", "-" }, "id;Classement;boursier;resident\na;1;0;0\n")
    assert.matches("unknown field 'rang' (did you mean 'rank'?); the fields of a ranking file: id, rank, boursier, "
      .. "resident, residence", err, 1, true)
    local dir = h.scratch()
    local ok, msg = admit.candidates(h.write(dir .. "/c.csv", "id;bac;boursier;resident\n"), { columns = { id = "Numéro" } })
    assert.is_nil(ok)
    assert.matches("no column 'Numéro' in the header; its columns are 'id', 'bac', 'boursier', 'resident'", msg, 1, true)
  end)

  it("an ambiguous file names both headers", function()
    local err = fails({ "callorder", "-" }, "id;Classement;Rang;boursier;resident\na;1;1;0;0\n")
    assert.are.equal("admit: stdin:1:15: ambiguous columns: 'Classement' (column 2) and 'Rang' (column 3) both mean "
      .. "'rank'; keep one, or choose with --columns rank=HEADER\n", err)
    local dir = h.scratch()
    local _, msg = admit.candidates(h.write(dir .. "/c.csv", "id;Numéro;bac;boursier;resident\n1;1;pro;0;0\n"))
    assert.matches("both mean 'id'", msg, 1, true)
  end)

  it("a missing column suggests a close header, or lists the file's and the accepted names", function()
    local err = fails({ "callorder", "-" }, "id;clasement;boursier;resident\na;1;0;0\n")
    assert.matches("stdin:1:4: missing column 'rank' (the header must name id,rank,boursier,resident); did you mean "
      .. "'clasement'?", err, 1, true)
  end)

  it("résident from an 'académie de résidence' column with --academie", function()
    local text = "N° dossier;Classement;Boursier;Académie de résidence\na;1;0;Lille\nb;2;0;AMIENS\nc;3;0;lille\n"
    local out = run_ok({ "callorder", "--min-residents", "100", "--academie", "Amiens", "-" }, text)
    assert.are.equal("id,call_rank\nb,1\na,2\nc,3\n", out)
    local err = fails({ "callorder", "-" }, text)
    assert.matches("stdin:1:32: no resident column: column 'Académie de résidence' gives the académie de résidence, "
      .. "so say which académie is the formation's (--academie NAME, or {academie = NAME})", err, 1, true)
    local dir = h.scratch()
    local c = h.write(dir .. "/c.csv", "id;bac;boursier;Académie de résidence\na;pro;0;Amiens\nb;pro;0;Lille\n")
    local set = admit.check(admit.candidates(c, { academie = "amiens" }))
    assert.are.equal(true, set[1].resident)
    assert.are.equal(false, set[2].resident)
  end)
end)

describe("--explain and -v say how a file was understood", function()
  after_each(h.remove_scratch)

  it("prints encoding, separator, header, columns, rows read and skipped", function()
    local dir = h.scratch()
    local f = h.write(dir .. "/classement.csv", to_cp1252("N° dossier;Classement;Boursier;Résident;Nom\r\n"
      .. "1;2;Oui;Non;Zoé\r\n2;1;non;oui;Léo\r\n;;;;\r\n;;;;\r\n"))
    local out, err = run_ok({ "callorder", "--explain", f })
    assert.are.equal("id,call_rank\n2,1\n1,2\n", out)
    assert.are.equal(f .. " (ranking file)\n"
      .. "  encoding   Windows-1252 (converted to UTF-8), line ends CR LF\n"
      .. "  separator  ';'\n"
      .. "  header     line 1: N° dossier;Classement;Boursier;Résident;Nom\n"
      .. "  columns\n"
      .. "    id             <- column 1 'N° dossier' (alias)\n"
      .. "    rank           <- column 2 'Classement' (alias)\n"
      .. "    boursier       <- column 3 'Boursier'\n"
      .. "    resident       <- column 4 'Résident'\n"
      .. "    (not used)        column 5 'Nom'\n"
      .. "    residence         absent (optional)\n"
      .. "  rows       2 read, 2 skipped (entirely empty: lines 4, 5)\n", err)
    local _, verr = run_ok({ "callorder", "-v", f })
    assert.are.equal("admit: " .. f .. ": Windows-1252, ';'-separated, 2 rows (2 empty skipped); id <- column 1, "
      .. "rank <- column 2\n", verr)
  end)

  it("for the three files of allocate, and from Lua with explain = function", function()
    local dir = h.scratch()
    local _, err = allocate(dir .. "/o", HAND .. "formations.csv", HAND .. "candidates.csv", HAND .. "wishes.csv",
      { "--explain" })
    for _, kind in ipairs { "formations", "candidates", "wishes" } do
      assert.matches(HAND .. kind .. ".csv (" .. kind .. " file)", err, 1, true)
    end
    local text
    admit.check(admit.candidates(HAND .. "candidates.csv", { explain = function(t) text = t end }))
    assert.matches("rows       13 read", text, 1, true)
  end)
end)

describe("--keep-columns: outputs keep the input", function()
  after_each(h.remove_scratch)

  it("callorder writes the input columns after id,call_rank", function()
    local text = "N° dossier;Classement;Boursier;Résident;Nom;Note\na;2;Oui;non;Zoé;12,5\nb;1;non;;\"Léo; fils\";9\n"
    local out = run_ok({ "callorder", "--keep-columns", "-" }, text)
    assert.are.equal("id,call_rank,Classement,Boursier,Résident,Nom,Note\nb,1,1,non,,\"Léo; fils\",9\n"
      .. "a,2,2,Oui,non,Zoé,\"12,5\"\n", out)
  end)

  it("the Lua call order writes the candidates' columns; allocate's assignments.csv too", function()
    local dir = h.scratch()
    local c = admit.check(admit.candidates("tests/fixtures/callorder/candidates.csv"))
    local co = admit.call_order(c:rank { by = "moyenne", desc = true }, { boursier = 20 })
    assert(co:write(dir .. "/co.csv", { keep_columns = true }))
    local lines = {}
    for l in h.slurp(dir .. "/co.csv"):gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.are.equal("id,call_rank,rank,boursier,resident,boursiers,residents,boursier_ok,resident_ok,nom,moyenne,"
      .. "maths,francais,specialite,motivation", lines[1])
    for k, row in co:rows() do
      assert.are.equal(string.format("%s,%d,", row.id, k), lines[k + 1]:sub(1, #row.id + #tostring(k) + 2))
      assert.matches("," .. row.nom .. "," .. row.moyenne, lines[k + 1], 1, true)
    end
    allocate(dir .. "/o", HAND .. "formations.csv", HAND .. "candidates.csv", HAND .. "wishes.csv", { "--keep-columns" })
    local a = h.slurp(dir .. "/o/assignments.csv")
    assert.matches("^candidate_id,formation_id,bac,boursier,resident,note\nx,A,general,0,0,\ny,B,général,0,0,\n", a)
  end)
end)

describe("did you mean …?", function()
  after_each(h.remove_scratch)

  local CLI = {
    { { "callorder", "--min-boursier", "20", "-" }, "unknown option '--min-boursier' (did you mean '--min-boursiers'?)" },
    { { "allocate", "--formation", "f" }, "unknown option '--formation' (did you mean '--formations'?)" },
    { { "callordre" }, "unknown command 'callordre' (did you mean 'callorder'?)" },
    { { "alocate" }, "unknown command 'alocate' (did you mean 'allocate'?)" },
    { { "generate", "--canditates", "5" }, "unknown option '--canditates' (did you mean '--candidates'?)" },
  }
  it("on the command line", function()
    for _, case in ipairs(CLI) do
      local _, err, code = h.run(case[1])
      assert.are.equal(2, code)
      assert.matches(case[2], err, 1, true)
    end
  end)

  it("in the Lua API", function()
    local API = {
      { function() return admit.policy { name = "p", etablissement = "Lille", rank = function() return 1 end } end,
        "unknown field 'etablissement' (did you mean 'establishment'?)" },
      { function() return admit.simulate { formation = "f", candidates = "c", wishes = "w" } end,
        "unknown field 'formation' (did you mean 'formations'?)" },
      { function() return admit.candidates(HAND .. "candidates.csv", { colums = {} }) end,
        "unknown option 'colums' (did you mean 'columns'?)" },
      { function() return admit.candidates(HAND .. "candidates.csv", { academy = "Lille" }) end,
        "unknown option 'academy' (did you mean 'academie'?)" },
      { function() return admit.call_order({ { id = "a", rank = 1 } }, { boursiers = 20 }) end,
        "call_order: unknown option 'boursiers' (did you mean 'boursier'?)" },
      { function() return admit.formation { program = "x", capacite = 3 } end,
        "unknown field 'capacite' (did you mean 'capacity'?)" },
      { function()
          local c = admit.check(admit.candidates("tests/fixtures/callorder/candidates.csv"))
          return c:rank { by = "moyene" }
        end, "no column 'moyene' in tests/fixtures/callorder/candidates.csv (did you mean 'moyenne'?)" },
    }
    for _, case in ipairs(API) do
      local ok, err = pcall(case[1])
      assert.is_false(ok)
      assert.matches(case[2], tostring(err), 1, true)
    end
    assert.are.equal("establishment", admit.suggest("Établissement", { "name", "establishment", "program" }))
    assert.is_nil(admit.suggest("zzz", { "name", "establishment" }))
  end)
end)

describe("the Parcoursup open dataset as formations input", function()
  after_each(h.remove_scratch)

  local function read_rows(path, sep)
    local lines = {}
    for l in h.slurp(path):gmatch("[^\r\n]+") do lines[#lines + 1] = l end
    local header = split(lines[1], sep)
    local rows = {}
    for i = 2, #lines do
      local t = {}
      for k, v in ipairs(split(lines[i], sep)) do t[header[k]] = v end
      rows[#rows + 1] = t
    end
    return rows, header
  end

  it("generate calibrates each formation on its row; allocate compares simulated and observed shares", function()
    local dir = h.scratch()
    local _, err = run_ok({ "generate", "--formations", OPEN, "--candidates", "6000", "--out", dir .. "/cohort" })
    assert.are.equal("", err:gsub("admit generate: [^\n]*vœux[^\n]*\n", ""))
    local again = dir .. "/again"
    run_ok({ "generate", "--formations", OPEN, "--candidates", "6000", "--out", again })
    for _, name in ipairs { "formations.csv", "candidates.csv", "wishes.csv" } do
      assert.are.equal(h.slurp(dir .. "/cohort/" .. name), h.slurp(again .. "/" .. name), name)
    end
    -- each formation's applicants by bac follow its own row (nb_voe_pp_bt / voe_tot)
    local open = read_rows(OPEN, ";")
    local bac = {}
    for _, c in ipairs(read_rows(dir .. "/cohort/candidates.csv", ",")) do bac[c.id] = c.bac end
    local apps = {}
    for _, w in ipairs(read_rows(dir .. "/cohort/wishes.csv", ",")) do
      local a = apps[w.formation_id] or { n = 0, techno = 0, pro = 0 }
      a.n = a.n + 1
      if bac[w.candidate_id] ~= "general" then a[bac[w.candidate_id]] = a[bac[w.candidate_id]] + 1 end
      apps[w.formation_id] = a
    end
    for _, row in ipairs(open) do
      local a = apps[row.cod_aff_form]
      local observed = tonumber(row.nb_voe_pp_bt) / tonumber(row.voe_tot)
      -- 0.12: over seeds 1 to 6 the worst formation is 0.078 to 0.109 away with the single random
      -- stream generate had, 0.086 to 0.112 with its per-candidate streams (seed 1: 0.078 then,
      -- 0.098 now): drawing a short list without repeats flattens demand a little
      assert.is_true(math.abs(a.techno / a.n - observed) < 0.12,
        string.format("%s: techno share of applicants %.2f, observed %.2f", row.cod_aff_form, a.techno / a.n, observed))
    end
    -- the generated formations keep the observed figures; allocate compares them
    local out = dir .. "/result"
    local _, aerr = allocate(out, dir .. "/cohort/formations.csv", dir .. "/cohort/candidates.csv",
      dir .. "/cohort/wishes.csv")
    assert.matches("no formation has a minimum rate", aerr, 1, true)
    local rows, header = read_rows(out .. "/formations.csv", ",")
    local want = { observed_admitted = true, observed_share_techno = true, observed_share_pro = true,
                   observed_share_boursier = true }
    for _, name in ipairs(header) do want[name] = nil end
    assert.are.same({}, want)
    local by_id = {}
    for _, r in ipairs(open) do by_id[r.cod_aff_form] = r end
    for _, r in ipairs(rows) do
      local o = by_id[r.formation_id]
      assert.are.equal(o.acc_tot, r.observed_admitted)
      local part, whole = tonumber(o.acc_bt), tonumber(o.acc_tot)
      local share = ((2000 * part + whole) // (2 * whole)) / 10   -- to the nearest tenth, as share_*
      assert.are.equal(share, tonumber(r.observed_share_techno))
    end
    local s = require("cjson").decode(h.slurp(out .. "/summary.json"))
    assert.are.equal(12, s.observed.techno.formations)
    local observed_total = 0
    for _, r in ipairs(open) do observed_total = observed_total + tonumber(r.acc_tot) end
    assert.are.equal(observed_total, s.observed.boursier.observed_admitted)
    -- the readable summary puts the observed shares beside the simulated ones
    local r = admit.simulate { formations = OPEN, candidates = dir .. "/cohort/candidates.csv",
                               wishes = dir .. "/cohort/wishes.csv" }
    local o = r.summary.observed.techno
    assert.are.same(s.observed.techno, o)
    local report = admit.simulation_report(r)
    local line = report:match("\n  bac techno[^\n]*")
    assert.is_truthy(report:find("Observed (open dataset)", 1, true))
    assert.are.same({ "12", string.format("%.1f%%", 100 * o.observed / o.observed_admitted),
                      string.format("%.1f%%", 100 * o.simulated / o.simulated_admitted) },
                    { line:match("(%d+)%s+(%S+)%s+(%S+)$") })
    -- the raw file as formations input of allocate gives the same allocation
    local raw = dir .. "/raw"
    allocate(raw, OPEN, dir .. "/cohort/candidates.csv", dir .. "/cohort/wishes.csv")
    assert.are.equal(h.slurp(out .. "/assignments.csv"), h.slurp(raw .. "/assignments.csv"))
    assert.are.equal(h.slurp(out .. "/summary.json"), h.slurp(raw .. "/summary.json"))
  end)

  it("a missing column says which and what admit does instead", function()
    local dir = h.scratch()
    local rows, header = read_rows(OPEN, ";")
    local function without(drop)
      local keep = {}
      for _, name in ipairs(header) do if not drop[name] then keep[#keep + 1] = name end end
      local lines = { table.concat(keep, ";") }
      for _, r in ipairs(rows) do
        local t = {}
        for i, name in ipairs(keep) do t[i] = r[name] end
        lines[#lines + 1] = table.concat(t, ";")
      end
      return table.concat(lines, "\n") .. "\n"
    end
    local f = h.write(dir .. "/f.csv", without { nb_voe_pp_bt = true, nb_voe_pp_bg_brs = true, acc_brs = true })
    local _, err = run_ok({ "generate", "--formations", f, "--candidates", "500", "--out", dir .. "/c" })
    assert.matches("no column 'applicants_techno': each formation's applicants are split by bac with the "
      .. "national shares", err, 1, true)
    assert.matches("no column 'applicants_general_boursier': the boursier share of those applicants is the "
      .. "national one", err, 1, true)
    local _, aerr = allocate(dir .. "/o", f, dir .. "/c/candidates.csv", dir .. "/c/wishes.csv")
    assert.matches("no column 'admitted_boursier' (acc_brs): the observed boursier share is not compared", aerr, 1, true)
    local header2 = h.slurp(dir .. "/o/formations.csv"):match("^[^\n]*")
    assert.is_nil(header2:find("observed_share_boursier", 1, true))
    assert.is_truthy(header2:find("observed_share_techno", 1, true))
    local nocap = h.write(dir .. "/nocap.csv", without { capa_fin = true })
    local gerr = fails({ "generate", "--formations", nocap, "--out", dir .. "/c2" })
    assert.matches("missing column 'capacity'", gerr, 1, true)
  end)
end)

describe("the alias table", function()
  it("is the same in src/colmap.c and SCRIPTING.md", function()
    local c = h.slurp("src/colmap.c")
    local table_text = c:match("aliases%[%] = {(.-)\n};")
    local doc = h.slurp("SCRIPTING.md"):match("### Column names, values and %-%-explain(.-)\n## ")
    assert.is_truthy(doc)
    local n = 0
    for field, alias in table_text:gmatch('{ "([%w_]+)", "([^"]+)" }') do
      local row = doc:match("\n| `" .. field:gsub("_", "%%_") .. "` |([^\n]*)")
      assert.is_truthy(row, field .. " has no row in SCRIPTING.md")
      assert.is_truthy(row:find("`" .. alias .. "`", 1, true), alias .. " is not in the row of " .. field)
      n = n + 1
    end
    assert.is_true(n > 60)
  end)
end)

describe("admit phase reads an officer's formations file", function()
  local C = "id;bac;boursier;resident\na;général;oui;non\nb;techno;non;x\nc;pro;0;0\nd;général;;\n"
  local W = "candidate_id;formation_id;preference;rank\na;F1;1;1\nb;F1;1;2\nc;F1;1;3\nd;F1;1;4\na;F2;2;1\nd;F2;2;2\n"

  -- day 1 of F1 in days.csv: n (seats offered with the overbooking) and rang_limite
  local function day1_f1(dir)
    local f = assert(io.open(dir .. "/days.csv"))
    local text = f:read("a")
    f:close()
    local header, rows = parse(text)
    for _, r in ipairs(rows) do
      local row = {}
      for i, k in ipairs(header) do row[k] = r[i] end
      if row.day == "1" and row.formation_id == "F1" then return row end
    end
  end

  for _, id in ipairs { "formation_id", "Code formation", "cod_aff_form", "formation", "Code d'affectation" } do
    it("overbooking and rang_limite are applied when formation_id is written '" .. id .. "'", function()
      local dir = h.scratch()
      h.write(dir .. "/f.csv", id .. ";Capacité;overbooking;rang_limite\nF1;2;50;3\nF2;1;0;\n")
      h.write(dir .. "/c.csv", C)
      h.write(dir .. "/w.csv", W)
      local _, err, code = h.run { "phase", "--formations", dir .. "/f.csv", "--candidates", dir .. "/c.csv",
        "--wishes", dir .. "/w.csv", "--out", dir .. "/o", "--days", "3", "--behaviour", "ideal" }
      assert.are.equal(0, code, err)
      local row = day1_f1(dir .. "/o")
      assert.are.equal("3", row.n)            -- 2 seats + 50 %
      assert.are.equal("3", row.rang_limite)
    end)
  end

  it("a bad overbooking under an aliased formation_id is located at its own column", function()
    local dir = h.scratch()
    h.write(dir .. "/f.csv", "Code formation;Capacité;overbooking\nF1;2;beaucoup\nF2;1;0\n")
    h.write(dir .. "/c.csv", C)
    h.write(dir .. "/w.csv", W)
    local _, err, code = h.run { "phase", "--formations", dir .. "/f.csv", "--candidates", dir .. "/c.csv",
      "--wishes", dir .. "/w.csv", "--out", dir .. "/o", "--days", "3", "--behaviour", "ideal" }
    assert.are.equal(2, code)
    assert.matches("f.csv:2:3: overbooking 'beaucoup' is not a whole number", err, 1, true)
  end)
end)
