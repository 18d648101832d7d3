-- French everywhere, the classes tests/22 did not reach (issue 10, found after it closed):
-- the example scripts of scripts/ (compare_policies, callorder_example, overbooking_sweep,
-- annexes_explore, annex_summary), a policy's errors as it loads and runs (the sandbox's
-- refusals, the limits, a rank or groups function that fails), the C side's errors at a file
-- or folder (errloc_set: output folders, atomic writes, CSV reading), the annexes' lookup
-- messages, and the French plural rule (0 and 1 take the singular).
local h = require "helpers"
local i18n = require "admit.i18n"

local FR = "LC_ALL= LC_MESSAGES= LANG=fr_FR.UTF-8 ADMIT_I18N_STRICT=1 COLUMNS=100"
local EN = "LC_ALL= LC_MESSAGES= LANG=C.UTF-8 ADMIT_I18N_STRICT=1 COLUMNS=100"

describe("the example scripts speak the user's language", function()
  after_each(h.remove_scratch)
  local SCRIPTS = {
    { "compare_policies.lua", function() return { "--candidates", "3000" } end },
    { "compare_policies.lua --help", function() return { "--help" } end, 0, "compare_policies.lua" },
    { "compare_policies.lua, a bad option", function() return { "--seed", "x" } end, 2, "compare_policies.lua" },
    { "compare_policies.lua, an unknown option", function() return { "--zorg", "1" } end, 2, "compare_policies.lua" },
    { "compare_policies.lua, --policies not a folder", function() return { "--policies", "/nonexistent" } end, 2,
      "compare_policies.lua" },
    { "callorder_example.lua", function() return {} end },
    { "overbooking_sweep.lua", function() return { h.scratch() .. "/sweep", "15" } end },
    { "overbooking_sweep.lua, a bad step", function() return { h.scratch() .. "/sweep", "0" } end, 2,
      "overbooking_sweep.lua" },
    { "annexes_explore.lua", function() return {} end },
    { "annex_summary.lua", function() return {} end },
  }
  for _, case in ipairs(SCRIPTS) do
    it(case[1], function()
      local script = h.root .. "/scripts/" .. (case[4] or case[1])
      local args = { script }
      for _, a in ipairs(case[2]()) do args[#args + 1] = a end
      local out, err, code = h.run(args, nil, { env = FR, cwd = h.root })
      assert.are.equal(case[3] or 0, code, err)
      h.all_french(out, err, case[1])
      local out_en, err_en, code_en = h.run(args, nil, { env = EN, cwd = h.root })
      assert.are.equal(case[3] or 0, code_en, err_en)
      assert.are.same({}, h.i18n_misses(err_en))
      assert.are_not.equal(out .. err, out_en .. err_en)   -- not the same text in both
    end)
  end

  it("overbooking_sweep.lua: sweep.html in the report's language, sweep.csv the same in both", function()
    local fr, en = h.scratch() .. "/fr", h.scratch() .. "/en"
    assert.are.equal(0, select(3, h.run({ h.root .. "/scripts/overbooking_sweep.lua", fr, "15" }, nil,
      { env = "LC_ALL= LC_MESSAGES= LANG=fr_FR.UTF-8" })))
    assert.are.equal(0, select(3, h.run({ "--lang", "en", h.root .. "/scripts/overbooking_sweep.lua", en, "15" })))
    local html_fr, html_en = h.slurp(fr .. "/sweep.html"), h.slurp(en .. "/sweep.html")
    assert.matches('<html lang="fr">', html_fr, 1, true)
    assert.matches("<h1>Balayage de la surréservation</h1>", html_fr, 1, true)
    assert.matches('<html lang="en">', html_en, 1, true)
    assert.matches("<h1>Overbooking sweep</h1>", html_en, 1, true)
    assert.are.equal(h.slurp(fr .. "/sweep.csv"), h.slurp(en .. "/sweep.csv"))
  end)
end)

-- A policy that fails, as an officer meets it through admit compare: the whole message in
-- French (the policy's file and line kept), whatever the failure.
describe("a failing policy is reported in French", function()
  local POLICIES = {
    { "an undefined global", 'rank = function(c) return zorg + 1 end', "variable globale 'zorg' non définie" },
    { "io in the sandbox", 'rank = function(c) return io.open("/etc/passwd") end', "variable globale 'io' non définie" },
    { "require in the sandbox", 'rank = function(c) return require("os") end', "variable globale 'require' non définie" },
    { "an endless loop", 'rank = function(c) while true do end end', "limite d'instructions atteinte" },
    { "a memory bomb", 'rank = function(c) local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end end',
      "mémoire" },
    { "rank returns nil", 'rank = function(c) return nil end', "la fonction rank a renvoyé nil" },
    { "rank returns NaN", 'rank = function(c) return 0/0 end', "la fonction rank a renvoyé NaN" },
    { "rank returns a table", 'rank = function(c) return {} end', "la fonction rank a renvoyé table" },
    { "a typo'd column", 'rank = function(c) return c.mahts end', "colonne inconnue 'mahts' (les candidats ont : academie, bac" },
    { "writing a candidate", 'rank = function(c) c.rank = 3 return 1 end', "'candidate' est en lecture seule (impossible de modifier 'rank')" },
    { "a candidate's metatable", 'rank = function(c) setmetatable(c, {}) return 1 end', "métatable protégée" },
    { "rawset on a candidate", 'rank = function(c) rawset(c, "x", 1) return 1 end', "rawset : cette table est en lecture seule" },
    { "a finalizer", 'rank = function(c) return setmetatable({}, {__gc = print}) end', "__gc n'est pas permis" },
    { "changing string", 'rank = function(c) string.x = 1 return 1 end', "'string' est en lecture seule" },
    { "an error that is not a text", 'rank = function(c) error({}) end', "l'erreur est une valeur table" },
    { "groups returns a number", 'groups = function(f, caps) return 3 end', "groups doit renvoyer une table" },
    { "groups gives negative seats", 'groups = function(f, caps) return { techno = -1, pro = 0, other = 0 } end',
      "les places doivent être des nombres entiers" },
    { "groups gives a seat too many",
      'groups = function(f, caps) return { techno = caps.techno, pro = caps.pro, other = caps.other + 1 } end',
      "la formation en a" },
    { "an unknown rate", 'rates = { zorg = 2 }', "taux inconnu 'zorg'" },
    { "a rate out of range", 'rates = { boursier = 200 }', "doit être un entier de 0 à 100" },
    { "an unknown limit", 'limits = { zorg = 2 }', "limite inconnue 'zorg'" },
    { "a bad limit", 'limits = { instructions = -2 }', "un nombre entier d'instructions > 0" },
    { "an unknown groups option", 'groups = { zorg = true }', "option inconnue 'zorg'" },
  }
  local FILES = {
    { "collectgarbage in the file", 'collectgarbage("collect") return admit.policy{ establishment = "IFSI" }',
      "seul 'count' est permis" },
    { "a file returning 42", "return 42", "doit renvoyer admit.policy" },
    { "a syntax error", "return admit.policy{", "attendu" },
    { "a list with a non-policy", 'return { admit.policy{ establishment = "IFSI" }, 3 }',
      "l'élément 2 de la liste renvoyée n'est pas une admit.policy" },
  }
  local work
  setup(function() work = h.tmpdir() end)
  teardown(function() os.execute("rm -rf " .. h.quote(work)) end)
  local n = 0
  local function run(text)
    n = n + 1
    local dir = work .. "/p" .. n
    os.execute("mkdir -p " .. h.quote(dir))
    h.write(dir .. "/p" .. n .. ".lua", text)
    return h.run({ "compare", "--candidates-count", "300", "--policies", dir, "--out", work .. "/o" .. n }, nil,
      { env = FR .. " timeout 120" })
  end
  for _, case in ipairs(POLICIES) do
    it(case[1], function()
      local out, err, code = run('return admit.policy{ establishment = "IFSI", ' .. case[2] .. ' }')
      assert.are_not.equal(0, code)
      assert.matches(case[3], err, 1, true)
      -- the candidates' columns are the file's names (resident, rank...), not words
      h.all_french(out, (err:gsub("%(les candidats ont : [^)]*%)", "")), case[1])
      assert.is_nil(err:find("traceback", 1, true))
    end)
  end
  for _, case in ipairs(FILES) do
    it(case[1], function()
      local out, err, code = run(case[2])
      assert.are_not.equal(0, code)
      assert.matches(case[3], err, 1, true)
      h.all_french(out, err, case[1])
    end)
  end
  it("the policy's own error text is kept as written, in a French frame (strict mode names it)", function()
    local _, err, code = run('error("mon message à moi")')
    assert.are.equal(2, code)
    assert.matches("admit: load_policy 'p%d+' : .-%.lua:1: mon message à moi\n", err)
    assert.are.same(1, #h.i18n_misses(err))
    assert.matches("mon message à moi$", h.i18n_misses(err)[1])
  end)
end)

-- The errors admit's C side sets at a file or a folder (errloc_set: output folders, atomic
-- writes, CSV reading, inputs): shown as "PATH: message", each must have its French. The
-- printf parts get plausible values (a system reason for %s, which {reason*} translates).
describe("every error the C side reports at a file or folder has its French", function()
  local function c_messages()
    local list = {}
    local files = io.popen("ls " .. h.quote(h.root) .. "/src/*.c")
    for file in files:lines() do
      local src = h.slurp(file)
      local macros = {}
      for name, lit in src:gmatch('#define%s+([%u_][%u%d_]*)%s+"(.-[^\\])"%s*\n') do macros[name] = lit end
      for at in src:gmatch("errloc_set%(%s*[^,]+,[^,]+,[^,]+,[^,]+,%s*()") do
        local parts, pos = {}, at
        while true do
          local lit, after = src:match('^"(.-[^\\])"()', pos)
          if not lit then
            local name, a2 = src:match("^([%u_][%u%d_]*)()", pos)
            if name and macros[name] then lit, after = macros[name], a2 end
          end
          if not lit then break end
          parts[#parts + 1] = lit
          pos = src:match("^%s*()", after)
        end
        local text = table.concat(parts)
        if #parts > 0 and text:find("%a%a") then list[#list + 1] = { file:match("[^/]+$"), text } end
      end
    end
    files:close()
    return list
  end
  it("(errloc_set)", function()
    local missing, n = {}, 0
    for _, m in ipairs(c_messages()) do
      n = n + 1
      local text = m[2]:gsub("%%s%%s%%s", ""):gsub('\\"', '"'):gsub("\\\\", "\\"):gsub("%%%-?%d*l*[dzuI]", "7")
        :gsub("%%%.?%*?%d*s", "No such file or directory"):gsub("%%%%", "%%")
      local _, complete = i18n.translate("dir/f.csv: " .. text, "fr", true)
      if not complete then missing[#missing + 1] = m[1] .. ": " .. m[2] end
    end
    assert.is_true(n > 90)
    assert.are.same({}, missing)
  end)
end)

-- The Lua API used wrongly from a script (the officer's own script, or the REPL): the error
-- names the script's line and is shown in French.
describe("the Lua API used wrongly: the error in French, at the script's line", function()
  local H = h.root .. "/tests/fixtures/sim/hand/"
  local FCW = 'formations = "' .. H .. 'formations.csv", candidates = "' .. H .. 'candidates.csv", wishes = "'
    .. H .. 'wishes.csv"'
  local MISUSES = {
    { "admit.compare(3)", "attend une table" },
    { 'admit.compare{ formations = "x" }', "il manque candidates" },
    { "admit.formation{ capacity = 10, min_techno = 200 }", "doit être un pourcentage entier de 0 à 100" },
    { "admit.formation(3)", "une table {establishment=, program=, capacity=, ...} est attendue" },
    { "admit.formation{ capacity = 10, policy = 3 }", "'policy' doit être de type table, reçu number" },
    { "admit.formation{ capacity = -1 }", "capacity doit être un nombre entier de places" },
    { "admit.formation{ capacity = 10, zorg = 1 }", "champ inconnu 'zorg'" },
    { "admit.phase(3)", "attend une table" },
    { "admit.phase{ zorg = 1 }", "champ inconnu 'zorg'" },
    { "admit.phase{ " .. FCW .. ", days = 1.5 }", "days doit être un entier" },
    { "admit.phase{ " .. FCW .. ', overbooking = "x" }', "overbooking doit être un pourcentage entier" },
    { "admit.simulate(3)", "attend une table" },
    { "admit.simulate{ zorg = 1 }", "champ inconnu 'zorg'" },
    { "admit.simulate{ " .. FCW .. ", policies = 3 }", "policies doit être une politique" },
    { "admit.simulate{ " .. FCW .. ', mode = "zorg" }', "mode doit être 'student' ou 'school'" },
    { 'admit.simulate{ formations = 3, candidates = "c", wishes = "w" }', "doit être le chemin d'un fichier CSV" },
    { "admit.annexes(3)", "dir doit être un texte" },
    { "admit.formation{ capacity = 10 }:call_orders(3)", "des candidats ou un classement sont attendus" },
    { 'admit.load_policy("x", 3)', "les options doivent être une table", 2 },
    { 'admit.load_policy("x", { zorg = 1 })', "option inconnue 'zorg'", 2 },
    { "admit.policy{ zorg = 1 }", "champ inconnu 'zorg'" },
  }
  for _, case in ipairs(MISUSES) do
    it(case[1], function()
      local script = h.write(h.scratch() .. "/misuse.lua", "-- an officer's script\n" .. case[1] .. "\n")
      local out, err, code = h.run({ script }, nil, { env = FR })
      assert.are.equal(case[3] or 1, code)
      if code == 1 then   -- a Lua error: at the script's line (admit.fail's input errors have none)
        assert.matches("^admit: " .. script:gsub("%p", "%%%0") .. ":2: ", err)
      end
      assert.matches(case[2], err, 1, true)
      assert.are.same({}, h.i18n_misses(err))
      assert.are.equal("", out)
    end)
  end
  after_each(h.remove_scratch)
end)

describe("messages of the API shown in French with admit.tr", function()
  local set = admit.check(admit.annexes())
  for _, case in ipairs {
    { "ambiguous, without the commune", { "Lycée Condorcet", "Support à l'action managériale" }, "ambigu : 2 lignes" },
    { "a key with two rates", { "Lycée Colbert", "Cybersécurité, Infor" }, "a 2 taux différents dans la source" },
    { "no row, other programmes listed", { "Lycée Condorcet", "Zorglub" }, "les formations des établissements" },
    { "no establishment", { "Lycée Zorg", "Zorglub" }, "aucun établissement ne correspond à « Lycée Zorg »" },
  } do
    it("ds:min_rate: " .. case[1], function()
      local rate, why = set.pro:min_rate(table.unpack(case[2]))
      assert.is_nil(rate)
      local fr, complete = i18n.translate(why, "fr", true)
      assert.is_true(complete, why)
      assert.matches(case[3], fr, 1, true)
      assert.is_nil(fr:find("%d%%"))   -- 59 % in French text (narrow no-break space)
    end)
  end

  it("a location is file:line: with no ': ' in it, so a message holding one is still matched whole", function()
    local fr, complete = i18n.translate("policy 'p' (f.lua:3): the rank function failed for candidate 'C1': "
      .. "f.lua:3: undefined global 'y'", "fr", true)
    assert.is_true(complete)
    assert.are.equal("politique 'p' (f.lua:3) : la fonction rank a échoué pour le candidat 'C1' : f.lua:3: "
      .. "variable globale 'y' non définie", fr)
  end)

  it("{name?}: a part with no French is kept as written and recorded as missing", function()
    local before = #i18n.missed()
    local fr, complete = i18n.translate("load_policy 'p': f.lua:1: zorglub blurp", "fr")
    assert.is_true(complete)
    assert.are.equal("load_policy 'p' : f.lua:1: zorglub blurp", fr)
    local missed = i18n.missed()
    assert.are.equal(before + 1, #missed)
    assert.are.equal("f.lua:1: zorglub blurp", missed[#missed])
  end)
end)

describe("plurals by the language's rule", function()
  it("French: 0 and 1 take the singular; English: 1 only", function()
    local function c(n, lang) return i18n.count(n, "{n} candidate", "{n} candidates", lang) end
    assert.are.equal("0 candidat", c(0, "fr"))
    assert.are.equal("1 candidat", c(1, "fr"))
    assert.are.equal("2 candidats", c(2, "fr"))
    assert.are.equal("0 candidates", c(0, "en"))
    assert.are.equal("1 candidate", c(1, "en"))
    assert.are.equal("2 candidates", c(2, "en"))
  end)
end)
