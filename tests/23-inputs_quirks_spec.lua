-- Every loader × every officer quirk (issue 11, closing): each loader of admit reads a file
-- the way an officer's spreadsheet writes it and gives, byte for byte (or value for value
-- from Lua), the results of the canonical file. The quirks: French headers, ';', Windows-1252,
-- UTF-8 with a BOM, CRLF, Oui/Non flags, bac labels ("Bac technologique STMG"), Excel's
-- trailing ';;;;' rows, header columns with no name (Excel's "id;rank;;;"), a decimal comma,
-- spaces around numbers, and all of them at once. Then: a value under a column with no
-- name, --columns with a header holding the separator, --explain on allocate's fast path,
-- and `admit phase` with the loader options of allocate.
local h = require "helpers"
local admit = require "admit"

local HAND = "tests/fixtures/sim/hand/"
local OPEN = "tests/fixtures/opendata/formations.csv"
local GRADES = "tests/fixtures/callorder/candidates.csv"

-- ------------------------------------------------------------------ CSV documents

local function split(line, sep)
  local t = {}
  for f in (line .. sep):gmatch("(.-)" .. sep:gsub("%p", "%%%0")) do t[#t + 1] = f end
  return t
end

-- A canonical fixture (no quotes) as { header =, rows =, sep = }.
local function load_doc(path)
  local text = h.slurp(path)
  local lines = {}
  for l in text:gmatch("[^\r\n]+") do lines[#lines + 1] = l end
  local sep = select(2, lines[1]:gsub(";", "")) > select(2, lines[1]:gsub(",", "")) and ";" or ","
  local doc = { header = split(lines[1], sep), rows = {}, sep = sep, eol = "\n", enc = "utf8",
                trailing = 0, unnamed = 0 }
  for i = 2, #lines do doc.rows[#doc.rows + 1] = split(lines[i], sep) end
  return doc
end

-- Windows-1252: Latin-1 plus the letters Excel puts in 0x80..0x9F (œ, Œ, €, ’...).
local CP1252_EXTRA = { [0x20AC] = 0x80, [0x2019] = 0x92, [0x0153] = 0x9C, [0x0152] = 0x8C, [0x2026] = 0x85 }
local function to_cp1252(s)
  local out = {}
  for _, cp in utf8.codes(s) do
    local b = cp < 256 and cp or CP1252_EXTRA[cp]
    assert(b, "not in Windows-1252: " .. cp)
    out[#out + 1] = string.char(b)
  end
  return table.concat(out)
end

-- The text of doc as the spreadsheet writes it: a field holding the separator is quoted
-- (a decimal comma in a ','-file), unnamed columns added at the end of every line, an
-- entirely empty row after the second row and `trailing` ones at the end.
local function render(doc)
  local ncols = #doc.header + doc.unnamed
  local function line(cells)
    local t = {}
    for i, v in ipairs(cells) do
      t[i] = (v:find(doc.sep, 1, true) or v:find('"', 1, true)) and '"' .. v:gsub('"', '""') .. '"' or v
    end
    for _ = 1, doc.unnamed do t[#t + 1] = "" end
    return table.concat(t, doc.sep)
  end
  local out = { line(doc.header) }
  for r, row in ipairs(doc.rows) do
    out[#out + 1] = line(row)
    if r == 2 and doc.trailing > 0 then out[#out + 1] = string.rep(doc.sep, ncols - 1) end
  end
  for _ = 1, doc.trailing do out[#out + 1] = string.rep(doc.sep, ncols - 1) end
  local s = table.concat(out, doc.eol) .. doc.eol
  if doc.enc == "cp1252" then return to_cp1252(s) end
  if doc.enc == "bom" then return "\xEF\xBB\xBF" .. s end
  return s
end

local function column(doc, name)
  for i, n in ipairs(doc.header) do if n == name then return i end end
end

-- Changes the values of the named columns with fn(value, row index); false when none.
local function map_values(doc, names, fn)
  local any = false
  for _, name in ipairs(names) do
    local c = column(doc, name)
    if c then
      for r, row in ipairs(doc.rows) do
        local v = fn(row[c], r)
        if v ~= row[c] then any = true end
        row[c] = v
      end
    end
  end
  return any
end

-- ------------------------------------------------------------------ the files

-- kind → canonical fixture, French names of its columns (aliases of SCRIPTING.md §3; the
-- candidates' own further columns keep their names, as admit.candidates keeps them).
local KINDS = {
  formations = { path = HAND .. "formations.csv", fr = { formation_id = "Code formation", capacity = "Capacité",
    min_techno = "Taux minimum techno", min_pro = "Taux minimum pro", min_boursier = "Taux minimum boursiers",
    min_resident = "Taux minimum résidents", establishment = "Établissement", program = "Filière" } },
  candidates = { path = HAND .. "candidates.csv", fr = { id = "N° dossier", bac = "Type de bac",
    boursier = "Boursier du lycée", resident = "Résident" } },
  wishes = { path = HAND .. "wishes.csv", fr = { candidate_id = "Candidat", formation_id = "Formation",
    preference = "Ordre de préférence", rank = "Rang du vœu de classement" } },
  grades = { path = GRADES, fr = { id = "Numéro de dossier", bac = "Baccalauréat", boursier = "Bourse",
    resident = "Résidente" } },
  ranking = { fr = { id = "Numéro de dossier", rank = "Classement", boursier = "Bourse", resident = "Résident" } },
  opendata = { path = OPEN, fr = { cod_aff_form = "Code formation", capa_fin = "Capacité", acad_mies = "Académie",
    g_ea_lib_vx = "Établissement", ville_etab = "Ville", lib_for_voe_ins = "Filière", voe_tot = "Candidats",
    acc_tot = "Admis" } },
}
-- "Rang du vœu de classement" is no alias: the vœux' rank is mapped, as an officer would.
local MAP = { wishes = "wishes.rank=Rang du vœu de classement" }

-- A ranking (id, rank, flags, name, grade), best last in the file: rank is not file order.
local function ranking_doc()
  local g = load_doc(GRADES)
  local doc = { header = { "id", "rank", "boursier", "resident", "nom", "moyenne" }, rows = {}, sep = ",",
                eol = "\n", enc = "utf8", trailing = 0, unnamed = 0 }
  for i, row in ipairs(g.rows) do
    doc.rows[i] = { row[1], tostring(#g.rows + 1 - i), row[3], row[4], row[5], row[6] }
  end
  return doc
end

local function canonical(kind)
  if kind == "ranking" then return ranking_doc() end
  return load_doc(KINDS[kind].path)
end

-- ------------------------------------------------------------------ the quirks

local YES = { "Oui", "oui", "O", "x", "VRAI", "OUI" }
local NO = { "Non", "non", "N", "", "faux", "NON" }
local BAC_LABEL = { general = "Bac général", ["général"] = "BAC GENERAL", General = "Baccalauréat général",
  techno = "Bac technologique STMG", technologique = "STI2D", pro = "Bac pro Commerce",
  professionnel = "BAC PRO Métiers de l'électricité" }
local ID_COLUMNS = { id = true, candidate_id = true, formation_id = true, cod_aff_form = true }

-- Each quirk changes a document; it returns false where it does not apply to that kind
-- of file (no flag column in a vœux file...).
local QUIRKS = {
  { "French headers", function(doc, kind)
      local any = false
      for i, name in ipairs(doc.header) do
        local fr = KINDS[kind].fr[name]
        if fr then doc.header[i] = fr; any = true end
      end
      return any
    end },
  { "';' separator", function(doc)
      if doc.sep == ";" then return false, "the canonical file is ';'-separated already" end
      doc.sep = ";"
      return true
    end },
  { "Windows-1252", function(doc) doc.enc = "cp1252" return true end },
  { "UTF-8 with a BOM", function(doc) doc.enc = "bom" return true end },
  { "CRLF", function(doc) doc.eol = "\r\n" return true end },
  { "Oui/Non flags", function(doc)
      return map_values(doc, { "boursier", "resident" }, function(v, r)
        if v == "1" then return YES[r % #YES + 1] elseif v == "0" then return NO[r % #NO + 1] end
        return v
      end)
    end },
  { "bac labels", function(doc)
      return map_values(doc, { "bac" }, function(v) return BAC_LABEL[v] or v end)
    end },
  { "trailing ';;;;' rows", function(doc) doc.trailing = 3 return true end },
  { "empty header names", function(doc) doc.unnamed = 3 return true end },
  { "decimal comma", function(doc)
      local names = {}
      for _, n in ipairs(doc.header) do names[#names + 1] = n end
      return map_values(doc, names, function(v) return (v:gsub("^(%d+)%.(%d+)$", "%1,%2")) end)
    end },
  { "spaces around numbers", function(doc)
      local names = {}
      for _, n in ipairs(doc.header) do if not ID_COLUMNS[n] then names[#names + 1] = n end end
      return map_values(doc, names, function(v) return v:match("^%d+$") and " " .. v .. " " or v end)
    end },
}
-- everything at once, in Windows-1252 and in UTF-8 with a BOM (headers renamed last)
for _, enc in ipairs { "Windows-1252", "UTF-8 with a BOM" } do
  QUIRKS[#QUIRKS + 1] = { "all at once (" .. enc .. ")", function(doc, kind)
      for i = #QUIRKS, 1, -1 do
        local q = QUIRKS[i]
        if not q[1]:find("^all") and q[1] ~= "Windows-1252" and q[1] ~= "UTF-8 with a BOM" then q[2](doc, kind) end
      end
      doc.enc = enc == "Windows-1252" and "cp1252" or "bom"
      return true
    end }
end

-- The officer's version of `kind` under quirk q into dir; nil when q does not apply.
local MAPPED = {}   -- path → the --columns it needs (a header that is no alias)
local function officer_file(dir, kind, q)
  local doc = canonical(kind)
  local applies, why = q[2](doc, kind)
  if not applies then return nil, why end
  local path = h.write(dir .. "/" .. kind .. ".csv", render(doc))
  if MAP[kind] and column(doc, KINDS[kind].fr.rank) then MAPPED[path] = MAP[kind] end
  return path
end

-- ------------------------------------------------------------------ the loaders

local function run_ok(args)
  local out, err, code = h.run(args)
  assert.are.equal(0, code, err)
  return out, err
end

local function files(dir, names)
  local t = {}
  for _, n in ipairs(names) do t[n] = assert(h.slurp(dir .. "/" .. n), n) end
  return t
end

local OUTPUTS = { "assignments.csv", "formations.csv", "groups.csv", "summary.json" }

local function columns_opt(paths)
  for _, path in pairs(paths) do if MAPPED[path] then return MAPPED[path] end end
end

local function allocate(dir, p)
  local args = { "allocate", "--formations", p.formations, "--candidates", p.candidates, "--wishes", p.wishes,
                 "--out", dir .. "/out", "--quiet" }
  local map = columns_opt(p)
  if map then args[#args + 1] = "--columns"; args[#args + 1] = map end
  run_ok(args)
  return files(dir .. "/out", OUTPUTS)
end

local function lua_columns(p)
  return columns_opt(p) and { ["wishes.rank"] = "Rang du vœu de classement" } or nil
end

-- The cohort the open dataset rows are allocated with (generated once from the canonical file).
local cohort
local function open_cohort()
  if not cohort then
    cohort = h.tmpdir()
    run_ok({ "generate", "--formations", OPEN, "--candidates", "400", "--seed", "3", "--out", cohort })
  end
  return cohort
end

-- name, the kinds of file it reads (the quirk is applied to each), run(dir, paths) → result.
local LOADERS = {
  { "allocate: formations", { "formations" }, allocate },
  { "allocate: candidates", { "candidates" }, allocate },
  { "allocate: vœux", { "wishes" }, allocate },
  { "admit.simulate", { "formations", "candidates", "wishes" }, function(_, p)
      local r = admit.simulate { formations = p.formations, candidates = p.candidates, wishes = p.wishes,
                                 columns = lua_columns(p), mode = "school" }
      return { r:assignments(), r:formations(), r.summary }
    end },
  { "admit.simulate with a policy reading the candidates", { "formations", "candidates", "wishes" }, function(_, p)
      -- the policy sees the candidates' columns by their canonical names and values
      local policy = admit.policy { name = "flags first", rank = function(c)
        return (c.boursier == 1 and 4 or 0) + (c.resident == 1 and 2 or 0) + (c.bac == "techno" and 1 or 0)
      end }
      local r, applied = admit.simulate { formations = p.formations, candidates = p.candidates, wishes = p.wishes,
                                          columns = lua_columns(p), policies = { policy } }
      return { r:assignments(), applied }
    end },
  { "admit.sim_load", { "formations", "candidates", "wishes" }, function(_, p)
      local prob = admit.check(admit.sim_load(p.formations, p.candidates, p.wishes, { columns = lua_columns(p) }))
      local t = {}
      for i = 1, #prob do t[i] = { prob:formation(i), prob:applicants(i) } end
      return t
    end },
  { "admit phase", { "formations", "candidates", "wishes" }, function(dir, p)
      local args = { "phase", "--formations", p.formations, "--candidates", p.candidates, "--wishes", p.wishes,
                     "--out", dir .. "/out", "--seed", "5", "--days", "12" }
      local map = columns_opt(p)
      if map then args[#args + 1] = "--columns"; args[#args + 1] = map end
      run_ok(args)
      return files(dir .. "/out", { "assignments.csv", "formations.csv", "days.csv", "summary.json" })
    end },
  { "admit callorder", { "ranking" }, function(_, p)
      return (run_ok({ "callorder", "--min-boursiers", "20", "--min-residents", "30", p.ranking }))
    end },
  { "admit.candidates", { "grades" }, function(_, p)
      local set = admit.check(admit.candidates(p.grades))
      local rows = {}
      for i = 1, #set do
        rows[i] = {}
        for _, k in ipairs(set:columns()) do rows[i][k] = set[i][k] end
      end
      return { set:columns(), rows }
    end },
  { "ranking: admit.call_order", { "grades" }, function(_, p)
      local set = admit.check(admit.candidates(p.grades))
      local co = admit.call_order(set:rank { by = "moyenne", desc = true }, { boursier = 20, resident = 30 })
      local t = {}
      for k, row in co:rows() do t[k] = { row.id, row.rank, row.boursiers, row.residents } end
      return t
    end },
  { "open dataset: allocate --formations", { "opendata" }, function(dir, p)
      local c = open_cohort()
      run_ok({ "allocate", "--formations", p.opendata, "--candidates", c .. "/candidates.csv",
               "--wishes", c .. "/wishes.csv", "--out", dir .. "/out", "--quiet" })
      return files(dir .. "/out", OUTPUTS)
    end },
  { "open dataset: generate --formations", { "opendata" }, function(dir, p)
      run_ok({ "generate", "--formations", p.opendata, "--candidates", "300", "--seed", "9", "--out", dir .. "/gen" })
      return files(dir .. "/gen", { "formations.csv", "candidates.csv", "wishes.csv" })
    end },
}

local function canonical_paths(dir)
  local p = {}
  for kind, k in pairs(KINDS) do p[kind] = k.path end
  p.ranking = h.write(dir .. "/ranking.csv", render(ranking_doc()))
  return p
end

describe("every loader reads every officer quirk as the canonical file", function()
  after_each(h.remove_scratch)
  teardown(function() if cohort then os.execute("rm -rf " .. h.quote(cohort)) end end)

  local expected = {}
  for _, loader in ipairs(LOADERS) do
    for _, q in ipairs(QUIRKS) do
      it(loader[1] .. " × " .. q[1], function()
        local dir = h.scratch()
        local p = canonical_paths(dir)
        local applies, why = false, nil
        for _, kind in ipairs(loader[2]) do
          local f, reason = officer_file(dir, kind, q)
          if f then p[kind] = f; applies = true else why = why or reason end
        end
        if not applies then
          pending(why or "no column of " .. table.concat(loader[2], ", ") .. " files takes this quirk")
          return
        end
        if not expected[loader[1]] then
          local cdir = h.scratch()
          expected[loader[1]] = loader[3](cdir, canonical_paths(cdir))
        end
        assert.are.same(expected[loader[1]], loader[3](dir, p))
      end)
    end
  end
end)

-- ------------------------------------------------------------------ columns with no name

describe("header columns with no name", function()
  after_each(h.remove_scratch)

  -- each loader, a value under a column whose header has no name: an error at its place
  local CASES = {
    { "allocate: candidates", "candidates", "id;bac;boursier;resident;note;;\nx;general;0;0;;;\ny;général;0;0;;oui;\n" },
    { "allocate: formations", "formations", "formation_id;capacity;;establishment\nA;1;;Lycée A\nB;1;2;Lycée B\n" },
    { "allocate: vœux", "wishes", "candidate_id;formation_id;preference;rank;\nx;A;1;2;\nx;B;2;1;z\n" },
  }
  for _, case in ipairs(CASES) do
    it(case[1] .. ": a value under it names the line, the column and that it has no name", function()
      local dir = h.scratch()
      local p = canonical_paths(dir)
      p[case[2]] = h.write(dir .. "/bad.csv", case[3])
      local out, err, code = h.run({ "allocate", "--formations", p.formations, "--candidates", p.candidates,
                                     "--wishes", p.wishes, "--out", dir .. "/out" })
      assert.are.equal(2, code)
      assert.are.equal("", out)
      local line = select(2, case[3]:gsub("\n", "")) -- the last line
      assert.matches("bad.csv:" .. line .. ":%d+: '[^']+' under column %d, which has no name in the header %(line 1%)", err)
      assert.is_nil(io.open(dir .. "/out"))
    end)
  end

  it("callorder, admit.candidates, phase and the open dataset say the same", function()
    local dir = h.scratch()
    local ranking = h.write(dir .. "/r.csv", "id;;rank;boursier;resident\na;;2;0;0\nb; x ;1;1;0\n")
    local _, err, code = h.run({ "callorder", ranking })
    assert.are.equal(2, code)
    assert.matches("r.csv:3:4: 'x' under column 2, which has no name in the header (line 1): name the column, "
      .. "or empty it", err, 1, true)
    local c = h.write(dir .. "/c.csv", "id,bac,boursier,resident,,\nx,pro,0,0,,\ny,pro,0,0,,1\n")
    local ok, msg = admit.candidates(c)
    assert.is_nil(ok)
    assert.matches("c.csv:3:12: '1' under column 6", msg, 1, true)
    local p = canonical_paths(dir)
    local _, perr, pcode = h.run({ "phase", "--formations", p.formations, "--candidates", c, "--wishes", p.wishes,
                                    "--out", dir .. "/out" })
    assert.are.equal(2, pcode)
    assert.matches("c.csv:3:12: '1' under column 6", perr, 1, true)
    local lines = {}
    for l in h.slurp(OPEN):gmatch("[^\n]+") do lines[#lines + 1] = l .. (l:find("^2023;1002;") and ";;7" or ";;") end
    local o = h.write(dir .. "/o.csv", table.concat(lines, "\n") .. "\n")
    local _, gerr, gcode = h.run({ "generate", "--formations", o, "--candidates", "50", "--out", dir .. "/g" })
    assert.are.equal(2, gcode)
    assert.matches("o.csv:3:%d+: '7' under column 23, which has no name in the header", gerr)
  end)

  it("blank on every row, they are skipped wherever they are, and --explain lists them", function()
    local dir = h.scratch()
    local text = "N° dossier;;Classement;Boursier;Résident;  ;\r\na;;2;non;non;;\r\nb; ;1;oui;non;;\r\n;;;;;;\r\n"
    local f = h.write(dir .. "/r.csv", text)
    local out, err = run_ok({ "callorder", "--explain", f })
    assert.are.equal("id,call_rank\nb,1\na,2\n", out)
    assert.matches("    id             <- column 1 'N° dossier' (alias)\n"
      .. "    rank           <- column 3 'Classement' (alias)\n"
      .. "    boursier       <- column 4 'Boursier'\n"
      .. "    resident       <- column 5 'Résident'\n", err, 1, true)
    assert.matches("    (no name)         columns 2, 6, 7: no name in the header and empty on every row, skipped\n"
      .. "  rows       2 read, 1 skipped (entirely empty: line 4)\n", err, 1, true)
    local _, verr = run_ok({ "callorder", "-v", f })
    assert.matches("2 rows (1 empty skipped) (3 unnamed empty columns skipped); id <- column 1, rank <- column 3",
      verr, 1, true)
    -- admit.candidates keeps the named columns only
    local c = h.write(dir .. "/c.csv", "id;bac;;boursier;resident;note;\nx;pro;;0;0;12,5;\n")
    local set = admit.check(admit.candidates(c))
    assert.are.same({ "id", "bac", "boursier", "resident", "note" }, set:columns())
    assert.are.equal(12.5, set[1].note)
    -- a header with no name at all is not a header: the missing columns are named
    local _, nerr, ncode = h.run({ "callorder", "-" }, ";;;\na;1;0;0\n")
    assert.are.equal(2, ncode)
    assert.matches("missing column 'id'", nerr, 1, true)
  end)
end)

-- ------------------------------------------------------------------ --columns and the separator

describe("--columns with a header holding the separator", function()
  after_each(h.remove_scratch)

  local FILES = {
    { ",", 'N° dossier,"Rang, classement",Boursier,Résident\na,2,0,0\nb,1,1,0\n', 'rank="Rang, classement"',
      { rank = "Rang, classement" } },
    { ";", 'N° dossier;"Rang; classement";Boursier;Résident\na;2;0;0\nb;1;1;0\n', 'rank=Rang; classement',
      { rank = "Rang; classement" } },
    { ";", 'N° dossier;"Rang; classement";Boursier;Résident\na;2;0;0\nb;1;1;0\n', 'rank="Rang; classement"',
      { rank = "Rang; classement" } },
    { ",", 'N° dossier,"Rang ""pédagogique"", 2023",Boursier,Résident\na,2,0,0\nb,1,1,0\n',
      'rank="Rang ""pédagogique"", 2023"', { rank = 'Rang "pédagogique", 2023' } },
    { ",", 'N° dossier,"Rang, classement",Boursier,Résident\na,2,0,0\nb,1,1,0\n', ' id=N° dossier , rank="Rang, classement" ',
      { id = "N° dossier", rank = "Rang, classement" } },
  }
  for i, case in ipairs(FILES) do
    it("'" .. case[1] .. "'-file, --columns " .. case[3] .. " and {columns = ...}", function()
      local dir = h.scratch()
      local f = h.write(dir .. "/r" .. i .. ".csv", case[2])
      local out = run_ok({ "callorder", "--columns", case[3], f })
      assert.are.equal("id,call_rank\nb,1\na,2\n", out)
      -- the Lua form needs no quoting (a header is a string): a bac column named the same way
      local sep = case[1]
      local text = case[2]:gsub("Rang", "Bac"):gsub("\na" .. sep .. "2", "\na" .. sep .. "pro")
        :gsub("\nb" .. sep .. "1", "\nb" .. sep .. "techno")
      local explained
      local set = admit.check(admit.candidates(h.write(dir .. "/c" .. i .. ".csv", text),
        { columns = { bac = (case[4].rank:gsub("Rang", "Bac")), id = case[4].id },
          explain = function(t) explained = t end }))
      assert.are.same({ "pro", "techno" }, { set[1].bac, set[2].bac })
      assert.matches("    bac            <- column 2 '" .. case[4].rank:gsub("Rang", "Bac") .. "' (--columns)",
        explained, 1, true)
      -- the header line as the file writes it: the quoted name stays one column
      assert.matches("  header     line 1: " .. text:match("^[^\n]*") .. "\n", explained, 1, true)
    end)
  end

  it("the Lua {columns} form and --columns give allocate and admit.simulate the same mapping", function()
    local dir = h.scratch()
    local w = h.write(dir .. "/w.csv", h.slurp(HAND .. "wishes.csv"):gsub("^candidate_id,formation_id,preference,rank",
      'candidate_id,formation_id,"Préférence, ordre","Rang, classement"'))
    local cli = h.scratch()
    run_ok({ "allocate", "--formations", HAND .. "formations.csv", "--candidates", HAND .. "candidates.csv",
             "--wishes", w, "--out", cli .. "/o", "--quiet",
             "--columns", 'preference="Préférence, ordre",wishes.rank="Rang, classement"' })
    run_ok({ "allocate", "--formations", HAND .. "formations.csv", "--candidates", HAND .. "candidates.csv",
             "--wishes", HAND .. "wishes.csv", "--out", cli .. "/c", "--quiet" })
    assert.are.same(files(cli .. "/c", OUTPUTS), files(cli .. "/o", OUTPUTS))
    local r1 = admit.simulate { formations = HAND .. "formations.csv", candidates = HAND .. "candidates.csv",
                                wishes = HAND .. "wishes.csv" }
    local r2 = admit.simulate { formations = HAND .. "formations.csv", candidates = HAND .. "candidates.csv",
                                wishes = w, columns = { preference = "Préférence, ordre", ["wishes.rank"] = "Rang, classement" } }
    assert.are.same(r1:assignments(), r2:assignments())
  end)

  it("a quote never closed, or a quoted header the file lacks, is an error saying so", function()
    local dir = h.scratch()
    local f = h.write(dir .. "/r.csv", 'N° dossier,"Rang, classement",Boursier,Résident\na,2,0,0\n')
    local _, err, code = h.run({ "callorder", "--columns", 'rank="Rang, classement', f })
    assert.are.equal(2, code)
    assert.matches([[--columns: the quote opened in 'rank="Rang, classement' is never closed (a header holding a ]]
      .. [[comma is written field="Header, name")]], err, 1, true)
    _, err, code = h.run({ "callorder", "--columns", 'rank="Rang, class"', f })
    assert.are.equal(2, code)
    assert.matches("--columns rank=Rang, class: no column 'Rang, class' in the header; its columns are 'N° dossier', "
      .. "'Rang, classement', 'Boursier', 'Résident'", err, 1, true)
    -- without the quotes the comma ends the entry: the header would be 'Rang'
    _, err, code = h.run({ "callorder", "--columns", "rank=Rang, classement", f })
    assert.are.equal(2, code)
    assert.matches("--columns rank=Rang: no column 'Rang' in the header", err, 1, true)
  end)
end)

-- ------------------------------------------------------------------ --explain on the fast path

describe("allocate --explain says the same however the file is read", function()
  after_each(h.remove_scratch)

  -- A plain file takes allocate's fast path; the same data with one id in quotes is read by
  -- the common CSV reader: their --explain texts are the same but for the file's name.
  local VARIANTS = {
    { "plain", function(t) return t end },
    { "BOM, CRLF", function(t) return "\xEF\xBB\xBF" .. t:gsub("\n", "\r\n") end },
    { "empty rows before, inside and after", function(t)
        return " , ,\n" .. t:gsub("\n", "\n,,,\n\n", 3) .. ",,,\n , , , \n" end },
    { "';' and French headers", function(t)
        return t:gsub(",", ";"):gsub("^candidate_id;formation_id;preference;rank", "Candidat;Formation;Préférence;Classement") end },
  }
  for _, v in ipairs(VARIANTS) do
    it(v[1], function()
      local dir = h.scratch()
      local plain = v[2](h.slurp(HAND .. "wishes.csv"))
      local quoted = plain:gsub("\nx([,;])", '\n"x"%1', 1)
      assert.are_not.equal(plain, quoted)
      local a = h.write(dir .. "/a.csv", plain)
      local b = h.write(dir .. "/b.csv", quoted)
      local texts = {}
      for i, w in ipairs { a, b } do
        local _, err = run_ok({ "allocate", "--formations", HAND .. "formations.csv", "--candidates",
                                HAND .. "candidates.csv", "--wishes", w, "--out", dir .. "/o" .. i, "--explain", "--quiet" })
        texts[i] = err:gsub(dir:gsub("%p", "%%%0") .. "/[ab]%.csv", "W")
      end
      assert.are.equal(texts[2], texts[1])
      assert.matches("W (wishes file)\n", texts[1], 1, true)
      assert.matches("  rows       17 read", texts[1], 1, true)
    end)
  end
end)

-- ------------------------------------------------------------------ admit phase: the loader options

describe("admit phase takes the loader options of allocate", function()
  after_each(h.remove_scratch)

  local function both(dir, c, w, extra)
    local res = {}
    for _, cmd in ipairs { "allocate", "phase" } do
      local args = { cmd, "--formations", HAND .. "formations.csv", "--candidates", c, "--wishes", w,
                     "--out", dir .. "/" .. cmd }
      for _, a in ipairs(extra) do args[#args + 1] = a end
      local out, err, code = h.run(args)
      res[cmd] = { out = out, err = err, code = code }
    end
    return res.allocate, res.phase
  end

  it("--columns, --academie, --explain: the same reading, the same messages", function()
    local dir = h.scratch()
    local c = h.write(dir .. "/c.csv", h.slurp(HAND .. "candidates.csv"):gsub("^id,bac,boursier,resident",
      "Nom du candidat,bac,boursier,Académie de résidence"):gsub(",0,([^,\n]*)\n", ",Amiens,%1\n"):gsub(",1,([^,\n]*)\n", ",Lille,%1\n"))
    local w = h.write(dir .. "/w.csv", h.slurp(HAND .. "wishes.csv"):gsub("^candidate_id", "Dossier"))
    local opts = { "--columns", "id=Nom du candidat,wishes.candidate_id=Dossier", "--academie", "lille", "--explain" }
    local a, p = both(dir, c, w, opts)
    assert.are.equal(0, a.code, a.err)
    assert.are.equal(0, p.code, p.err)
    local function explained(err) return err:match("^(.-)\n[^\n]*$") or err end
    assert.matches("    id             <- column 1 'Nom du candidat' (--columns)", p.err, 1, true)
    assert.matches("    residence      <- column 4 'Académie de résidence' (alias)\n", p.err, 1, true)
    assert.matches("    resident          from column 4: lives in the académie lille\n", p.err, 1, true)
    assert.are.equal(explained(a.err):gsub("\nadmit allocate.*", ""), explained(p.err):gsub("\nadmit phase.*", ""))
    -- the résidents come from the académie: the same phase as the canonical files
    local cdir = h.scratch()
    run_ok({ "phase", "--formations", HAND .. "formations.csv", "--candidates", HAND .. "candidates.csv",
             "--wishes", HAND .. "wishes.csv", "--out", cdir .. "/p" })
    assert.are.same(files(cdir .. "/p", { "assignments.csv", "days.csv", "summary.json" }),
                    files(dir .. "/phase", { "assignments.csv", "days.csv", "summary.json" }))
    -- the same errors
    local cases = {
      { "--columns", "id=Numero" },
      { "--columns", "rnak=Classement" },
      { "--columns", "id=Nom du candidat,wishes.candidate_id=Dossier" },   -- no --academie
    }
    for _, extra in ipairs(cases) do
      local a2, p2 = both(h.scratch(), c, w, extra)
      assert.are.equal(2, a2.code)
      assert.are.equal(2, p2.code)
      assert.are.equal(a2.err, p2.err)
    end
  end)

  it("-v and --keep-columns; an unknown option of admit.phase gets did you mean", function()
    local dir = h.scratch()
    local a, p = both(dir, HAND .. "candidates.csv", HAND .. "wishes.csv", { "-v", "--keep-columns" })
    assert.are.equal(0, p.code, p.err)
    assert.matches("admit: " .. HAND .. "candidates.csv: UTF-8, ','-separated, 13 rows", p.err, 1, true)
    assert.are.equal(a.err:match("^(admit: [^\n]*\n[^\n]*\n[^\n]*\n)"), p.err:match("^(admit: [^\n]*\n[^\n]*\n[^\n]*\n)"))
    assert.matches("^candidate_id,formation_id,bac,boursier,resident,note\n", h.slurp(dir .. "/phase/assignments.csv"))
    local ok, err = pcall(admit.phase, { formations = HAND .. "formations.csv", candidates = HAND .. "candidates.csv",
                                         wishes = HAND .. "wishes.csv", colums = { id = "x" } })
    assert.is_false(ok)
    assert.matches("admit.phase: unknown field 'colums'; fields: .*; did you mean 'columns'%?", err)
  end)

  it("overbooking under a mapped formation_id is read from the mapped column", function()
    local dir = h.scratch()
    local f = h.write(dir .. "/f.csv", h.slurp(HAND .. "formations.csv"):gsub("^formation_id", "Code Parcoursup")
      :gsub("\n", ",overbooking\n", 1):gsub("\n([^\n]+)", "\n%1,100"))
    local c = h.write(dir .. "/f0.csv", h.slurp(HAND .. "formations.csv"):gsub("\n", ",overbooking\n", 1)
      :gsub("\n([^\n]+)", "\n%1,100"))
    run_ok({ "phase", "--formations", f, "--candidates", HAND .. "candidates.csv", "--wishes", HAND .. "wishes.csv",
             "--out", dir .. "/a", "--columns", "formations.formation_id=Code Parcoursup" })
    run_ok({ "phase", "--formations", c, "--candidates", HAND .. "candidates.csv", "--wishes", HAND .. "wishes.csv",
             "--out", dir .. "/b" })
    assert.are.same(files(dir .. "/b", { "assignments.csv", "days.csv" }), files(dir .. "/a", { "assignments.csv", "days.csv" }))
    local ref = h.scratch()
    run_ok({ "phase", "--formations", HAND .. "formations.csv", "--candidates", HAND .. "candidates.csv",
             "--wishes", HAND .. "wishes.csv", "--out", ref .. "/r" })
    assert.are_not.same(files(ref .. "/r", { "days.csv" }), files(dir .. "/a", { "days.csv" }))
  end)

  -- the column of a bad overbooking / rang_limite / nb_recrutements value is its column in
  -- the file, columns with no name before it counted (Excel's empty header cells)
  for _, case in ipairs {
    { "no unnamed column", ",overbooking", ",abc", 9 },
    { "one unnamed column before it", ",,overbooking", ",,abc", 10 },
    { "two unnamed columns before, one after", ",,,rang_limite,", ",,,-1,", 11 },
    { "an unnamed column between two phase columns", ",overbooking,,nb_recrutements", ",5,,x", 11 },
  } do
    it("a bad phase value is located at its column in the file: " .. case[1], function()
      local dir = h.scratch()
      local text = h.slurp(HAND .. "formations.csv"):gsub("\n", case[2] .. "\n", 1)
      local first = true
      text = text:gsub("\n([^\n]+)", function(line)
        local add = first and case[3] or case[3]:gsub("[^,]+", "")
        first = false
        return "\n" .. line .. add
      end)
      local f = h.write(dir .. "/f.csv", text)
      local _, err, code = h.run({ "phase", "--formations", f, "--candidates", HAND .. "candidates.csv", "--wishes",
        HAND .. "wishes.csv", "--out", dir .. "/o" })
      assert.are.equal(2, code, err)
      assert.matches("^admit: " .. f:gsub("%p", "%%%0") .. ":2:" .. case[4] .. ": ", err)
    end)
  end
end)
