-- Issue 3: the annex datasets — importer, data files, loader, Lua API, CLI, main job.
local h = require "helpers"

local FIX = h.root .. "/tests/fixtures/annex"
local SOURCE_NAME = "000_15ed9cf3954b8ee4.txt"
local SOURCE = FIX .. "/" .. SOURCE_NAME
local DATA = h.root .. "/data/2023-hauts-de-france"
local FILES = { "iut-techno.csv", "bts-pro.csv", "sante-boursiers.csv", "anomalies.csv", "SOURCE.md" }

local function lines_of(text, sep)
  local out = {}
  for l in (text .. (sep or "\n")):gmatch("(.-)" .. (sep or "\n")) do out[#out + 1] = l end
  return out
end

local function source_lines()
  return lines_of(assert(h.slurp(SOURCE)))
end

local function write_lines(path, lines)
  return h.write(path, table.concat(lines, "\n"))
end

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

local function csv_quote(v)
  if v:find('[,"\r\n]') then return '"' .. v:gsub('"', '""') .. '"' end
  return v
end

-- The rows of the source read independently of the C importer: the decree number says
-- the annex (from sources/README.md), the "- Académie de X -" lines say the académie,
-- every "|" line that is neither a header row nor a |---| line is a row.
local DECREE_ANNEX = { ["L-23-155"] = "techno", ["L-23-153"] = "pro", ["L-23-151"] = "boursier" }
local function independent_rows()
  local rows = { techno = {}, pro = {}, boursier = {} }
  local annex, academie
  for _, line in ipairs(source_lines()) do
    local number = line:match("^N° (L%-%d+%-%d+)$")
    if number then annex = DECREE_ANNEX[number] end
    if line:find("- Académie de Lille -", 1, true) then academie = "Lille" end
    if line:find("- Académie d'Amiens -", 1, true) then academie = "Amiens" end
    if line:sub(1, 1) == "|" and not line:find("Libellé établissement", 1, true)
       and not line:match("^|%-") then
      local cells = {}
      for cell in line:sub(2):gmatch("([^|]*)|") do cells[#cells + 1] = trim(cell) end
      local commune = #cells == 4 and cells[2] or ""
      table.insert(rows[annex], table.concat({ academie, csv_quote(cells[1]), csv_quote(commune),
        csv_quote(cells[#cells - 1]), cells[#cells] }, ","))
    end
  end
  return rows
end

local function count_by_academie(csv_lines)
  local n = { Lille = 0, Amiens = 0 }
  for _, l in ipairs(csv_lines) do
    local a = l:match("^(%a+),")
    n[a] = n[a] + 1
  end
  return n
end

local function import(src, out)
  return h.run({ "import-recueil", src, "--out", out })
end

-- An altered copy of the source: fn receives the list of lines and changes it in place.
local function altered(name, fn)
  local dir = h.tmpdir()
  local lines = source_lines()
  fn(lines)
  write_lines(dir .. "/" .. name, lines)
  return dir
end

local function import_error(name, fn)
  local dir = altered(name, fn)
  local out, err, code = h.run({ "import-recueil", name, "--out", "out" }, nil, { cwd = dir })
  assert.are.equal("", out)
  assert.are.equal(2, code)
  assert.is_nil(h.slurp(dir .. "/out/SOURCE.md"))
  return err
end

describe("admit import-recueil on the 2023 recueil", function()
  local tmp, out, err, code
  setup(function()
    tmp = h.tmpdir()
    out, err, code = h.run({ "import-recueil", SOURCE_NAME, "--out", tmp .. "/data" }, nil, { cwd = FIX })
  end)

  it("writes 462 rows and says so", function()
    assert.are.equal(0, code)
    assert.are.equal("462 rows written to " .. tmp .. "/data: techno 47 + 19, pro 265 + 117, "
      .. "boursier 7 + 7 (Lille + Amiens)\n", out)
  end)

  it("writes exactly the committed data files (bytes, SOURCE.md included)", function()
    for _, f in ipairs(FILES) do
      local got, want = h.slurp(tmp .. "/data/" .. f), h.slurp(DATA .. "/" .. f)
      assert.is_not_nil(want, f)
      assert.are.equal(want, got, f)
    end
  end)

  it("gives each annex the rows of the source, in order, counted independently", function()
    local want = independent_rows()
    local files = { techno = "iut-techno.csv", pro = "bts-pro.csv", boursier = "sante-boursiers.csv" }
    local counts = { techno = { 47, 19 }, pro = { 265, 117 }, boursier = { 7, 7 } }
    local total = 0
    for annex, file in pairs(files) do
      local text = h.slurp(DATA .. "/" .. file)
      assert.are.equal("\r\n", text:sub(-2))
      local got = lines_of(text:sub(1, -3), "\r\n")
      assert.are.equal("academie,establishment,commune,program,min_pct", table.remove(got, 1))
      assert.are.same(want[annex], got)
      local n = count_by_academie(want[annex])
      assert.are.same({ Lille = counts[annex][1], Amiens = counts[annex][2] }, n)
      total = total + #got
    end
    assert.are.equal(462, total)
  end)

  it("keeps labels as written: cut labels, typos, duplicates, homonyms (spot checks)", function()
    local pro = h.slurp(DATA .. "/bts-pro.csv")
    local function has(line) assert.is_truthy(pro:find("\r\n" .. line .. "\r\n", 1, true), line) end
    has('Lille,Lycée Cesar Baggio,Lille,"BTS - Production - Cybersécurité, Infor",39')
    has('Lille,Lycée Cesar Baggio,Lille,"BTS - Production - Cybersécurité, Infor",60')
    has("Lille,Lycée Alfred Kastler,Denain,BTS - Production - Conception des prod,62")
    has("Lille,Lycée professionnel Joliot-Curie,Oignies,BTS - Services - Economie sociale fam,45")
    has('Amiens,Lycée Pierre Méchain,Laon,"BTS - Production - Cybersécurité, Informatique et réseaux, '
      .. 'EElectronique - Option A : Informatique et réseaux",42')
    has("Amiens,Lycée du Vimeu,Frville-Escarbotin,BTS - Production - Electrotechnique,53")
    has("Lille,Lycée Louis Pasteur,Lille,BTS - Services - Professions immobilières,17")
    has("Lille,Lycée Louis Pasteur,Somain,BTS - Services - Gestion de la PME,64")
    has("Lille,Lycée Louis Pasteur,Hénin-Beaumont,BTS - Production - Travaux publics,44")
    has("Amiens,Lycée Jean- Baptiste Delambre,Amiens,BTS - Production - Electrotechnique,67")
    local techno = h.slurp(DATA .. "/iut-techno.csv")
    assert.is_truthy(techno:find("\r\nLille,I.U.T LITTORAL (BOULOGNE/MER),,BUT - Génie biologique "
      .. "parcours sciences de l'aliment et biotechnologie,40\r\n", 1, true))
    local sante = h.slurp(DATA .. "/sante-boursiers.csv")
    -- the last line of the source has no line break: it is not lost
    assert.are.equal("Amiens,Regroupement d'IFSI Université Amiens,Abbeville,D.E Infirmier,17\r\n",
      sante:sub(-#"Amiens,Regroupement d'IFSI Université Amiens,Abbeville,D.E Infirmier,17\r\n"))
    assert.are.equal(admit.nfc(pro), pro)
  end)

  it("reports the source's defects on stderr", function()
    local S = SOURCE_NAME
    assert.are.equal(table.concat({
      S .. ':330: cut label "BTS - Production - Cybersécurité, Infor" ("Infor", as in "Informatique" '
        .. "at line 781), 14 rows: lines 330, 331, 399, 400, 413, 414, 437, 468, 505, 583, 675, 680, 712, 713",
      S .. ':511: cut label "BTS - Production - Conception des prod" ("prod", as in "produits" at '
        .. "line 323), 1 row: lines 511",
      S .. ':658: cut label "BTS - Services - Economie sociale fam" ("fam", as in "familiale" at '
        .. "line 385), 1 row: lines 658",
      S .. ':331: key repeated: "BTS - Production - Cybersécurité, Infor": same establishment, commune '
        .. "and label as line 330 with another rate: 39 there, 60 here",
      S .. ':400: key repeated: "BTS - Production - Cybersécurité, Infor": same establishment, commune '
        .. "and label as line 399 with another rate: 42 there, 50 here",
      S .. ':414: key repeated: "BTS - Production - Cybersécurité, Infor": same establishment, commune '
        .. "and label as line 413 with another rate: 42 there, 50 here",
      S .. ':713: key repeated: "BTS - Production - Cybersécurité, Infor": same establishment, commune '
        .. "and label as line 712 with another rate: 42 there, 60 here",
      S .. ':380: homonymous establishments: "Lycée Louis Pasteur" names 3 establishments, told apart '
        .. "only by their commune: Lille (line 380), Somain (line 509), Hénin-Beaumont (line 642)",
      S .. ':431: homonymous establishments: "Lycée Jean Rostand" names 2 establishments, told apart '
        .. "only by their commune: Roubaix (line 431), Chantilly (line 841)",
      S .. ':624: homonymous establishments: "Lycée Condorcet" names 3 establishments, told apart '
        .. "only by their commune: Lens (line 624), Saint-Quentin (line 775), Méru (line 894)",
      S .. ':661: homonymous establishments: "Lycée Andre Malraux" names 2 establishments, told apart '
        .. "only by their commune: Béthune (line 661), Montataire (line 837)",
      S .. ':735: homonymous establishments: "Lycée Edouard Branly" names 2 establishments, told apart '
        .. "only by their commune: Boulogne-sur-Mer (line 735), Amiens (line 965)",
      S .. ':1057: homonymous establishments: "Regroupement Normandie et Amiens" names 3 establishments, '
        .. "told apart only by their commune: Amiens (line 1057), Caen (line 1058), Rouen (line 1059)",
      "26 anomalies of the source listed in " .. tmp .. "/data/anomalies.csv (carried over, not corrected)",
      "" }, "\n"), err)
  end)

  it("lists each anomaly in anomalies.csv", function()
    local rows = lines_of(h.slurp(DATA .. "/anomalies.csv"):sub(1, -3), "\r\n")
    assert.are.equal(27, #rows)
    assert.are.equal("anomaly,annex,academie,establishment,commune,program,min_pct,line,detail", rows[1])
    local kinds = {}
    for i = 2, #rows do
      local k = rows[i]:match("^([%a%-]+),")
      kinds[k] = (kinds[k] or 0) + 1
    end
    assert.are.same({ ["cut-label"] = 16, ["duplicate-key"] = 4, homonym = 6 }, kinds)
    assert.are.equal('cut-label,pro,Lille,Lycée Alfred Kastler,Denain,BTS - Production - Conception '
      .. 'des prod,62,511,"label ends in the middle of a word: ""prod"", as in ""produits"" at line 323"',
      rows[11])
    assert.are.equal('duplicate-key,pro,Lille,Lycée Blaise Pascal,Longuenesse,"BTS - Production - '
      .. 'Cybersécurité, Infor",60,713,"same establishment, commune and label as line 712 with another '
      .. 'rate: 42 there, 60 here"', rows[21])
    assert.are.equal('homonym,pro,,Lycée Louis Pasteur,,,,380,"""Lycée Louis Pasteur"" names 3 '
      .. "establishments, told apart only by their commune: Lille (line 380), Somain (line 509), "
      .. 'Hénin-Beaumont (line 642)"', rows[22])
  end)

  it("records decrees, dates and the source's SHA-256 in SOURCE.md", function()
    local md = h.slurp(DATA .. "/SOURCE.md")
    local p = io.popen("sha256sum " .. h.quote(SOURCE))
    local sum = p:read("a"):match("^(%x+)")
    p:close()
    assert.are.equal(64, #sum)
    assert.is_truthy(md:find("from `" .. SOURCE_NAME .. "` (1060 lines, the last without a line break, 69633 bytes),\nSHA-256 `"
      .. sum .. "`.", 1, true))
    assert.is_truthy(md:find("| N° L-23-155 (line 49) | 2023-05-05 (5 mai 2023) | bacheliers "
      .. "technologiques in IUT (BUT) | iut-techno.csv | 47 | 19 | 104–200, 211–249 |", 1, true))
    assert.is_truthy(md:find("| N° L-23-153 (line 264) | 2023-05-05 (5 mai 2023) | bacheliers "
      .. "professionnels in BTS | bts-pro.csv | 265 | 117 | 322–766, 775–971 |", 1, true))
    assert.is_truthy(md:find("| N° L-23-151 (line 986) | 2023-05-05 (5 mai 2023) | boursiers de "
      .. "lycée in health programmes | sante-boursiers.csv | 7 | 7 | 1039–1045, 1054–1060 |", 1, true))
    assert.is_truthy(md:find("462 rows in all.", 1, true))
    assert.is_falsy(md:find(h.root, 1, true))
  end)

  it("reads headings without bold and repeated header rows inside a table the same way", function()
    local dir = altered("plain.txt", function(lines)
      for i, l in ipairs(lines) do lines[i] = l:gsub("%*%*", "") end
      -- a page break that kept its header row but lost the blank line and heading
      local header, separator = lines[320], lines[321]
      table.insert(lines, 324, separator)
      table.insert(lines, 324, header)
    end)
    local _, _, c = import(dir .. "/plain.txt", dir .. "/out")
    assert.are.equal(0, c)
    for i = 1, 3 do
      assert.are.equal(h.slurp(DATA .. "/" .. FILES[i]), h.slurp(dir .. "/out/" .. FILES[i]))
    end
  end)
end)

describe("admit import-recueil on damaged copies", function()
  it("refuses a table whose heading was removed", function()
    local err = import_error("noheading.txt", function(lines)
      assert.are.equal("OBJECTIFS MINIMAUX", lines[202])
      assert.are.equal("- Académie d'Amiens -", lines[207])
      for _ = 202, 207 do table.remove(lines, 202) end
    end)
    assert.are.equal("admit: noheading.txt:203:1: table header without an annex heading above it "
      .. "(expected e.g. 'OBJECTIFS MINIMAUX ... - Académie de Lille -')\n", err)
  end)

  it("refuses a heading without its académie line", function()
    local err = import_error("noacad.txt", function(lines) table.remove(lines, 207) end)
    assert.are.equal("admit: noacad.txt:206:1: annex heading without its académie line (expected "
      .. "'- Académie de Lille -' or '- Académie d'Amiens -')\n", err)
  end)

  it("refuses an unknown académie", function()
    local err = import_error("paris.txt", function(lines) lines[207] = "- Académie de Paris -" end)
    assert.are.equal('admit: paris.txt:207:15: unknown académie "Paris": expected Lille or Amiens\n', err)
  end)

  it("refuses rows without a header row", function()
    local err = import_error("noheader.txt", function(lines)
      table.remove(lines, 209)
      table.remove(lines, 209)
    end)
    assert.are.equal("admit: noheader.txt:209:1: table row without a header row above it\n", err)
  end)

  it("refuses a bad number, located", function()
    local err = import_error("badnum.txt", function(lines)
      lines[104] = lines[104]:gsub("| 40 |$", "| 4O |")
    end)
    assert.are.equal('admit: badnum.txt:104:109: percentage: expected an integer from 0 to 100, got "4O"\n', err)
  end)

  it("refuses a rate over 100", function()
    local err = import_error("over.txt", function(lines)
      lines[104] = lines[104]:gsub("| 40 |$", "| 140 |")
    end)
    assert.are.equal('admit: over.txt:104:109: percentage: expected an integer from 0 to 100, got "140"\n', err)
  end)

  it("refuses an extra column, located at it", function()
    local err = import_error("extra.txt", function(lines)
      lines[322] = lines[322] .. " x |"
    end)
    assert.are.equal("admit: extra.txt:322:93: extra column: 5 cells where the header (line 320) has 4\n", err)
  end)

  it("refuses a missing column, located at the end of the row", function()
    local err = import_error("missing.txt", function(lines)
      lines[322] = lines[322]:gsub(" 46 |$", "")
    end)
    assert.are.equal("admit: missing.txt:322:87: missing column: 3 cells where the header (line 320) has 4\n", err)
  end)

  it("refuses a file cut in the middle of a row", function()
    local dir = h.tmpdir()
    local text = h.slurp(SOURCE)
    local at = text:find("| Lycée Diderot | Carvin | BTS - Services - Compta", 1, true)
    h.write(dir .. "/cut.txt", text:sub(1, at + #"| Lycée Diderot | Carvin | BTS - Services - Compta" - 1))
    local out, err, code = h.run({ "import-recueil", "cut.txt", "--out", "out" }, nil, { cwd = dir })
    assert.are.equal("", out)
    assert.are.equal(2, code)
    assert.are.equal("admit: cut.txt:634:51: truncated table row: expected '|' at the end of the line\n", err)
  end)

  it("refuses a file cut between two rows (an annex is missing)", function()
    local err = import_error("short.txt", function(lines)
      for _ = 701, #lines do table.remove(lines) end
    end)
    assert.are.equal("admit: short.txt:264:1: decree N° L-23-153 (bacheliers professionnels in BTS) has "
      .. "no table for the académie of Amiens (is the file truncated?)\n", err)
  end)

  it("refuses a file cut before the last decree", function()
    local err = import_error("short.txt", function(lines)
      for _ = 981, #lines do table.remove(lines) end
    end)
    assert.are.equal("admit: short.txt:980:1: no decree with annexes for the boursiers de lycée in health "
      .. "programmes was found (is the file truncated?)\n", err)
  end)

  it("refuses a malformed decree number and a missing one", function()
    local err = import_error("num.txt", function(lines) lines[264] = "N° L-23-l53" end)
    assert.are.equal("admit: num.txt:264:4: decree number: expected a number like 'L-23-155', got "
      .. '"L-23-l53"\n', err)
    err = import_error("nonum.txt", function(lines) lines[264] = "" end)
    assert.are.equal("admit: nonum.txt:318:1: annex heading for the bacheliers professionnels in BTS inside "
      .. "decree N° L-23-155, whose annexes are for the bacheliers technologiques in IUT (BUT)\n", err)
  end)

  it("refuses a text that is not UTF-8", function()
    local err = import_error("latin1.txt", function(lines) lines[3] = "Pr\xE9fet" end)
    assert.are.equal("admit: latin1.txt:3:3: not UTF-8 text: expected the recueil as UTF-8\n", err)
  end)

  it("leaves an existing output directory as it was on error", function()
    local dir = altered("bad.txt", function(lines) lines[104] = lines[104]:gsub("| 40 |$", "| x |") end)
    os.execute("mkdir -p " .. h.quote(dir .. "/out"))
    h.write(dir .. "/out/keep.txt", "mine")
    local _, _, code = import(dir .. "/bad.txt", dir .. "/out")
    assert.are.equal(2, code)
    assert.are.equal("mine", h.slurp(dir .. "/out/keep.txt"))
    local p = io.popen("ls -A " .. h.quote(dir))
    assert.are.equal("bad.txt\nout\n", p:read("a"))
    p:close()
  end)

  it("explains its usage when arguments are missing", function()
    local out, err, code = h.run({ "import-recueil", SOURCE })
    assert.are.equal("", out)
    assert.are.equal(2, code)
    assert.matches("^admit: import%-recueil needs SOURCE.txt and %-%-out DIR\nusage: admit import%-recueil", err)
  end)
end)

describe("annex CSV loader", function()
  local function load_error(file, kind)
    local ds, err = admit.annex_load(FIX .. "/" .. file, kind or "pro", file)
    assert.is_nil(ds)
    return err
  end

  it("locates a bad rate at line:column", function()
    local set, err = admit.annexes(FIX .. "/bad-rate")
    assert.is_nil(set)
    assert.are.equal(FIX .. '/bad-rate/bts-pro.csv:17:74: min_pct: expected an integer from 0 to 100, got "6O"', err)
  end)

  it("gives exact messages for malformed files", function()
    assert.are.equal('missing-column.csv:1:1: missing column "min_pct": the header must be '
      .. "academie,establishment,commune,program,min_pct", load_error("missing-column.csv"))
    assert.are.equal('unknown-column.csv:1:48: unknown column "rate": the header must be '
      .. "academie,establishment,commune,program,min_pct", load_error("unknown-column.csv"))
    assert.are.equal('unknown-academie.csv:3:1: academie: expected Lille or Amiens, got "Paris"',
      load_error("unknown-academie.csv"))
    assert.are.equal("extra-field.csv:4:105: 6 fields where the header has 5", load_error("extra-field.csv"))
    assert.are.equal("empty-commune.csv:3:26: commune: empty, expected the commune of the establishment "
      .. "(only IUT rows have none)", load_error("empty-commune.csv"))
    assert.are.equal('rate-101.csv:3:124: min_pct: expected an integer from 0 to 100, got "101"',
      load_error("rate-101.csv"))
    assert.are.equal("unterminated.csv:3:7: unterminated quoted field: the quote opened here is never closed",
      load_error("unterminated.csv"))
  end)

  it("reads semicolons, a BOM, CRLF and Windows-1252 alike", function()
    local a = assert(admit.annex_load(FIX .. "/semicolon-bom-crlf.csv", "pro"))
    local b = assert(admit.annex_load(FIX .. "/cp1252.csv", "pro"))
    assert.are.equal(3, #a)
    assert.are.equal(3, #b)
    for i = 1, 3 do assert.are.same(a[i], b[i]) end
    assert.are.same({ annex = "pro", academie = "Lille", establishment = "Lycée Cesar Baggio",
      commune = "Lille", program = "BTS - Production - Conception des processus de réalisation de "
      .. "produits (1ère année commune)", min_pct = 62 }, b[2])
  end)

  it("reads quoted fields, columns in any order, académie in any case", function()
    local ds = assert(admit.annex_load(FIX .. "/quoted.csv", "pro"))
    assert.are.same({ annex = "pro", academie = "Lille", establishment = "Lycée Test", commune = "Lille",
      program = 'BTS - Services - "Tourisme", option A', min_pct = 100 }, ds[1])
    assert.are.same({ annex = "pro", academie = "Amiens", establishment = "Lycée A, B", commune = "Méru",
      program = "BTS - Forge", min_pct = 0 }, ds[2])
  end)

  it("says which directory is missing", function()
    local set, err = admit.annexes(FIX .. "/nowhere")
    assert.is_nil(set)
    assert.are.equal(FIX .. "/nowhere: no such directory (expected the annex files iut-techno.csv, "
      .. "bts-pro.csv and sante-boursiers.csv in it)", err)
  end)
end)

describe("admit.annexes()", function()
  local set = assert(admit.annexes())

  it("returns the embedded 2023 set, loaded once", function()
    assert.are.equal(set, admit.annexes())
    assert.are.equal(66, #set.techno)
    assert.are.equal(382, #set.pro)
    assert.are.equal(14, #set.boursier)
    assert.are.equal("techno", set.techno.annex)
    assert.are.equal(26, #set.anomalies)
    assert.are.equal("annex set (" .. admit.data_dir .. "/2023-hauts-de-france): techno 66 rows, "
      .. "pro 382 rows, boursier 14 rows", tostring(set))
  end)

  it("cannot be changed (it is shared)", function()
    assert.has_error(function() set.pro = nil end, "the annex set is read-only (cannot set 'pro')")
    assert.has_error(function() set.anomalies[1].line = 0 end, "an anomaly is read-only (cannot set 'line')")
    local keys = {}
    for k in pairs(set) do keys[#keys + 1] = k end
    table.sort(keys)
    assert.are.same({ "anomalies", "boursier", "dir", "pro", "techno" }, keys)
    assert.are.equal(380, set.anomalies[21].line)
    local ok, err = pcall(admit.sandbox.load("admit.annexes().techno = nil", "=policy"))
    assert.is_false(ok)
    assert.matches("annexes is read%-only %(cannot set 'techno'%)", err)
  end)

  it("gives rows as tables with the six fields", function()
    assert.are.same({ annex = "techno", academie = "Amiens", establishment = "IUT de l'Aisne - Site de "
      .. "Soissons-Cuffies", commune = "", program = "BUT - Qualité, logistique industrielle et "
      .. "organisation", min_pct = 50 }, set.techno[66])
    assert.are.equal(math.type(set.pro[1].min_pct), "integer")
    assert.is_nil(set.pro[0])
    assert.is_nil(set.pro[383])
    local n, sum = 0, 0
    for i, row in set.boursier:rows() do
      n = n + 1
      assert.are.equal(n, i)
      sum = sum + row.min_pct
    end
    assert.are.equal(14, n)
    assert.are.equal(10 + 15 + 13 + 21 + 19 + 21 + 21 + 14 + 12 + 7 + 9 + 9 + 9 + 17, sum)
  end)

  it("finds rows case- and accent-insensitively, as views", function()
    local cyber = set.pro:find { program = "cybersecurite" }
    assert.are.equal(20, #cyber)
    local amiens = cyber:find { academie = "AMIENS" }
    assert.are.equal(6, #amiens)
    assert.are.equal("Lycée Condorcet", amiens[1].establishment)
    assert.are.equal(6, #set.pro:find { establishment = "louis pasteur" })
    assert.are.equal(3, #set.pro:find { establishment = "louis pasteur", commune = "henin" })
    assert.are.equal(2, #set.techno:find("BOULOGNE"))
    assert.are.equal(0, #set.pro:find { program = "astronautique" })
    assert.are.equal(382, #set.pro:find {})
    assert.has_error(function() set.pro:find { programme = "x" } end,
      "find: unknown field 'programme' (expected academie, establishment, commune or program)")
  end)

  it("keeps a view's rows alive after its set is collected", function()
    local view = assert(admit.annexes(DATA)).pro:find { commune = "beauvais" }
    collectgarbage()
    collectgarbage()
    assert.are.equal(10, #view)
    assert.are.equal("Lycée Felix Faure", view[1].establishment)
    assert.are.equal(2, #view:find("langevin"):find { program = "maintenance" } + 1)
  end)

  it("gives the minimum rate of a key, telling homonyms apart", function()
    assert.are.equal(64, set.pro:min_rate("Lycée Louis Pasteur", "BTS - Services - Gestion de la PME"))
    assert.are.equal(44, set.pro:min_rate("Lycée Louis Pasteur", "Travaux publics", "Hénin-Beaumont"))
    assert.are.equal(17, set.pro:min_rate("lycee louis pasteur", "immobilieres", "lille"))
    assert.are.equal(50, set.techno:min_rate("IUT d'Amiens", "BUT - Informatique"))
    assert.are.equal(21, set.boursier:min_rate("Valentine Labbe", "imagerie"))
  end)

  it("lists the candidates when a key is ambiguous or unknown", function()
    local rate, msg = set.pro:min_rate("Lycée Condorcet", "Gestion de la PME")
    assert.is_nil(rate)
    assert.are.equal('ambiguous: 2 rows match establishment "Lycée Condorcet" and programme '
      .. '"Gestion de la PME"; give the full label or the commune:'
      .. "\n  Lycée Condorcet (Lens) | BTS - Services - Gestion de la PME | 64% (bts-pro.csv:188)"
      .. "\n  Lycée Condorcet (Méru) | BTS - Services - Gestion de la PME | 64% (bts-pro.csv:338)", msg)
    assert.are.equal(64, set.pro:min_rate("Lycée Condorcet", "Gestion de la PME", "Méru"))
    rate, msg = set.pro:min_rate("Cesar Baggio", "Infor")
    assert.is_nil(rate)
    assert.are.equal('"Cesar Baggio" / "Infor" has 2 different rates in the source (a key repeated '
      .. "with another rate):\n  Lycée Cesar Baggio (Lille) | BTS - Production - Cybersécurité, Infor | "
      .. "39% (bts-pro.csv:10)\n  Lycée Cesar Baggio (Lille) | BTS - Production - Cybersécurité, Infor | "
      .. "60% (bts-pro.csv:11)", msg)
    rate, msg = set.boursier:min_rate("Faculté de médecine", "Kinésithérapie")
    assert.is_nil(rate)
    assert.are.equal('no boursier row for establishment "Faculté de médecine" and programme '
      .. '"Kinésithérapie"; the programmes of the establishments matching "Faculté de médecine":'
      .. "\n  Faculté de médecine Henri Warembourg - Université de Lille (Lille) | Certificat de capacité "
      .. "d'Orthophoniste | 10%\n  Faculté de médecine Henri Warembourg - Université de Lille (Lille) | "
      .. "Certificat de capacité d'Orthoptiste | 15%\n  Faculté de médecine Henri Warembourg - "
      .. "Université de Lille (Lille) | D.E Audioprothésiste | 13%", msg)
    rate, msg = set.techno:min_rate("Sorbonne", "Informatique")
    assert.is_nil(rate)
    assert.are.equal('no techno row for establishment "Sorbonne" and programme "Informatique"; '
      .. 'no establishment matches "Sorbonne"', msg)
  end)

  it("shows a dataset as an aligned table with its count, in 80 columns", function()
    local s = tostring(set.boursier:find { academie = "amiens" })
    local l = lines_of(s)
    assert.are.equal(9, #l)
    assert.are.equal('academie  establishment             commune    program                   min_pct', l[1])
    assert.are.equal('Amiens    Institut de formation e…  Amiens     D.E Ergothérapeute              7', l[4])
    assert.are.equal("boursier: 7 rows", l[9])
    assert.are.equal("pro: 382 rows (first 10 shown; ds:table() shows them all)", lines_of(tostring(set.pro))[12])
    assert.are.equal(384, #lines_of(set.pro:table()))
    assert.are.equal("techno: 0 rows", tostring(set.techno:find("nothing like this")))
  end)

  it("is shown by the REPL as its table", function()
    local out, err, code = h.run({ "-i" }, "admit.annexes().boursier:find{academie = 'lille'}\n")
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.is_truthy(out:find("\n> academie  establishment ", 1, true))
    assert.is_truthy(out:find("\nLille     Regroupement d'IFSI U…", 1, true))   -- fits 80 columns
    assert.is_truthy(out:find("\nboursier: 7 rows\n> ", 1, true))
  end)

  it("offers its methods to the REPL's Tab completion", function()
    local repl = require "admit.repl"
    local globals = debug.getregistry()[2]   -- LUA_RIDX_GLOBALS: what the REPL sees
    globals.__annex_ds = set.pro
    assert.are.same({ "min_rate" }, repl.complete("__annex_ds.mi", "mi"))
    assert.are.same({ "annex", "find", "min_rate", "rows", "source", "table" }, repl.complete("__annex_ds.", ""))
    globals.__annex_ds = nil
  end)

  it("is allowed in the sandbox, but not with a directory", function()
    local fn = admit.sandbox.load("return admit.annexes().pro:min_rate('Lycée Colbert', "
      .. "'Electrotechnique')", "=policy")
    assert.are.equal(67, fn())
    local refusal = "admit.annexes: in the sandbox, only admit's own data (no argument) can be read"
    -- a tail call, a pcall, a coroutine, a callback: the policy is always seen
    for _, src in ipairs({ "return admit.annexes('/etc')", "local s = admit.annexes('/etc') return s",
                           "return select(2, pcall(admit.annexes, '/etc'))",
                           "return select(2, coroutine.wrap(pcall)(admit.annexes, '/etc'))",
                           "return ('/etc'):gsub('.+', admit.annexes)" }) do
      -- a refusal is raised, or returned as a value by the pcall forms: the message either way
      local _, msg = pcall(admit.sandbox.load(src, "=policy"))
      assert.is_truthy(tostring(msg):find(refusal, 1, true), src)
    end
    -- trusted code may name a directory, also through a tail call
    local function load(dir) return admit.annexes(dir) end
    assert.are.equal(382, #load(DATA).pro)
  end)
end)

describe("admit annexes (command)", function()
  it("prints aligned tables (--width 0: texts never cut; fitting a width: 16-lang_spec)", function()
    local out, err, code = h.run({ "annexes", "--annex", "pro", "--find", "louis pasteur", "--width", "0" })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.are.equal(table.concat({
      "pro: 6 rows",
      "academie  establishment        commune         program                                                                                      min_pct",
      "Lille     Lycée Louis Pasteur  Lille           BTS - Services - Négociation et digitalisation de la Relation Client                              64",
      "Lille     Lycée Louis Pasteur  Lille           BTS - Services - Professions immobilières                                                         17",
      "Lille     Lycée Louis Pasteur  Somain          BTS - Services - Gestion de la PME                                                                64",
      "Lille     Lycée Louis Pasteur  Hénin-Beaumont  BTS - Production - Fluide, énergie, domotique - option C domotique et bâtiment communicants       62",
      "Lille     Lycée Louis Pasteur  Hénin-Beaumont  BTS - Production - Management économique de la construction                                       50",
      "Lille     Lycée Louis Pasteur  Hénin-Beaumont  BTS - Production - Travaux publics                                                                44",
      "" }, "\n"), out)
  end)

  it("puts each annex's title line directly above its own table, empty annexes on one line", function()
    local out, _, code = h.run({ "annexes", "--find", "cybersecurite", "--width", "0" })
    assert.are.equal(0, code)
    local blocks = {}
    for block in (out .. "\n"):gmatch("(.-)\n\n") do blocks[#blocks + 1] = block end
    assert.are.equal(3, #blocks)
    assert.are.equal("techno: no rows", blocks[1])
    assert.matches("^pro: 20 rows\nacademie  establishment", blocks[2])
    local lines = 0
    for _ in blocks[2]:gmatch("[^\n]+") do lines = lines + 1 end
    assert.are.equal(1 + 1 + 20, lines)  -- title, header, rows: no count line below
    assert.are.equal("boursier: no rows", blocks[3])
  end)

  it("writes CSV with the annex column", function()
    local out, _, code = h.run({ "annexes", "--format", "csv" })
    assert.are.equal(0, code)
    local l = lines_of(out:sub(1, -2))
    assert.are.equal(463, #l)
    assert.are.equal("annex,academie,establishment,commune,program,min_pct", l[1])
    assert.are.equal("techno,Lille,I.U.T LITTORAL (BOULOGNE/MER),,BUT - Génie biologique parcours "
      .. "sciences de l'aliment et biotechnologie,40", l[2])
    assert.are.equal('pro,Lille,Lycée Cesar Baggio,Lille,"BTS - Production - Cybersécurité, Infor",39', l[76])
    assert.are.equal("boursier,Amiens,Regroupement d'IFSI Université Amiens,Abbeville,D.E Infirmier,17", l[463])
  end)

  it("writes deterministic JSON, filtered by académie", function()
    local cjson = require "cjson"
    local out, _, code = h.run({ "annexes", "--annex", "boursier", "--academie", "amiens", "--format", "json" })
    assert.are.equal(0, code)
    local again = h.run({ "annexes", "--annex", "boursier", "--academie", "amiens", "--format", "json" })
    assert.are.equal(out, again)
    local rows = cjson.decode(out)
    assert.are.equal(7, #rows)
    assert.are.equal(9, rows[4].min_pct)
    assert.are.equal('{"annex":"boursier","academie":"Amiens","establishment":"Institut de formation en '
      .. 'Ergothérapie du chu Amiens-Picardie","commune":"Amiens","program":"D.E Ergothérapeute",'
      .. '"min_pct":7}', lines_of(out)[4]:gsub(",$", ""))
    assert.are.equal("[]\n", (h.run({ "annexes", "--find", "zzz", "--format", "json" })))
  end)

  it("reads another directory and reports its errors located, exit 2", function()
    local out, _, code = h.run({ "annexes", "--dir", FIX .. "/small", "--format", "csv" })
    assert.are.equal(0, code)
    assert.are.equal(1 + 5 + 20 + 3, #lines_of(out:sub(1, -2)))
    local err
    out, err, code = h.run({ "annexes", "--dir", FIX .. "/bad-rate" })
    assert.are.equal("", out)
    assert.are.equal(2, code)
    assert.are.equal("admit: " .. FIX .. '/bad-rate/bts-pro.csv:17:74: min_pct: expected an integer '
      .. 'from 0 to 100, got "6O"\n', err)
  end)

  it("refuses unknown choices with exit 2", function()
    local _, err, code = h.run({ "annexes", "--annex", "bac" })
    assert.are.equal(2, code)
    assert.matches("^admit: unknown annex 'bac': expected techno, pro, boursier\nusage:", err)
    _, err, code = h.run({ "annexes", "--academie", "Paris" })
    assert.are.equal(2, code)
    assert.are.equal("admit: unknown académie 'Paris': expected Lille or Amiens\n", err)
    _, err, code = h.run({ "annexes", "--format", "xml" })
    assert.are.equal(2, code)
    assert.matches("^admit: unknown format 'xml': expected table, csv, json\n", err)
  end)
end)

describe("the main job's annex summary", function()
  it("prints counts, rate spread and anomalies", function()
    local out, err, code = h.run({ "scripts/main.lua" }, nil, { cwd = h.root })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    for _, want in ipairs({
      "techno    bacheliers technologiques, IUT (BUT)         47      19     66",
      "pro       bacheliers professionnels, BTS              265     117    382",
      "boursier  boursiers de lycée, health programmes         7       7     14",
      "all                                                   319     143    462",
      "techno      18  50.0    50.0  50.0   60   47.3",
      "pro         11  44.0    54.5  61.0   80   49.1",
      "boursier     7   9.2    13.5  18.5   21   14.1",
      "Anomalies of the source (anomalies.csv, carried over, not corrected): 26",
      "  16 rows with a cut label:",
      "  4 keys (establishment, commune, label) repeated with another rate:",
      "    Lycée Louis Pasteur: Lille (line 380), Somain (line 509), Hénin-Beaumont (line 642)",
    }) do
      assert.is_truthy(out:find("\n" .. want .. "\n", 1, true), want)
    end
  end)

  it("runs the exploration example", function()
    local out, err, code = h.run({ "scripts/annexes_explore.lua" }, nil, { cwd = h.root })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    for _, want in ipairs {
      "\ntechno: 2 rows\n",                                          -- 1. a table and its count
      "\n20 BTS rows mention Cybersécurité; 6 in the académie d'Amiens\n",  -- 2.
      "\nhighest BTS minimum: 80% at ",                                 -- 3.
      "\nLycée Louis Pasteur, Gestion de la PME: 64\n",                -- 4.
      "\nLycée Louis Pasteur (Hénin-Beaumont), Travaux publics: 44\n",
      "\nambiguous: nil\nambiguous: 2 rows match establishment \"Lycée Condorcet\"",  -- 5.
      "\n  Lycée Condorcet (Lens) | BTS - Services - Support à l'action managériale | 59% (bts-pro.csv:",
      "\n  Lycée Condorcet (Saint-Quentin) | BTS - Services - Support à l'action managériale | 55% (bts-pro.csv:",
      "\nwith the commune (Lens): 59\n",
      "\nthe source gives two rates: nil\n",
      "\nanomalies: 16 cut labels, 4 keys with two rates, 6 homonyms\n",  -- 6.
    } do
      assert.is_truthy(out:find(want, 1, true), want)
    end
    assert.is_nil(out:find("\nnil\n", 1, true))  -- no bare nil: every message is printed
  end)
end)

describe("SCRIPTING.md §2", function()
  it("has examples that run and print what their comments say", function()
    local doc = h.slurp(h.root .. "/SCRIPTING.md")
    local section = doc:match("\n## 2%. Annex datasets\n(.-)\n## 3%.")
    local outputs = {}
    for code in section:gmatch("```lua\n(.-)```") do
      local out, err, status = h.run({ "-" }, code)
      assert.are.equal("", err, code)
      assert.are.equal(0, status, code)
      outputs[#outputs + 1] = out
    end
    assert.are.equal(3, #outputs)
    assert.matches("^66\t382\t14\n6\tLycée Condorcet\t42\n", outputs[1])
    assert.matches("^64\n44\nnil\tambiguous: 2 rows match", outputs[2])
    assert.is_truthy(outputs[2]:find('\nnil\t"Lycée Colbert" / "Cybersécurité, Infor" has 2 different rates', 1, true))
    assert.matches("^duplicate%-key\t331\tLycée Cesar Baggio\t", outputs[3])
  end)
end)
