-- Every command in French, with the strict check (issue 10 §2, closing it): run with
-- ADMIT_I18N_STRICT=1, admit reports on standard error every text it shows in French
-- without a catalogue entry ("admit: i18n-strict: no French for: ..."); each row below runs
-- a command as an officer would and fails on any such report, and, as a second net, on a
-- common English word left in what it printed (a text that bypassed the display points).
-- Then: terminal tables aligned by characters with accented names, in both languages, and
-- French numbers (97,3 %) in text but never in machine formats.
local h = require "helpers"
local i18n = require "admit.i18n"

local FR = "LC_ALL= LC_MESSAGES= LANG=fr_FR.UTF-8 ADMIT_I18N_STRICT=1 COLUMNS=100"
local EN = "LC_ALL= LC_MESSAGES= LANG=C.UTF-8 ADMIT_I18N_STRICT=1 COLUMNS=100"
local HAND = h.root .. "/tests/fixtures/sim/hand/"
local NNBSP = "\u{202F}"

local english_in, misses_in, all_french = h.english_in, h.i18n_misses, h.all_french

-- A cohort with accented académies (Besançon, Orléans-Tours, La Réunion) and one from the
-- open dataset's layout, made once for the whole file.
local work, cohort, opendata
setup(function()
  work = h.tmpdir()
  cohort, opendata = work .. "/cohort", work .. "/od"
  local _, err, code = h.run({ "generate", "--out", cohort, "--seed", "3", "--candidates", "2000",
    "--formations", "40" }, nil, { env = EN })
  assert(code == 0, err)
  _, err, code = h.run({ "generate", "--out", opendata, "--seed", "3", "--candidates", "600",
    "--formations", h.root .. "/tests/fixtures/opendata/formations.csv" }, nil, { env = EN })
  assert(code == 0, err)
  h.write(work .. "/policies-s.lua", 'return admit.policy{ establishment = "IFSI S",'
    .. ' rank = function(c) return -c.rank end, rates = { boursier = 0 } }')
  os.execute("mkdir -p " .. h.quote(work .. "/policies") .. " && mv " .. h.quote(work .. "/policies-s.lua")
    .. " " .. h.quote(work .. "/policies/s-no-rate.lua"))
end)
teardown(function() os.execute("rm -rf " .. h.quote(work)) end)
after_each(h.remove_scratch)

local function inputs(dir)
  return "--formations", dir .. "/formations.csv", "--candidates", dir .. "/candidates.csv",
    "--wishes", dir .. "/wishes.csv"
end

-- { name, function() -> args, stdin, opts } : every command, in the ways an officer runs it.
local RUNS = {
  { "admit --help", function() return { "--help" } end },
  { "admit help", function() return { "help" } end },
  { "admit -v (the REPL's banner)", function() return { "-v" } end },
  { "the REPL, a result cut to the terminal", function() return { "-i" }, ("x"):rep(300) .. " = 1\nreturn ('y'):rep(300)\n" end },
  { "allocate, student mode, --explain", function() local f, a, c, b, w, d = inputs(cohort)
      return { "allocate", f, a, c, b, w, d, "--explain", "--out", h.scratch() .. "/o" } end },
  { "allocate, school mode, -v", function() local f, a, c, b, w, d = inputs(cohort)
      return { "allocate", f, a, c, b, w, d, "--mode", "school", "-v", "--out", h.scratch() .. "/o" } end },
  { "allocate -v, a formations file with unnamed empty columns and --columns", function()
      local text = h.slurp(cohort .. "/formations.csv"):gsub("\n", ",,\n")
      local f = h.write(h.scratch() .. "/f.csv", text)
      return { "allocate", "--formations", f, "--candidates", cohort .. "/candidates.csv", "--wishes",
        cohort .. "/wishes.csv", "-v", "--columns", "id=id", "--quiet", "--out", h.scratch() .. "/o" } end },
  { "allocate, --quiet", function() local f, a, c, b, w, d = inputs(cohort)
      return { "allocate", f, a, c, b, w, d, "--quiet", "--out", h.scratch() .. "/o" } end },
  { "allocate, an open-dataset formations file (observed shares, notes)", function()
      return { "allocate", "--formations", h.root .. "/tests/fixtures/opendata/formations.csv", "--candidates",
        opendata .. "/candidates.csv", "--wishes", opendata .. "/wishes.csv", "--explain", "--out", h.scratch() .. "/o" } end },
  { "compare, a policy that loses a legal minimum", function()
      return { "compare", "--formations", HAND .. "formations.csv", "--candidates", HAND .. "candidates.csv",
        "--wishes", HAND .. "wishes.csv", "--policies", work .. "/policies", "--out", h.scratch() .. "/o" } end },
  { "compare, make run's cohort and policies", function()
      return { "compare", "--candidates-count", "3000", "--out", h.scratch() .. "/o" } end },
  { "phase", function() local f, a, c, b, w, d = inputs(cohort)
      return { "phase", f, a, c, b, w, d, "--days", "5", "--out", h.scratch() .. "/o" } end },
  { "generate, annexes", function() return { "generate", "--out", h.scratch() .. "/g", "--candidates", "500" } end },
  { "generate, an open-dataset file with --explain (notes)", function()
      return { "generate", "--out", h.scratch() .. "/g", "--candidates", "300", "--explain",
        "--formations", h.root .. "/tests/fixtures/opendata/formations.csv" } end },
  { "callorder --explain", function()
      return { "callorder", "--explain", "--min-boursiers", "20", h.root .. "/tests/fixtures/callorder/bacasable.csv" } end },
  { "annexes (table)", function() return { "annexes" } end },
  { "annexes --find, narrow", function() return { "annexes", "--find", "relation client", "--width", "60" } end },
  { "import-recueil (anomalies on stderr)", function()
      return { "import-recueil", h.root .. "/tests/fuzz/corpus/recueil/valid", "--out", h.scratch() .. "/r" } end },
  { "make run (scripts/main.lua)", function()
      return { h.root .. "/scripts/main.lua" }, nil, { cwd = h.scratch() } end },
  -- errors of each command (tests/16-lang_spec.lua has every bad-input row)
  { "allocate without --out", function() local f, a, c, b, w, d = inputs(cohort)
      return { "allocate", f, a, c, b, w, d } end, 2 },
  { "phase, a bad --days", function() local f, a, c, b, w, d = inputs(cohort)
      return { "phase", f, a, c, b, w, d, "--days", "0", "--out", h.scratch() .. "/o" } end, 2 },
  { "compare, half a cohort", function()
      return { "compare", "--formations", HAND .. "formations.csv", "--out", h.scratch() .. "/o" } end, 2 },
  { "report of a folder that is not an output", function() return { "report", h.scratch() } end, 2 },
  -- phase: its own errors (behaviour parameters, the formations file's phase columns)
  { "phase --mode-params, an unknown parameter", function() local f, a, c, b, w, d = inputs(cohort)
      local p = h.write(h.scratch() .. "/p.lua", "return { zorg = 1 }")
      return { "phase", f, a, c, b, w, d, "--mode-params", p, "--out", h.scratch() .. "/o" } end, 1 },
  { "phase --mode-params, a probability out of range", function() local f, a, c, b, w, d = inputs(cohort)
      local p = h.write(h.scratch() .. "/p.lua", "return { ra_share = 2 }")
      return { "phase", f, a, c, b, w, d, "--mode-params", p, "--out", h.scratch() .. "/o" } end, 1 },
  { "phase --mode-params, a day out of range", function() local f, a, c, b, w, d = inputs(cohort)
      local p = h.write(h.scratch() .. "/p.lua", "return { ra_day = 500 }")
      return { "phase", f, a, c, b, w, d, "--mode-params", p, "--out", h.scratch() .. "/o" } end, 1 },
  { "phase --mode-params, a custom behaviour", function() local f, a, c, b, w, d = inputs(cohort)
      local p = h.write(h.scratch() .. "/p.lua", "return { ra_share = 1, ra_day = 1 }")
      return { "phase", f, a, c, b, w, d, "--days", "3", "--mode-params", p, "--out", h.scratch() .. "/o" } end },
  { "phase, a bad overbooking column", function()
      local text = h.slurp(cohort .. "/formations.csv"):gsub("\n", ",overbooking\n", 1):gsub("(\n[^\n]+)", "%1,abc")
      local f = h.write(h.scratch() .. "/f.csv", text)
      return { "phase", "--formations", f, "--candidates", cohort .. "/candidates.csv", "--wishes",
        cohort .. "/wishes.csv", "--out", h.scratch() .. "/o" } end, 2 },
  { "phase, nb_recrutements below the capacity", function()
      local text = h.slurp(cohort .. "/formations.csv"):gsub("\n", ",nb_recrutements\n", 1):gsub("(\n[^\n]+)", "%1,1")
      local f = h.write(h.scratch() .. "/f.csv", text)
      return { "phase", "--formations", f, "--candidates", cohort .. "/candidates.csv", "--wishes",
        cohort .. "/wishes.csv", "--out", h.scratch() .. "/o" } end, 2 },
  { "an unknown command", function() return { "alocate" } end, 2 },
}
local cli = require "admit.cli"
for _, name in ipairs(cli.names()) do
  RUNS[#RUNS + 1] = { "admit " .. name .. " --help", function() return { name, "--help" } end }
  RUNS[#RUNS + 1] = { "admit help " .. name, function() return { "help", name } end }
end

describe("every command in French, strict: no text without its French, no English word", function()
  for _, run in ipairs(RUNS) do
    it(run[1], function()
      local args, stdin, opts = run[2]()
      opts = opts or {}
      opts.env = FR
      local out, err, code = h.run(args, stdin, opts)
      assert.are.equal(run[3] or 0, code, err)
      all_french(out, err, run[1])
      -- the same run in English reports no miss either (strict mode only concerns French)
      opts.env = EN
      local _, err_en = h.run(args, stdin, opts)
      assert.are.same({}, misses_in(err_en))
    end)
  end
  it("admit report DIR: rebuilt, said in French", function()
    local out_dir = h.scratch() .. "/o"
    local f, a, c, b, w, d = inputs(cohort)
    assert.are.equal(0, select(3, h.run({ "allocate", f, a, c, b, w, d, "--quiet", "--out", out_dir }, nil, { env = FR })))
    local out, err, code = h.run({ "report", out_dir }, nil, { env = FR })
    assert.are.equal(0, code, err)
    assert.are.equal("Rapport refait : " .. out_dir .. "/report.html\n", out)
    all_french(out, err, "report")
  end)
end)

describe("the REPL's banner on a terminal (util-linux script gives admit a pseudo-terminal)", function()
  local has_script = os.execute("command -v script > /dev/null 2>&1")
  local function banner(env)
    local out = os.tmpname()
    local cmd = string.format("printf 'os.exit()\\n' | %s script -qec %s /dev/null > %s 2>&1", env,
      h.quote(h.quote(h.exe())), h.quote(out))
    os.execute(cmd)
    local text = h.slurp(out)
    os.remove(out)
    return text
  end
  for _, c in ipairs { { "fr", "admissions sous taux minimum pour Parcoursup" },
                       { "en", "minimum-rate admissions for Parcoursup" } } do
    local run = has_script and it or pending
    run(c[1], function()
      local text = banner(c[1] == "fr" and FR or EN)
      assert.matches("admit [%d.]+ %(Lua [%d.]+%) — " .. c[2]:gsub("%-", "%%-"), text)
      assert.are.same({}, misses_in(text))
    end)
  end
end)

describe("the REPL shows what admit's values say of themselves in French; their rows stay data", function()
  it("a simulation, a phase, candidates (with their '... (n more)'), a dataset", function()
    local H = HAND
    local input = table.concat({
      string.format("c = admit.candidates(%q)", H .. "candidates.csv"), "c",
      string.format("r = admit.simulate{formations = %q, candidates = %q, wishes = %q}", H .. "formations.csv",
        H .. "candidates.csv", H .. "wishes.csv"), "r",
      string.format("p = admit.phase{formations = %q, candidates = %q, wishes = %q, days = 2}", H .. "formations.csv",
        H .. "candidates.csv", H .. "wishes.csv"), "p",
      "admit.annexes().pro", "" }, "\n")
    local out, err, code = h.run({ "-i" }, input, { env = FR })
    assert.are.equal(0, code, err)
    assert.matches("admit.candidates : 13 candidats × 5 colonnes %(", out)
    assert.matches("\n%.%.%. %(3 de plus%)\n", out)
    assert.matches("admit.simulation %(mode student, 2 tours : 9 candidats admis sur 13, 7 formations%)", out)
    assert.matches("admit.phase %(2 jours, comportement model : %d+ candidats avec une proposition acceptée%)", out)
    assert.matches("\npro : 382 lignes %(10 premières montrées ; ds:table%(%) les montre toutes%)", out)
    assert.matches("\nx +general +false +false", out)   -- a row, as it is
    assert.are.same({}, misses_in(err))
    local en = h.run({ "-i" }, input, { env = EN })
    assert.matches("admit.simulation %(student mode, 2 rounds: 9 of 13 candidates admitted, 7 formations%)", en)
  end)
end)

describe("make run (scripts/main.lua) ends by pointing to out/report.html", function()
  local expect = {
    fr = { "^admit [%d.]+ — données dans ", "Résultats dans out/ : ouvrez out/report%.html" },
    en = { "^admit [%d.]+ — data in ", "Results in out/: open out/report%.html" },
  }
  for _, lang in ipairs { "fr", "en" } do
    it(lang, function()
      local cwd = h.scratch()
      local out, err, code = h.run({ h.root .. "/scripts/main.lua" }, nil,
        { cwd = cwd, env = lang == "fr" and FR or EN })
      assert.are.equal(0, code, err)
      assert.matches(expect[lang][1], out)
      assert.matches("\n" .. expect[lang][2] .. "[^\n]*\n$", out)
      -- the report's subtitle (make run's title) is in the report's language, whatever the terminal's
      local page = h.slurp(cwd .. "/out/report.html")
      local report_lang = page:match('<html lang="(%a+)">')
      assert.matches(report_lang == "fr" and '<p class="sub">Simulation des formations 2023 des Hauts%-de%-France'
        or '<p class="sub">Simulation of the 2023 Hauts%-de%-France', page)
      -- provenance.json keeps it in English (machine data)
      assert.matches('"Simulation of the 2023 Hauts%-de%-France', h.slurp(cwd .. "/out/provenance.json"))
    end)
  end
end)

describe("a location before a message stays as editors read it, in French too", function()
  it("file:line:col: then the French message", function()
    local text = h.slurp(cohort .. "/formations.csv"):gsub("\n", ",overbooking\n", 1):gsub("(\n[^\n]+)", "%1,abc")
    local f = h.write(h.scratch() .. "/f.csv", text)
    local _, err, code = h.run({ "phase", "--formations", f, "--candidates", cohort .. "/candidates.csv",
      "--wishes", cohort .. "/wishes.csv", "--out", h.scratch() .. "/o" }, nil, { env = FR })
    assert.are.equal(2, code)
    assert.are.equal("admit: " .. f .. ":2:10: overbooking 'abc' n'est pas un nombre entier entre 0 et 1000\n", err)
  end)
end)

describe("the strict check itself", function()
  it("reports a French text with no catalogue entry, once, and only in strict mode", function()
    local script = "local i = require 'admit.i18n' io.write(i.tr('Commands:'), '|', i.tr('Zorglub was here'), '|',"
      .. " i.t('{n} frobs', {n = 3}), '|', i.t('{n} seats', {n = 3}), '|', i.tr('Zorglub was here'))"
    local out, err, code = h.run({ "--lang", "fr", "-e", script }, nil, { env = FR })
    assert.are.equal(0, code, err)
    assert.are.equal("Commandes :|Zorglub was here|3 frobs|3 places|Zorglub was here", out)
    assert.are.same({ "Zorglub was here", "{n} frobs" }, misses_in(err))
    local _, err_off = h.run({ "--lang", "fr", "-e", script }, nil, { env = "ADMIT_I18N_STRICT=0" })
    assert.are.equal("", err_off)
  end)
  it("a C message (an error of the host) goes through it too", function()
    local _, err, code = h.run({ "--lang", "fr", "-e", "error('Zorglub failed')" }, nil, { env = FR })
    assert.are.equal(1, code)
    assert.matches("admit: i18n%-strict: no French for: ", err)
  end)
  it("finds English words and leaves machine tokens alone", function()
    assert.are.same({}, english_in("lignes 3, 'min_resident' colonne /tmp/the_rows/x.csv --keep-columns report.html"))
    assert.are.equal(2, #english_in("12 applied, 3 needed"))
    assert.are.equal(1, #english_in("0 of 14"))
  end)
end)

describe("every template of the French catalogue", function()
  local messages = require("admit.i18n.fr").messages
  it("keeps the variable parts of its English (none lost, none made up)", function()
    local bad = {}
    for _, pair in ipairs(messages) do
      local function names(s)
        local t = {}
        for n in s:gmatch("{([%w_]+)[%*%?]?}") do t[#t + 1] = n end
        table.sort(t)
        return table.concat(t, ",")
      end
      if names(pair[1]) ~= names(pair[2]) then bad[#bad + 1] = pair[1] end
    end
    assert.are.same({}, bad)
  end)
  it("has an entry for every literal template that the code builds with i18n.t", function()
    local missing, seen = {}, 0
    local files = io.popen("cd " .. h.quote(h.root) .. " && ls lua/admit/[!i]*.lua lua/admit/api/*.lua "
      .. "lua/admit/commands/*.lua scripts/*.lua")
    for file in files:lines() do
      local src = h.slurp(h.root .. "/" .. file)
      if src:find("i18n.t", 1, true) then   -- T, count and i18n.t build from templates there
        for _, call in ipairs { "%f[%w_.]T(%b())", "%f[%w_.]count(%b())", "%f[%w_.]plural(%b())", "i18n%.t(%b())" } do
          for args in src:gmatch(call) do
            for at, lit in args:gmatch('()"([^"\n]*)"%s*[,)]') do
              -- not the end of "a" .. "b", nor of a text with \" inside
              local whole = not args:sub(1, at - 1):find("%.%.%s*$") and args:sub(at - 1, at - 1) ~= "\\"
              if whole and lit:find("%a") then
                seen = seen + 1
                if not i18n.has(lit, "fr") then missing[#missing + 1] = file .. ": " .. lit end
              end
            end
          end
        end
      end
    end
    files:close()
    assert.is_true(seen > 80)
    assert.are.same({}, missing)
  end)
end)

-- The errors that admit's C functions raise to a script (luaL_error, luaL_argerror,
-- admit_pushfail): a script gets them in English, the host shows them translated; each one,
-- its printf parts filled with plausible values, must have its French.
describe("every error the C side raises to a script has its French", function()
  local function c_messages()
    local list = {}
    local files = io.popen("ls " .. h.quote(h.root) .. "/src/*.c")
    for file in files:lines() do
      local src = h.slurp(file)
      for _, call in ipairs { "luaL_error%(L,%s*()", "luaL_argerror%(L,%s*[^,]+,%s*()", "admit_pushfail%(L,%s*()" } do
        for at in src:gmatch(call) do
          local parts, pos, whole = {}, at, true
          while true do
            local lit, after = src:match('^"(.-[^\\])"()', pos)
            if not lit then lit, after = src:match('^"()"()', pos) lit = lit and "" end
            if not lit then break end
            parts[#parts + 1] = lit
            pos = src:match("^%s*()", after)
            if src:match("^[%a_][%w_]*%s*\"", pos) then whole = false break end   -- a macro in between
          end
          local text = table.concat(parts)
          if #parts > 0 and whole and text:find("%a%a") then list[#list + 1] = { file:match("[^/]+$"), text } end
        end
      end
    end
    files:close()
    return list
  end
  it("(" .. "luaL_error, luaL_argerror, admit_pushfail)", function()
    local missing, n = {}, 0
    for _, m in ipairs(c_messages()) do
      n = n + 1
      -- '%s'%s%s%s: an optional "(did you mean ...)" part, left empty here
      local text = m[2]:gsub("%%s%%s%%s", ""):gsub('\\"', '"'):gsub("\\\\", "\\"):gsub("%%%-?%d*l*[dzuI]", "7")
        :gsub("%%%.?%*?%d*s", "x"):gsub("%%%%", "%%")
      local _, complete = i18n.translate(text, "fr", true)
      if not complete then missing[#missing + 1] = m[1] .. ": " .. m[2] end
    end
    assert.is_true(n > 50)
    assert.are.same({}, missing)
  end)
end)

-- ------------------------------------------------------------------ columns by characters

--- The lines of text between the line matching first and the next empty line.
local function block(text, first)
  local lines, on = {}, false
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    if on and line == "" then break end
    if on or line:find(first) then on = true lines[#lines + 1] = line end
  end
  return lines
end

describe("terminal tables are aligned by characters, accented names included", function()
  for _, lang in ipairs { "fr", "en" } do
    it("allocate's table per annex and académie (" .. lang .. ")", function()
      local f, a, c, b, w, d = inputs(cohort)
      local out, err, code = h.run({ "allocate", f, a, c, b, w, d, "--out", h.scratch() .. "/o" }, nil,
        { env = lang == "fr" and FR or EN })
      assert.are.equal(0, code, err)
      local head = lang == "fr" and "^  annexe +académie" or "^  annex +académie"
      local lines = block(out, head)
      assert.is_true(#lines > 20)
      local accented = 0
      for _, line in ipairs(lines) do
        if line:find("Besançon", 1, true) or line:find("Orléans", 1, true) or line:find("Réunion", 1, true) then
          accented = accented + 1
        end
        -- the last column is right-aligned: every line ends at the same character
        assert.are.equal(utf8.len(lines[1]), utf8.len(line), line)
      end
      assert.are.equal(3, accented)
      -- the minimum-rates table: its numbers end at the same character on every line
      local rates = block(out, lang == "fr" and "^Taux minimum" or "^Minimum rates")
      local function numbers_end(line) return utf8.len(line:match("^(.-%d+%s+%d+%s+%d+)%s+%(")
        or line:match("^(.-atteint%s+non atteint)") or line:match("^(.-met%s+not met)")) end
      for _, line in ipairs(rates) do assert.are.equal(numbers_end(rates[1]), numbers_end(line), line) end
    end)
    it("allocate's observed shares of an open-dataset file (" .. lang .. ")", function()
      local out, err, code = h.run({ "allocate", "--formations", h.root .. "/tests/fixtures/opendata/formations.csv",
        "--candidates", opendata .. "/candidates.csv", "--wishes", opendata .. "/wishes.csv",
        "--out", h.scratch() .. "/o" }, nil, { env = lang == "fr" and FR or EN })
      assert.are.equal(0, code, err)
      local lines = block(out, lang == "fr" and "^Observé" or "^Observed")
      assert.are.equal(4, #lines)
      for _, line in ipairs(lines) do assert.are.equal(utf8.len(lines[1]), utf8.len(line), line) end
    end)
  end
  local cases = {
    { { { "Besançon", 1 }, { "Lille", 22 } }, { "l", "r" }, { "Besançon   1", "Lille     22" } },
    { { { "Orléans-Tours", "x" }, { "La Réunion", "é" } }, { "l", "l" }, { "Orléans-Tours  x", "La Réunion     é" } },
    { { { 1, "vœu" }, { 100, "vœux" } }, { "r", "r" }, { "  1   vœu", "100  vœux" } },
    { { { "—", "0 sur 14" }, { "12,5" .. NNBSP .. "%", "—" } }, { "r", "r" }, { "     —  0 sur 14", "12,5" .. NNBSP .. "%         —" } },
  }
  for i, c in ipairs(cases) do
    it("i18n.columns, case " .. i, function()
      assert.are.same(c[3], i18n.columns(c[1], c[2]))
    end)
  end
  it("i18n.width counts characters, and bytes only where the text is not UTF-8", function()
    assert.are.equal(8, i18n.width("Besançon"))
    assert.are.equal(4, i18n.width("vœux"))
    assert.are.equal(3, i18n.width("a\xffb"))
  end)
end)

-- ------------------------------------------------------------------ French numbers

describe("numbers in French text: decimal comma, narrow no-break space before %", function()
  local cases = {
    { 973, 1000, "fr", "97,3" .. NNBSP .. "%" }, { 973, 1000, "en", "97.3%" },
    { 1, 3, "fr", "33,3" .. NNBSP .. "%" }, { 0, 0, "fr", "—" }, { 1, 1, "en", "100.0%" },
  }
  for _, c in ipairs(cases) do
    it(string.format("%d/%d in %s → %s", c[1], c[2], c[3], c[4]), function()
      assert.are.equal(c[4], i18n.percent(c[1], c[2], c[3]))
    end)
  end
  it("allocate's summary in French writes 97,3 %, in English 97.3%; the files stay machine numbers", function()
    local f, a, c, b, w, d = inputs(cohort)
    local dir = h.scratch()
    local fr = h.run({ "allocate", f, a, c, b, w, d, "--out", dir .. "/fr" }, nil, { env = FR })
    local en = h.run({ "allocate", f, a, c, b, w, d, "--out", dir .. "/en" }, nil, { env = EN })
    assert.matches("%(%d+,%d" .. NNBSP .. "%% d'entre eux%)", fr)
    assert.is_nil(fr:find("%d%.%d%%"))
    assert.is_nil(fr:find("%d%%"))
    assert.matches("%(%d+%.%d%% of them%)", en)
    -- machine formats: the same bytes in both languages
    for _, file in ipairs { "formations.csv", "groups.csv", "assignments.csv", "summary.json" } do
      assert.are.equal(h.slurp(dir .. "/en/" .. file), h.slurp(dir .. "/fr/" .. file), file)
    end
    assert.is_nil(h.slurp(dir .. "/fr/formations.csv"):find(NNBSP, 1, true))
    -- the report in French follows the same rule
    local page = h.slurp(dir .. "/fr/report.html")
    assert.matches("%d,%d" .. NNBSP .. "%%", page)
    assert.is_nil(page:find("%d,%d\u{00A0}%%"))
  end)
end)
