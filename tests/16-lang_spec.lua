-- French and English (issue 10 §2): --lang fr|en on every command, the default from
-- LC_ALL / LC_MESSAGES / LANG, every bad-input row of tests/11-badinput_spec.lua shown
-- translated to a French user, help texts and summaries in both languages, machine
-- formats unchanged.
local h = require "helpers"
local admit = require "admit"
local i18n = require "admit.i18n"

local EN = "LC_ALL= LC_MESSAGES= LANG=C.UTF-8"
local FR = "LC_ALL= LC_MESSAGES= LANG=fr_FR.UTF-8"

--- The rows of the bad-input table (the spec file returns them; its describe/it do nothing here).
local function badinput_table()
  local env = setmetatable({
    describe = function() end, it = function() end, pending = function() end,
    after_each = function() end, before_each = function() end, setup = function() end,
    teardown = function() end,
  }, { __index = _G })
  return assert(loadfile(h.root .. "/tests/11-badinput_spec.lua", "t", env))()
end

--- The message of an "admit: message" report.
local function message_of(err)
  return (err:gsub("^admit: ", ""):gsub("\n$", ""))
end

--- Asserts that text has a complete French translation and returns it.
local function french(text)
  local fr, complete = i18n.translate(text, "fr")
  if not complete then
    local missing = {}
    for line in (text .. "\n"):gmatch("([^\n]*)\n") do
      local _, ok = i18n.translate(line, "fr")
      if not ok then missing[#missing + 1] = line end
    end
    error("no French translation for:\n  " .. table.concat(missing, "\n  "), 2)
  end
  return fr
end

describe("every bad-input row, in French", function()
  after_each(h.remove_scratch)
  local t = badinput_table()
  for _, case in ipairs(t.cases) do
    local K = t.kinds[case.kind]
    local args = case.cli or K.cli
    if args and not case.ok and not case.pending then
      it(case.kind .. " × " .. case[1] .. " (CLI)", function()
        local dir = t.prepare(case)
        local stdin = K.stdin and case.text or nil
        local _, err_en, code_en = h.run(args, stdin, { cwd = dir, env = EN })
        local out, err, code = h.run(args, stdin, { cwd = dir, env = FR })
        assert.are.equal("", out)
        assert.are.equal(code_en, code)
        local en = message_of(err_en)
        local fr = french(en)
        assert.are_not.equal(en, fr)
        assert.are.equal("admit: " .. fr .. "\n", err)
      end)
    end
    if K.api and not case.no_api and not case.ok and not case.pending then
      it(case.kind .. " × " .. case[1] .. " (API message, translated for display)", function()
        local dir = t.prepare(case)
        local ok, v, msg = pcall(K.api, dir)
        local got = not ok and (type(v) == "table" and v.message or tostring(v)) or msg
        assert.is_string(got)
        -- the API itself answers in English (scripts match its messages)
        assert.are_not.equal(french(got), got)
      end)
    end
  end
end)

describe("help texts in both languages", function()
  local cli = require "admit.cli"
  local function check(args)
    local en, err_en, code_en = h.run(args, nil, { env = EN })
    assert.are.equal("", err_en)
    assert.are.equal(0, code_en)
    local fr = french(en)
    assert.are_not.equal(en, fr)
    local got, err, code = h.run(args, nil, { env = FR })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.are.equal(fr, got)
    return en, fr
  end
  it("admit --help, in French from LANG, every line translated", function()
    local _, fr = check { "--help" }
    assert.matches("^utilisation : admit %[options%]", fr)
    assert.matches("\nCommandes :\n  allocate +affecte les places", fr)
  end)
  it("admit help", function() check { "help" } end)
  for _, name in ipairs(cli.names()) do
    it("admit " .. name .. " --help", function() check { name, "--help" } end)
    it("admit help " .. name, function() check { "help", name } end)
  end
end)

describe("choosing the language", function()
  local cases = {
    { "LANG=fr_FR.UTF-8", "fr" }, { "LANG=fr_CA.UTF-8", "fr" }, { "LANG=fr", "fr" },
    { "LANG=en_GB.UTF-8", "en" }, { "LANG=C", "en" }, { "LANG=de_DE.UTF-8", "en" }, { "", "en" },
    { "LANG=fr_FR.UTF-8 LC_ALL=C", "en" }, { "LANG=C LC_ALL=fr_BE.UTF-8", "fr" },
    { "LANG=C LC_MESSAGES=fr_FR.UTF-8", "fr" }, { "LANG=fr_FR.UTF-8 LC_MESSAGES=en_US.UTF-8", "en" },
    { "LC_ALL= LANG=fr_FR.UTF-8", "fr" },
  }
  for _, c in ipairs(cases) do
    it("env [" .. c[1] .. "] → " .. c[2], function()
      local out, err, code = h.run({ "-e", "io.write(require('admit.i18n').lang())" }, nil,
        { env = "env -u LC_ALL -u LC_MESSAGES -u LANG " .. c[1] })
      assert.are.equal("", err)
      assert.are.equal(0, code)
      assert.are.equal(c[2], out)
    end)
  end
  it("--lang wins over the environment, before a script or on a command", function()
    local out = h.run({ "--lang", "en", "-e", "io.write(require('admit.i18n').lang())" }, nil, { env = FR })
    assert.are.equal("en", out)
    out = h.run({ "--lang=fr", "-e", "io.write(require('admit.i18n').lang())" }, nil, { env = EN })
    assert.are.equal("fr", out)
    local _, err, code = h.run({ "callorder", "--lang", "fr", "--min-boursiers", "x" }, "", { env = EN })
    assert.are.equal(2, code)
    assert.are.equal("admit: --min-boursiers : le taux doit être un entier de 0 à 100, lu 'x'\n", err)
    _, err, code = h.run({ "callorder", "--min-boursiers", "x", "--lang=en" }, "", { env = FR })
    assert.are.equal(2, code)
    assert.are.equal("admit: --min-boursiers: the rate must be an integer from 0 to 100, got 'x'\n", err)
  end)
  local bad = {
    { { "--lang", "de", "-e", "" }, "admit: --lang : 'de' n'est ni fr ni en\n" },
    { { "--lang" }, "admit: '--lang' demande un argument\n" },
    { { "annexes", "--lang", "es" }, "admit: --lang : 'es' n'est ni fr ni en\n" },
    { { "annexes", "--lang" }, "admit: l'option --lang demande une valeur (fr ou en)\n" },
  }
  for _, b in ipairs(bad) do
    it("a bad --lang is an input error: " .. table.concat(b[1], " "), function()
      local out, err, code = h.run(b[1], nil, { env = FR })
      assert.are.equal("", out)
      assert.are.equal(2, code)
      assert.are.equal(b[2], err:match("^[^\n]*\n"))
    end)
  end
  it("a script reads the choice: i18n.lang(), i18n.tr()", function()
    local out = h.run({ "--lang", "fr", "-e",
      "local i = require 'admit.i18n' io.write(i.lang(), '|', i.tr('Commands:'), '|', i.tr('Commands:', 'en'))" })
    assert.are.equal("fr|Commandes :|Commands:", out)
  end)
end)

describe("--csv excel: CSV files for a French Excel", function()
  after_each(h.remove_scratch)
  local BOM = "\xEF\xBB\xBF"
  local cases = {
    { "plain fields and CRLF", "a,b\nx,y\n", BOM .. "a;b\r\nx;y\r\n" },
    { "decimal comma in decimal numbers only", "n,s\n1.5,1.2.3\n-2.25,.5\n10,v1.0\n",
      BOM .. "n;s\r\n1,5;1.2.3\r\n-2,25;.5\r\n10;v1.0\r\n" },
    { "a comma inside a field needs no quotes any more", 'a,b\n"x,y",z\n', BOM .. "a;b\r\nx,y;z\r\n" },
    { "';', quotes and newlines are quoted", 'a,b\nx;y,"q""r"\n"l1\nl2",3\n',
      BOM .. 'a;b\r\n"x;y";"q""r"\r\n"l1\nl2";3\r\n' },
    { "empty fields and a last line without newline", "a,b,c\n,,\n1,,2", BOM .. "a;b;c\r\n;;\r\n1;;2\r\n" },
    { "CRLF input, an existing BOM", BOM .. "a,b\r\n1.25,2\r\n", BOM .. "a;b\r\n1,25;2\r\n" },
    { "UTF-8 text kept as it is", "établissement,vœu\nLycée Gay-Lussac,1\n",
      BOM .. "établissement;vœu\r\nLycée Gay-Lussac;1\r\n" },
  }
  for _, c in ipairs(cases) do
    it("admit.write_dir(..., {csv = 'excel'}): " .. c[1], function()
      local out = h.scratch() .. "/out"
      assert.is_true(admit.write_dir(out, { ["t.csv"] = c[2], ["notes.txt"] = c[2] }, { csv = "excel" }))
      assert.are.equal(c[3], h.slurp(out .. "/t.csv"))
      assert.are.equal(c[2], h.slurp(out .. "/notes.txt"))   -- only .csv files change
    end)
  end
  it("the default stays RFC 4180 (',' '.' LF, no BOM)", function()
    local out = h.scratch() .. "/out"
    assert.is_true(admit.write_dir(out, { ["t.csv"] = "a,b\n1.5,2\n" }))
    assert.are.equal("a,b\n1.5,2\n", h.slurp(out .. "/t.csv"))
    assert.is_true(admit.write_dir(out, { ["t.csv"] = "a,b\n1.5,2\n" }, { csv = "rfc4180" }))
    assert.are.equal("a,b\n1.5,2\n", h.slurp(out .. "/t.csv"))
  end)
  it("another dialect is an error", function()
    local out = h.scratch() .. "/out"
    assert.has_error(function() admit.write_dir(out, { ["t.csv"] = "a\n" }, { csv = "tsv" }) end,
      "csv: 'tsv' is not rfc4180 or excel")
  end)

  local function cohort(dir)
    local _, err, code = h.run({ "generate", "--out", "in", "--candidates", "400", "--seed", "7" }, nil, { cwd = dir })
    assert.are.equal(0, code, err)
    return { "allocate", "--formations", "in/formations.csv", "--candidates", "in/candidates.csv",
             "--wishes", "in/wishes.csv" }
  end
  it("admit allocate --csv excel: the same tables, in the Excel dialect; JSON and XLSX unchanged", function()
    local dir = h.scratch()
    local args = cohort(dir)
    local function run(out, extra)
      local a = { table.unpack(args) }
      a[#a + 1] = "--out"; a[#a + 1] = out
      for _, x in ipairs(extra) do a[#a + 1] = x end
      local _, err, code = h.run(a, nil, { cwd = dir })
      assert.are.equal(0, code, err)
    end
    run("plain", {})
    run("excel", { "--csv", "excel" })
    for _, name in ipairs { "assignments.csv", "formations.csv" } do
      local plain, excel = h.slurp(dir .. "/plain/" .. name), h.slurp(dir .. "/excel/" .. name)
      assert.is_true(admit.write_dir(dir .. "/ref", { [name] = plain }, { csv = "excel" }))
      local expect = h.slurp(dir .. "/ref/" .. name)
      assert.are.equal(expect, excel)
      assert.are.equal(BOM, excel:sub(1, 3))
      assert.is_nil(excel:find("[^\r]\n"), "a record ends without CRLF in " .. name)
      local _, lf = plain:gsub("\n", "")
      local _, crlf = excel:gsub("\r\n", "")
      assert.are.equal(lf, crlf)
    end
    -- formations.csv has shares: their decimal point became a comma
    local excel = h.slurp(dir .. "/excel/formations.csv")
    assert.matches(";%d+,%d;", excel)
    assert.is_nil(excel:find(";%d+%.%d;"))
    assert.are.equal(h.slurp(dir .. "/plain/summary.json"), h.slurp(dir .. "/excel/summary.json"))
  end)
  it("admit allocate --csv with another value: exit 2, nothing written", function()
    local dir = h.scratch()
    local args = cohort(dir)
    for _, x in ipairs { "--out", "o", "--csv", "xls" } do args[#args + 1] = x end
    local out, err, code = h.run(args, nil, { cwd = dir, env = EN })
    assert.are.equal("", out)
    assert.are.equal(2, code)
    assert.matches("^admit: %-%-csv: 'xls' is not rfc4180 or excel\nusage: admit allocate", err)
    local _, err_fr = h.run(args, nil, { cwd = dir, env = FR })
    err = err_fr
    assert.matches("^admit: %-%-csv : 'xls' n'est ni rfc4180 ni excel\nutilisation : admit allocate", err)
    assert.is_nil(h.slurp(dir .. "/o/formations.csv"))
  end)
end)

describe("admit annexes fits the terminal width", function()
  local function widest(text)
    local w = 0
    for line in text:gmatch("[^\n]+") do w = math.max(w, utf8.len(line)) end
    return w
  end
  local NOTE = "\n%(labels wrapped to fit (%d+) columns; %-%-width 0: one line each%)\n$"
  local rows = {
    { "not a terminal, no COLUMNS: 80", {}, "env -u COLUMNS", 80 },
    { "COLUMNS=100", {}, "COLUMNS=100", 100 },
    { "COLUMNS=60", {}, "COLUMNS=60", 60 },
    { "--width 120 wins over COLUMNS", { "--width", "120" }, "COLUMNS=60", 120 },
    { "--find with a narrow width", { "--find", "relation client", "--width", "70" }, "", 70 },
  }
  for _, r in ipairs(rows) do
    it(r[1] .. ": every line fits, no word of a label is lost", function()
      local args = { "annexes" }
      for _, a in ipairs(r[2]) do args[#args + 1] = a end
      local out, err, code = h.run(args, nil, { env = r[3] .. " " .. EN })
      assert.are.equal("", err)
      assert.are.equal(0, code)
      assert.is_true(widest(out) <= r[4], "a line is wider than " .. r[4])
      assert.are.equal(tostring(r[4]), out:match(NOTE))
      -- the same characters as the table with one line per row: nothing lost, nothing added
      local full_args = { table.unpack(args) }
      full_args[#full_args + 1] = "--width"
      full_args[#full_args + 1] = "0"
      local full = h.run(full_args, nil, { env = EN })
      local function chars(text)
        local t = {}
        for _, c in utf8.codes((text:gsub("%s", ""))) do t[#t + 1] = c end
        table.sort(t)
        return table.concat(t, ",")
      end
      assert.are.equal(chars(full), chars((out:gsub(NOTE, "\n"))))
    end)
  end
  it("a wide enough terminal, or --width 0, wraps nothing and says nothing", function()
    local out = h.run({ "annexes", "--width", "0" }, nil, { env = EN })
    assert.is_nil(out:find("wrapped", 1, true))
    assert.is_true(widest(out) > 200)   -- the labels of the decrees are long
    out = h.run({ "annexes", "--annex", "boursier" }, nil, { env = "COLUMNS=400 " .. EN })
    assert.is_nil(out:find("wrapped", 1, true))
  end)
  it("at 80 columns, exactly", function()
    local out = h.run({ "annexes", "--annex", "pro", "--find", "louis pasteur" }, nil,
      { env = "env -u COLUMNS " .. EN })
    assert.are.equal(table.concat({
      "pro: 6 rows",
      "academie  establishment     commune         program                      min_pct",
      "Lille     Lycée Louis       Lille           BTS - Services -                  64",
      "          Pasteur                           Négociation et",
      "                                            digitalisation de la",
      "                                            Relation Client",
      "Lille     Lycée Louis       Lille           BTS - Services -                  17",
      "          Pasteur                           Professions immobilières",
      "Lille     Lycée Louis       Somain          BTS - Services - Gestion de       64",
      "          Pasteur                           la PME",
      "Lille     Lycée Louis       Hénin-Beaumont  BTS - Production - Fluide,        62",
      "          Pasteur                           énergie, domotique - option",
      "                                            C domotique et bâtiment",
      "                                            communicants",
      "Lille     Lycée Louis       Hénin-Beaumont  BTS - Production -                50",
      "          Pasteur                           Management économique de la",
      "                                            construction",
      "Lille     Lycée Louis       Hénin-Beaumont  BTS - Production - Travaux        44",
      "          Pasteur                           publics",
      "(labels wrapped to fit 80 columns; --width 0: one line each)",
      "" }, "\n"), out)
  end)
  it("in French", function()
    local out = h.run({ "annexes", "--find", "relation client" }, nil, { env = "env -u COLUMNS " .. FR })
    assert.matches("^techno : aucune ligne\n\npro : 21 lignes\n", out)
    assert.matches("\n%(libellés repliés pour tenir en 80 colonnes ; %-%-width 0 : une ligne chacun%)\n$", out)
  end)
  it("a bad width is a usage error", function()
    local _, err, code = h.run({ "annexes", "--width", "wide" }, nil, { env = EN })
    assert.are.equal(2, code)
    assert.are.equal("admit: --width: 'wide' is not a whole number of columns\n", err)
    _, err = h.run({ "annexes", "--width", "wide" }, nil, { env = FR })
    assert.are.equal("admit: --width : 'wide' n'est pas un nombre entier de colonnes\n", err)
  end)
end)

describe("tostring(ds) and ds:table(max_rows, width) fit a width", function()
  it("tostring shows its first rows in 80 columns", function()
    local set = admit.annexes()
    for _, kind in ipairs { "techno", "pro", "boursier" } do
      for line in tostring(set[kind]):gmatch("[^\n]+") do assert.is_true(utf8.len(line) <= 80, line) end
    end
  end)
  it("ds:table(0, width) cuts texts with … so that every line fits; ds:table() cuts nothing", function()
    local ds = admit.annexes().pro
    for _, width in ipairs { 60, 80, 120 } do
      local text = ds:table(0, width)
      for line in text:gmatch("[^\n]+") do assert.is_true(utf8.len(line) <= width, line) end
      assert.truthy(text:find("…", 1, true))
    end
    assert.is_nil(ds:table():find("…", 1, true))
  end)
end)

describe("the REPL shows what was asked, readably, in 80 columns", function()
  local function repl(lines, env)
    local out, err, code = h.run({ "-i" }, table.concat(lines, "\n") .. "\n",
      { env = (env or "env -u COLUMNS") .. " " .. EN })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    return out
  end
  local function widest(text)   -- of the results: the prompts before them are not theirs
    local w = 0
    for line in text:gmatch("[^\n]+") do w = math.max(w, utf8.len((line:gsub("^[> ]*> ", "")))) end
    return w
  end
  it("a read-only list (a.anomalies) and its rows show their contents", function()
    local out = repl { "a = admit.annexes()", "a.anomalies", "a.anomalies[1]", "#a.anomalies" }
    assert.matches("> {\n  {\n    academie = \"Lille\",\n    annex = \"pro\",\n    anomaly = \"cut%-label\",", out)
    assert.matches("\n  %.%.%. %(6 more%)\n}\n%(lines cut at 80 columns; print%(%.%.%.%) shows them whole%)\n> {\n  academie = \"Lille\",", out)
    assert.matches("\n  line = 330,\n", out)
    assert.matches("\n> 26\n", out)
    assert.is_nil(out:find("> {}\n", 1, true))
  end)
  it("ds:table() prints the table, its lines cut at 80 columns, and says so", function()
    local out = repl { "x = admit.annexes().pro:find('louis pasteur')", "x:table()" }
    assert.matches("\n> > academie  establishment  +commune  +program  +…\n", out)
    assert.matches("\nLille     Lycée Louis Pasteur  Lille           BTS %- Services %- Négociation et …\n", out)
    assert.matches("\npro: 6 rows\n%(lines cut at 80 columns; print%(%.%.%.%) shows them whole%)\n", out)
    assert.is_nil(out:find("\\n", 1, true))
    assert.is_true(widest(out) <= 80)
    out = repl({ "x = admit.annexes().pro:find('louis pasteur')", "x:table()" }, "COLUMNS=200")
    assert.is_nil(out:find("lines cut", 1, true))
    assert.matches("min_pct\n", out)
    out = repl { "x = admit.annexes().pro:find('louis pasteur')", "x:table(0, 80)" }
    assert.is_nil(out:find("lines cut", 1, true))
    assert.matches("min_pct\n", out)
  end)
  it("a message (nil, msg of :min_rate) shows as text, not an escaped string", function()
    local out = repl { "a = admit.annexes()", "a.pro:min_rate('Lycée Louis Pasteur', 'BTS')" }
    assert.matches("\n> > nil\nambiguous: 6 rows match establishment \"Lycée Louis Pasteur\"", out)
    assert.matches("\n  Lycée Louis Pasteur %(Lille%) | BTS %- Services", out)
    assert.is_nil(out:find("\\n", 1, true))
    assert.is_nil(out:find('\\"', 1, true))
  end)
  it("a one-line string stays quoted; a number, a boolean as they are", function()
    local out = repl { "'one line'", "1 + 1", "true" }
    assert.matches('\n?> "one line"\n> 2\n> true\n', out)
  end)
  it("a candidate preview names the columns it leaves out and shows flags as the rows do", function()
    local out = repl { "c = admit.candidates('" .. h.root .. "/tests/fixtures/callorder/candidates.csv')",
                       "c", "c[1].boursier" }
    assert.matches("\nid    bac      boursier  resident  nom", out)
    assert.matches("\n1001  general  false     true      Candidat 01", out)
    assert.matches("\n%(2 more columns not shown: specialite, motivation; %[i%] shows row i whole%)\n", out)
    assert.matches("\n> false\n", out)
    assert.is_true(widest(out) <= 80)
  end)
end)

describe("the example policies say what the sources say", function()
  local lfs = require "lfs"
  local dir = h.root .. "/scripts/policies"
  local files = {}
  for f in lfs.dir(dir) do if f:match("%.lua$") then files[#files + 1] = f end end
  table.sort(files)
  for _, f in ipairs(files) do
    it(f .. ": one story about where policies go, claims cited, and it loads", function()
      local text = h.slurp(dir .. "/" .. f)
      assert.is_nil(text:find("allowed by the decree", 1, true))
      assert.is_nil(text:lower():find("the law", 1, true))
      assert.is_nil(text:find("copy this file to scripts/policies", 1, true))
      assert.truthy(text:find("a folder of your own", 1, true))
      assert.truthy(text:find("--policies", 1, true))
      if text:find("What the sources fix", 1, true) then
        assert.truthy(text:find("docs/ordre%-appel%.md §7"))
      end
      assert.is_not_nil(admit.load_policy(f:match("^(.*)%.lua$")))
    end)
  end
  it("bts-ndrc.lua counts the formations admit annexes --find 'relation client' lists", function()
    local said = h.slurp(dir .. "/bts-ndrc.lua"):match("%((%d+) formations in 2023: admit annexes %-%-find \"relation client\"%)")
    assert.is_not_nil(said)
    local out = h.run({ "annexes", "--find", "relation client", "--format", "csv" })
    local _, rows = out:gsub("\n", "")
    assert.are.equal(tonumber(said), rows - 1)
  end)
end)

-- A recueil from a PDF (README, "The embedded data"): the spec writes a small PDF itself
-- (one page, Courier, the lines of the fuzz corpus' valid recueil), extracts its text with
-- pdftotext -layout (Debian poppler-utils, in DEB_PKGS) and imports it.
describe("a recueil's text from a PDF: pdftotext -layout", function()
  after_each(h.remove_scratch)

  local function latin1(s)   -- PDF strings in WinAnsiEncoding: Latin-1 for these texts
    local out = {}
    for _, c in utf8.codes(s) do
      assert(c < 256, "not in Latin-1: " .. utf8.char(c))
      out[#out + 1] = string.char(c)
    end
    return table.concat(out)
  end

  --- A one-page PDF showing lines in Courier 6 pt, 8 pt apart.
  local function pdf(lines)
    local height = #lines * 8 + 40
    local ops = { "BT /F1 6 Tf 8 TL 20 " .. (height - 20) .. " Td" }
    for _, l in ipairs(lines) do
      ops[#ops + 1] = "(" .. latin1(l):gsub("[()\\]", "\\%0") .. ") Tj T*"
    end
    ops[#ops + 1] = "ET"
    local content = table.concat(ops, "\n")
    local objs = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1200 " .. height .. "] /Contents 4 0 R "
        .. "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " .. #content .. " >>\nstream\n" .. content .. "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    }
    local out, offsets = { "%PDF-1.4\n" }, {}
    local pos = #out[1]
    for i, o in ipairs(objs) do
      offsets[i] = pos
      out[#out + 1] = i .. " 0 obj\n" .. o .. "\nendobj\n"
      pos = pos + #out[#out]
    end
    local xref = { "xref\n0 " .. (#objs + 1) .. "\n0000000000 65535 f \n" }
    for i = 1, #objs do xref[#xref + 1] = string.format("%010d 00000 n \n", offsets[i]) end
    out[#out + 1] = table.concat(xref)
    out[#out + 1] = "trailer\n<< /Size " .. (#objs + 1) .. " /Root 1 0 R >>\nstartxref\n" .. pos .. "\n%%EOF\n"
    return table.concat(out)
  end

  it("gives the recueil's lines back, and admit import-recueil the same annex files", function()
    assert(os.execute("command -v pdftotext > /dev/null"), "pdftotext is missing: make deps installs poppler-utils")
    local dir = h.scratch()
    local source = h.slurp(h.root .. "/tests/fuzz/corpus/recueil/valid")
    local lines = {}
    for l in source:gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
    h.write(dir .. "/recueil.pdf", pdf(lines))
    h.write(dir .. "/valid.txt", source)
    assert(os.execute("cd " .. h.quote(dir) .. " && pdftotext -layout recueil.pdf recueil.txt"))
    local text = h.slurp(dir .. "/recueil.txt")
    assert.are.equal(source, (text:gsub("\n?\f$", "\n")))   -- a form feed ends each page
    local _, err, code = h.run({ "import-recueil", "recueil.txt", "--out", "from-pdf" }, nil, { cwd = dir })
    assert.are.equal(0, code, err)
    _, err, code = h.run({ "import-recueil", "valid.txt", "--out", "from-text" }, nil, { cwd = dir })
    assert.are.equal(0, code, err)
    for _, f in ipairs { "iut-techno.csv", "bts-pro.csv", "sante-boursiers.csv", "anomalies.csv" } do
      assert.are.equal(h.slurp(dir .. "/from-text/" .. f), h.slurp(dir .. "/from-pdf/" .. f))
    end
  end)
end)

describe("other messages, in French, every line translated", function()
  after_each(h.remove_scratch)
  local rows = {
    { "an unknown command (with the list of commands)", { "nosuchcmd" } },
    { "a missing option of a command (with its usage)", { "allocate", "--formations", "a" } },
    { "an unknown option of a command", { "allocate", "--bogus" } },
    { "an unknown option of admit", { "--bogus" } },
    { "an option without its value", { "--max-memory" } },
    { "--sandbox with -i", { "--sandbox", "-i" } },
    { "an unknown format", { "annexes", "--format", "xml" } },
    { "a bad number", { "generate", "--out", "o", "--seed", "x" } },
    { "two files to callorder", { "callorder", "a", "b" } },
    { "import-recueil without --out", { "import-recueil", "x" } },
    { "an output folder holding someone else's files (a name with a space)",
      { "generate", "--candidates", "10", "--out", "my folder" }, setup = function(dir)
        os.execute("mkdir -p " .. h.quote(dir .. "/my folder"))
        h.write(dir .. "/my folder/note.txt", "mine\n")
      end },
    { "a Lua error with its traceback", { "-e", "local t = nil; return t.x" } },
    { "a syntax error", { "-e", "x = = 1" } },
    { "an instruction limit", { "--max-instructions", "100000", "-e", "while true do end" } },
    { "a missing script", { "nosuch.lua" } },
  }
  for _, r in ipairs(rows) do
    it(r[1], function()
      local dir = h.scratch()
      if r.setup then r.setup(dir) end
      local _, err_en, code_en = h.run(r[2], nil, { cwd = dir, env = EN })
      local _, err_fr, code_fr = h.run(r[2], nil, { cwd = dir, env = FR })
      assert.are.equal(code_en, code_fr)
      assert.is_true(code_en ~= 0)
      local en = message_of(err_en)
      local fr = french(en)
      assert.are_not.equal(en, fr)
      assert.are.equal("admit: " .. fr .. "\n", err_fr)
    end)
  end
end)

describe("terminal summaries, in French, every line translated", function()
  after_each(h.remove_scratch)
  local function both(args, dir)
    local out_en, err_en, code_en = h.run(args, nil, { cwd = dir, env = EN })
    local out_fr, err_fr, code_fr = h.run(args, nil, { cwd = dir .. "/fr", env = FR })
    assert.are.equal(0, code_en, err_en)
    assert.are.equal(0, code_fr, err_fr)
    return out_en, err_en, out_fr, err_fr
  end
  local function same_in_french(en, fr)
    local want = french(en)
    assert.are.equal(want, fr)
    if en ~= "" then assert.are_not.equal(en, fr) end
  end
  it("import-recueil of the 2023 recueil: figures and the source's defects", function()
    local dir = h.scratch()
    os.execute("mkdir -p " .. h.quote(dir .. "/fr"))
    local src = h.root .. "/tests/fixtures/annex/000_15ed9cf3954b8ee4.txt"
    local out_en, err_en, out_fr, err_fr = both({ "import-recueil", src, "--out", "annex" }, dir)
    same_in_french(out_en, out_fr)
    same_in_french(err_en, err_fr)
    assert.matches("^462 lignes écrites dans annex : techno 47 %+ 19", out_fr)
    assert.matches("\n26 anomalies de la source listées dans annex/anomalies%.csv %(reprises, non corrigées%)\n$", err_fr)
    -- the files are the same in both languages (machine formats)
    for _, f in ipairs { "iut-techno.csv", "bts-pro.csv", "sante-boursiers.csv", "anomalies.csv" } do
      assert.are.equal(h.slurp(dir .. "/annex/" .. f), h.slurp(dir .. "/fr/annex/" .. f))
    end
  end)
  it("generate and allocate: their last line; the tables are the same in both languages", function()
    local dir = h.scratch()
    os.execute("mkdir -p " .. h.quote(dir .. "/fr"))
    local _, err_en, _, err_fr = both({ "generate", "--out", "in", "--candidates", "300" }, dir)
    same_in_french(err_en, err_fr)
    assert.matches("^admit generate : 300 candidats, %d+ vœux, 462 formations dans in\n$", err_fr)
    local args = { "allocate", "--formations", "in/formations.csv", "--candidates", "in/candidates.csv",
                   "--wishes", "in/wishes.csv", "--out", "out" }
    local out_en, out_fr
    out_en, _, out_fr = both(args, dir)
    local last_en, last_fr = out_en:match("([^\n]*)\n$"), out_fr:match("([^\n]*)\n$")
    same_in_french(last_en, last_fr)
    assert.matches("^Résultats dans out/ : ouvrez out/report%.html", last_fr)
    for _, f in ipairs { "assignments.csv", "formations.csv", "summary.json" } do
      assert.are.equal(h.slurp(dir .. "/out/" .. f), h.slurp(dir .. "/fr/out/" .. f))
    end
  end)
end)
