-- Bad input (issue 6 item 1): every file admit reads × every defect of the issue, one row
-- each. A row writes its fixtures in a fresh temporary directory, runs the CLI there (so
-- that messages name short relative paths) and, where there is one, the Lua API on the same
-- files; it asserts the exact message (file:line:col), exit status 2 from the CLI and
-- nothing on standard output nor any output directory, `nil, message` (or the documented
-- located error) from the API. A row marked `pending` says why it does not pass yet.
local h = require "helpers"
local admit = require "admit"

local MB = 1024 * 1024

-- ------------------------------------------------------------------ valid inputs

local VALID = {
  formations = "formation_id,capacity,min_techno,min_pro,min_boursier,min_resident\n"
    .. "A,2,0,0,0,0\nB,1,50,0,0,0\nC,1,0,0,0,0\n",
  candidates = "id,bac,boursier,resident\nx,general,0,1\ny,techno,1,0\nz,pro,0,0\n",
  wishes = "candidate_id,formation_id,preference,rank\nx,A,1,1\ny,A,1,2\ny,B,2,1\nz,C,1,1\n",
  callorder = "id,rank,boursier,resident\nx,1,0,1\ny,2,1,0\nz,3,0,0\n",
  techno = "academie,establishment,commune,program,min_pct\n"
    .. "Lille,IUT A,,BUT Informatique,50\nAmiens,IUT B,,BUT GEA,40\nLille,IUT C,,BUT Chimie,30\n",
  pro = "academie,establishment,commune,program,min_pct\n"
    .. "Lille,Lycée A,Lille,BTS SIO,46\nAmiens,Lycée B,Amiens,BTS NDRC,30\n",
  boursier = "academie,establishment,commune,program,min_pct\n"
    .. "Lille,IFSI A,Lille,Infirmier,10\nAmiens,IFSI B,Amiens,Infirmier,14\n",
  anomalies = "anomaly,annex,academie,establishment,commune,program,min_pct,line,detail\n"
    .. "homonym,pro,Lille,Lycée A,Lille,BTS SIO,46,12,same name in two communes\n"
    .. "homonym,pro,Amiens,Lycée A,Amiens,BTS NDRC,30,40,same name in two communes\n",
  recueil = h.slurp("tests/fuzz/corpus/recueil/valid"),
  policy = 'return admit.policy{ name = "p", establishment = "Lille", program = "info",\n'
    .. '  rank = function(c) return 1 end }\n',
}

-- ------------------------------------------------------------ the file kinds
-- file: the defective file (relative to the case directory); fixtures: the valid files
-- the run needs; cli: the arguments (or {args=, stdin=}); api(dir): calls the Lua API with
-- absolute paths, returns what it returns (nil, msg) or raises.

local ALLOCATE = { formations = "f.csv", candidates = "c.csv", wishes = "w.csv" }
local function allocate_fixtures()
  return { ["f.csv"] = VALID.formations, ["c.csv"] = VALID.candidates, ["w.csv"] = VALID.wishes }
end
local function allocate_args()
  return { "allocate", "--formations", "f.csv", "--candidates", "c.csv", "--wishes", "w.csv",
           "--out", "out" }
end
local function sim_load(dir)
  return admit.sim_load(dir .. "/f.csv", dir .. "/c.csv", dir .. "/w.csv")
end
local function annex_fixtures()
  return { ["d/iut-techno.csv"] = VALID.techno, ["d/bts-pro.csv"] = VALID.pro,
           ["d/sante-boursiers.csv"] = VALID.boursier }
end

local KINDS = {
  annexes = { file = "d/iut-techno.csv", valid = VALID.techno, fixtures = annex_fixtures,
    cli = { "annexes", "--dir", "d" },
    api = function(dir) return admit.annexes(dir .. "/d") end },
  ["annexes (anomalies.csv)"] = { file = "d/anomalies.csv", valid = VALID.anomalies,
    fixtures = annex_fixtures, cli = { "annexes", "--dir", "d" },
    api = function(dir) return admit.annexes(dir .. "/d") end },
  candidates = { file = "c.csv", valid = VALID.candidates, fixtures = function() return {} end,
    api = function(dir) return admit.candidates(dir .. "/c.csv") end },
  ["allocate --candidates"] = { file = ALLOCATE.candidates, valid = VALID.candidates,
    fixtures = allocate_fixtures, cli = allocate_args(), api = sim_load },
  ["allocate --formations"] = { file = ALLOCATE.formations, valid = VALID.formations,
    fixtures = allocate_fixtures, cli = allocate_args(), api = sim_load },
  ["allocate --wishes"] = { file = ALLOCATE.wishes, valid = VALID.wishes,
    fixtures = allocate_fixtures, cli = allocate_args(), api = sim_load },
  callorder = { file = "r.csv", valid = VALID.callorder, fixtures = function() return {} end,
    cli = { "callorder", "--min-boursiers", "20", "r.csv" } },
  ["callorder stdin"] = { file = "stdin", valid = VALID.callorder, stdin = true,
    fixtures = function() return {} end, cli = { "callorder", "--min-boursiers", "20", "-" } },
  ["import-recueil"] = { file = "src.txt", valid = VALID.recueil, fixtures = function() return {} end,
    cli = { "import-recueil", "src.txt", "--out", "out" },
    api = function(dir) return admit.import_recueil(dir .. "/src.txt", dir .. "/out") end },
  load_policy = { file = "pol/p.lua", valid = VALID.policy, fixtures = function() return {} end,
    api = function(dir) return admit.load_policy("p", { dir = dir .. "/pol" }) end },
  ["--sandbox"] = { file = "s.lua", valid = VALID.policy, fixtures = function() return {} end,
    cli = { "--sandbox", "s.lua" } },
}

-- ------------------------------------------------------------ generic CSV defects
-- Line 3 (the second data row) is the damaged one, so that line numbers are visibly right.

local function lines_of(text)
  local t = {}
  for l in text:gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

local function with_line3(valid, f)
  local t = lines_of(valid)
  t[3] = f(t[3], t)
  return table.concat(t, "\n") .. "\n"
end

local function fields(line)
  local t = {}
  for v in (line .. ","):gmatch("([^,]*),") do t[#t + 1] = v end
  return t
end

-- columns are counted in characters
local function w(s) return utf8.len(s) end

local function csv_defects(kind)
  local K = KINDS[kind]
  local F = K.file
  local header = fields(lines_of(K.valid)[1])
  local row3 = lines_of(K.valid)[3]
  local f3 = fields(row3)
  local rows = {
    { "missing file", missing = true, msg = F .. ": cannot open: No such file or directory" },
    { "a directory", directory = true, msg = F .. ": is a directory, expected a file" },
    { "empty file", text = "", msg = F .. ": empty file: expected a header line" },
    { "binary data", text = with_line3(K.valid, function(l) return l:sub(1, 1) .. "\0" .. l:sub(2) end),
      msg = F .. ":3:2: binary data (a NUL byte): expected a CSV text file" },
    { "invalid UTF-8", text = with_line3(K.valid, function(l) return "é\xE9" .. l end),
      msg = F .. ":3:2: invalid UTF-8 (byte 0xE9): save the file as UTF-8" },
    { "a 1 MB line", text = with_line3(K.valid, function(l) return ("x"):rep(MB) .. l end),
      msg = F .. ":3:1: field longer than 65536 bytes" },
    { "a 1 MB field in an extra column", text = (function()
        local t = lines_of(K.valid)
        for i = 1, #t do t[i] = t[i] .. (i == 1 and ",note" or i == 3 and "," .. ("n"):rep(MB) or ",") end
        return table.concat(t, "\n") .. "\n"
      end)(), msg = string.format("%s:3:%d: field longer than 65536 bytes", F, w(row3) + 2) },
    { "a 1 MB line of separators", text = with_line3(K.valid, function(l) return l .. (","):rep(MB) end),
      msg = string.format("%s:3:%d: %d fields where the header has %d", F, w(row3) + 2, #header + MB,
        #header) },
    { "ragged row (short)", text = with_line3(K.valid, function(l) return l:gsub(",[^,]*$", "") end),
      msg = string.format("%s:3:%d: %d fields where the header has %d", F,
        w(row3) - w(f3[#f3]) - w(f3[#f3 - 1]), #header - 1, #header) },
    { "ragged row (long)", text = with_line3(K.valid, function(l) return l .. ",extra" end),
      msg = string.format("%s:3:%d: %d fields where the header has %d", F, w(row3) + 2, #header + 1,
        #header) },
    { "unterminated quoted field", text = with_line3(K.valid, function(l)
        return f3[1] .. ',"' .. l:sub(#f3[1] + 2) end) .. lines_of(K.valid)[2] .. "\n",
      msg = string.format("%s:3:%d: unterminated quoted field: the quote opened here is never closed",
        F, w(f3[1]) + 2) },
  }
  if kind == "annexes" then   -- an annex file has exactly its five columns
    for i, r in ipairs(rows) do
      if r[1] == "a 1 MB field in an extra column" then table.remove(rows, i) break end
    end
  end
  for _, r in ipairs(rows) do r.kind = kind end
  return rows
end

local function row3(kind, line)
  return with_line3(KINDS[kind].valid, function() return line end)
end

-- ------------------------------------------------------------------ the table

local CASES = {}
local function add(list) for _, r in ipairs(list) do CASES[#CASES + 1] = r end end

local function csv_kind(kind, specific)
  add(csv_defects(kind))
  for _, r in ipairs(specific) do r.kind = kind end
  add(specific)
end

csv_kind("annexes", {
  { "non-numeric min_pct", text = row3("annexes", "Amiens,IUT B,,BUT GEA,cinquante"),
    msg = "d/iut-techno.csv:3:23: min_pct: expected an integer from 0 to 100, got \"cinquante\"" },
  { "min_pct out of range", text = row3("annexes", "Amiens,IUT B,,BUT GEA,101"),
    msg = "d/iut-techno.csv:3:23: min_pct: expected an integer from 0 to 100, got \"101\"" },
  { "unknown académie", text = row3("annexes", "Paris,IUT B,,BUT GEA,40"),
    msg = "d/iut-techno.csv:3:1: academie: expected Lille or Amiens, got \"Paris\"" },
  { "unknown annex (--annex)", text = VALID.techno, cli = { "annexes", "--dir", "d", "--annex", "bac" },
    no_api = true, pattern = "unknown annex 'bac': expected techno, pro, boursier\nusage: admit annexes" },
  { "a missing annex file of the set", missing = true, file = "d/bts-pro.csv",
    msg = "d/bts-pro.csv: cannot open: No such file or directory" },
})

local function candidate_rows(kind)
  local F = KINDS[kind].file
  local api = kind == "candidates"   -- admit.candidates words flags and ids its own way
  return {
    { "non-numeric flag", text = row3(kind, "y,techno,peut-être,0"),
      msg = F .. (api and ":3:10: boursier must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), got 'peut-être'"
                      or ":3:10: boursier: 'peut-être' is not a flag: expected 1/0, oui/non, o/n, vrai/faux, true/false, x or empty") },
    { "flag out of range", text = row3(kind, "y,techno,1,2"),
      msg = F .. (api and ":3:12: resident must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), got '2'"
                      or ":3:12: resident: '2' is not a flag: expected 1/0, oui/non, o/n, vrai/faux, true/false, x or empty") },
    { "unknown bac", text = row3(kind, "y,bac S,1,0"),
      msg = F .. ":3:3: unknown bac 'bac S': expected général, technologique or professionnel (also general, techno, pro, a label starting with one such as 'Bac technologique STMG', or a série code STMG, STI2D, ST2S, STL, STD2A, STHR, S2TMD, STAV)" },
    { "duplicate id", text = row3(kind, "x,techno,1,0"),
      msg = F .. (api and ":3:1: duplicate id 'x' (already on line 2)"
                      or ":3:1: duplicate candidate id 'x' (already on line 2)") },
  }
end
csv_kind("candidates", candidate_rows("candidates"))
csv_kind("allocate --candidates", candidate_rows("allocate --candidates"))

csv_kind("allocate --formations", {
  { "non-numeric capacity", text = row3("allocate --formations", "B,deux,50,0,0,0"),
    msg = "f.csv:3:3: capacity: 'deux' is not a whole number (0 to 10000000)" },
  { "negative capacity", text = row3("allocate --formations", "B,-1,50,0,0,0"),
    msg = "f.csv:3:3: capacity: '-1' is not a whole number (0 to 10000000)" },
  { "rate out of range", text = row3("allocate --formations", "B,1,101,0,0,0"),
    msg = "f.csv:3:5: min_techno: 101 is too large (at most 100)" },
  { "duplicate formation_id", text = row3("allocate --formations", "A,1,50,0,0,0"),
    msg = "f.csv:3:1: duplicate formation_id 'A' (already on line 2)" },
  { "missing column", text = "formation_id,taille\nA,2\n",
    msg = "f.csv:1:1: missing column 'capacity' (the header must name formation_id,capacity; "
      .. "min_techno, min_pro, min_boursier and min_resident are 0 when absent); the file's columns are "
      .. "'formation_id', 'taille'; 'capacity' may also be written capacité, capa_fin, places, nombre de "
      .. "places, capacité d'accueil, capacité de l'établissement par formation, or mapped with "
      .. "--columns capacity=HEADER" },
})

csv_kind("allocate --wishes", {
  { "non-numeric rank", text = row3("allocate --wishes", "y,A,1,deux"),
    msg = "w.csv:3:7: rank: 'deux' is not a whole number (1 to 2147483647)" },
  { "rank out of range", text = row3("allocate --wishes", "y,A,1,2147483648"),
    msg = "w.csv:3:7: rank: 2147483648 is too large (at most 2147483647)" },
  { "preference 0", text = row3("allocate --wishes", "y,A,0,2"),
    msg = "w.csv:3:5: preference must be 1 or more (1 = favourite)" },
  { "duplicate rank in a formation", text = row3("allocate --wishes", "y,A,1,1"),
    msg = "w.csv:3:7: rank 1 appears twice in formation 'A' (already on line 2)" },
  { "duplicate rank, ';'-separated with a ',' in a column name",
    text = "candidate_id;formation_id;preference;rank;note,x\nx;A;1;1;\ny;A;1;1;\n",
    msg = "w.csv:3:7: rank 1 appears twice in formation 'A' (already on line 2)" },
  { "duplicate preference of a candidate", text = row3("allocate --wishes", "y,A,2,2"),
    msg = "w.csv:4:5: candidate 'y' has two vœux of preference 2 (already on line 3)" },
  { "a wish for an unknown formation", text = row3("allocate --wishes", "y,Z,1,2"),
    msg = "w.csv:3:3: unknown formation 'Z' (not in the formations file)" },
  { "a wish of an unknown candidate", text = row3("allocate --wishes", "q,A,1,2"),
    msg = "w.csv:3:1: unknown candidate 'q' (not in the candidates file)" },
})

local function callorder_rows(kind)
  local F = KINDS[kind].file
  return {
    { "non-numeric rank", text = row3(kind, "y,deux,1,0"),
      msg = F .. ":3:3: rank must be a whole number from 1 (best) to 2147483647, got 'deux'" },
    { "rank 0", text = row3(kind, "y,0,1,0"),
      msg = F .. ":3:3: rank must be a whole number from 1 (best) to 2147483647, got '0'" },
    { "rank out of range", text = row3(kind, "y,2147483648,1,0"),
      msg = F .. ":3:3: rank must be a whole number from 1 (best) to 2147483647, got '2147483648'" },
    { "flag out of range", text = row3(kind, "y,2,1,2"),
      msg = F .. ":3:7: resident must be a flag (1/0, oui/non, o/n, vrai/faux, true/false, x or empty), got '2'" },
    { "duplicate id", text = row3(kind, "x,2,1,0"),
      msg = F .. ":3:1: duplicate id 'x' (already on line 2)" },
    { "duplicate rank", text = row3(kind, "y,1,1,0"),
      msg = F .. ":3: duplicate rank 1 (already on line 2): ranks must be distinct, "
        .. "or use --allow-ties for the documented tie rule" },
  }
end
csv_kind("callorder", callorder_rows("callorder"))
do
  local rows = {}
  for _, r in ipairs(csv_defects("callorder stdin")) do
    if not r.missing and not r.directory then rows[#rows + 1] = r end
  end
  add(rows)
  local specific = callorder_rows("callorder stdin")
  for _, r in ipairs(specific) do r.kind = "callorder stdin" end
  add(specific)
end

-- anomalies.csv is optional in an annex directory, but a damaged one is an error
do
  local rows = {}
  for _, r in ipairs(csv_defects("annexes (anomalies.csv)")) do
    if not r.missing then rows[#rows + 1] = r end
  end
  add(rows)
end

-- the recueil: a Markdown-like text, located by line and column
local function recueil_line(n, f)
  local t = {}
  for l in (VALID.recueil .. "\n"):gmatch("([^\n]*)\n") do t[#t + 1] = l end
  t[n] = f(t[n])
  return table.concat(t, "\n", 1, #t - 1) .. "\n"
end
add {
  { "missing file", kind = "import-recueil", missing = true,
    msg = "src.txt: cannot open: No such file or directory" },
  { "a directory", kind = "import-recueil", directory = true,
    msg = "src.txt: is a directory, expected a file" },
  { "empty file", kind = "import-recueil", text = "",
    msg = "src.txt: empty file: expected the text of a recueil des actes administratifs" },
  { "binary data", kind = "import-recueil", text = recueil_line(15, function(l) return "|\0" .. l end),
    msg = "src.txt:15:2: binary data (a NUL byte): expected a text file" },
  { "invalid UTF-8", kind = "import-recueil", text = recueil_line(15, function(l) return "é\xE9" .. l end),
    msg = "src.txt:15:2: not UTF-8 text: expected the recueil as UTF-8" },
  { "a 1 MB line", kind = "import-recueil",
    text = recueil_line(15, function(l) return l:gsub("I%.U%.T LITTORAL", ("I"):rep(MB)) end),
    msg = "src.txt:15:65537: line longer than 65536 bytes: expected the recueil's text" },
  { "ragged row (extra cell)", kind = "import-recueil",
    text = recueil_line(15, function(l) return l .. " x |" end),
    msg = "src.txt:15:114: extra column: 4 cells where the header (line 13) has 3" },
  { "ragged row (missing cell)", kind = "import-recueil",
    text = recueil_line(15, function(l) return l:gsub(" 40 |$", "") end),
    msg = "src.txt:15:108: missing column: 2 cells where the header (line 13) has 3" },
  { "unterminated row (no closing '|')", kind = "import-recueil",
    text = recueil_line(15, function(l) return l:sub(1, -2) end),
    msg = "src.txt:15:111: truncated table row: expected '|' at the end of the line" },
  { "non-numeric rate", kind = "import-recueil",
    text = recueil_line(15, function(l) return l:gsub("| 40 |$", "| 4O |") end),
    msg = 'src.txt:15:109: percentage: expected an integer from 0 to 100, got "4O"' },
  { "rate out of range", kind = "import-recueil",
    text = recueil_line(15, function(l) return l:gsub("| 40 |$", "| 140 |") end),
    msg = 'src.txt:15:109: percentage: expected an integer from 0 to 100, got "140"' },
  { "unknown académie", kind = "import-recueil",
    text = recueil_line(11, function() return "- Académie de Paris -" end),
    msg = 'src.txt:11:15: unknown académie "Paris": expected Lille or Amiens' },
  { "duplicate decree number", kind = "import-recueil",
    text = recueil_line(29, function() return "N° L-23-155" end),
    msg = "src.txt:29:4: decree N° L-23-155 appears twice (already on line 2)" },
}

-- policies: Lua source; the API raises admit.fail's structured error (exit 2 from a
-- command), a --sandbox script reports Lua errors with exit 1 as SCRIPTING.md says
local function policy_rows(kind)
  local F = KINDS[kind].file
  local sandbox = kind == "--sandbox"
  local function msg(text) return sandbox and text or "load_policy 'p': " .. text end
  local rows = {
    { "missing file", missing = true,
      msg = sandbox and "s.lua: cannot open: No such file or directory"
        or "load_policy: no policy 'p' (" .. F .. " not found)" },
    { "a directory", directory = true,
      msg = sandbox and "s.lua: is a directory, expected a file"
        or msg(F .. ": is a directory, expected a file") },
    { "empty file", text = "", ok = sandbox,
      msg = not sandbox and msg(F .. " must return admit.policy{...} or a list of them") or nil },
    { "binary data (a compiled chunk)", text = string.dump(function() return 1 end),
      exit = sandbox and 1 or 2,
      msg = sandbox and F .. ": attempt to load a binary chunk (mode is 't'): the sandbox runs source text only"
        or "load_policy 'p' (" .. F .. "): attempt to load a binary chunk (mode is 't')" },
    { "binary data (NUL bytes)", text = "local x = 1\n\0\1\2", exit = 1,
      msg = msg(F .. ":2: unexpected symbol") },  -- Lua names no token for a NUL
    { "unterminated string", text = 'return admit.policy{ name = "p\n', exit = 1,
      msg = msg(F .. ":1: unfinished string near '\"p'") },
    { "a 1 MB line (comment)", text = "-- " .. ("x"):rep(MB) .. "\n" .. VALID.policy, ok = true },
    -- `return admit.policy{...}` (a tail call) is named at its line too: admit.policy is
    -- a C function in the sandbox, whose caller's frame stays on the stack
    { "non-numeric rate", text = 'return admit.policy{ name = "p",\n  rates = { boursier = "x" } }\n',
      exit = sandbox and 1 or 2,
      msg = sandbox and msg(F .. ":1: admit.policy: rates.boursier must be an integer from 0 to 100, got x")
        or "load_policy 'p': " .. F .. ":1: admit.policy: rates.boursier must be an integer from 0 to 100, got x" },
    { "rate out of range", text = 'local p = admit.policy{ name = "p",\n  rates = { boursier = 150 } }\nreturn p\n',
      exit = 1, msg = msg(F .. ":1: admit.policy: rates.boursier must be an integer from 0 to 100, got 150") },
    { "unknown field", text = 'local p = admit.policy{ name = "p",\n  rnak = 1 }\nreturn p\n', exit = 1,
      msg = msg(F .. ":1: admit.policy: unknown field 'rnak' (fields: commune, description, "
        .. "establishment, groups, limits, name, program, rank, rates)") },
    { "undefined global (a typo)", text = "return admit.polcy{ name = 'p' }\n", exit = 1,
      pattern = (msg(F):gsub("%p", "%%%0")) .. ":1: .*polcy" },
  }
  for _, r in ipairs(rows) do r.kind = kind end
  return rows
end
add(policy_rows("load_policy"))
add(policy_rows("--sandbox"))

-- ------------------------------------------------------------------ running a case

local function mkdir_p(path) assert(os.execute("mkdir -p " .. h.quote(path))) end
local function dirname(path) return path:match("^(.*)/[^/]*$") end

local function prepare(case)
  local K = KINDS[case.kind]
  local dir = h.scratch()
  for name, text in pairs(K.fixtures()) do
    if dirname(name) then mkdir_p(dir .. "/" .. dirname(name)) end
    h.write(dir .. "/" .. name, text)
  end
  local file = case.file or K.file
  if dirname(file) then mkdir_p(dir .. "/" .. dirname(file)) end
  if case.missing then
    os.remove(dir .. "/" .. file)
  elseif case.directory then
    os.remove(dir .. "/" .. file)
    mkdir_p(dir .. "/" .. file)
  elseif not K.stdin then
    h.write(dir .. "/" .. file, case.text)
  end
  return dir
end

local function exists(path) return os.rename(path, path) ~= nil end

local function check_message(case, got, prefix)
  prefix = prefix or ""
  if case.pattern then
    assert.matches("^" .. prefix:gsub("%p", "%%%0") .. case.pattern, got)
  else
    assert.are.equal(prefix .. case.msg, got)
  end
end

local function run_cli(case)
  local K = KINDS[case.kind]
  local dir = prepare(case)
  local args = case.cli or K.cli
  local out, err, code = h.run(args, K.stdin and case.text or nil, { cwd = dir })
  if case.ok then
    assert.are.equal(0, code, err)
    return
  end
  assert.are.equal("", out)
  assert.are.equal(case.exit or 2, code)
  local text = err:gsub("\n$", "")
  check_message(case, text, "admit: ")
  assert.is_nil(err:find("traceback", 1, true), err)
  assert.is_false(exists(dir .. "/out"), "an output directory was left behind")
end

local function run_api(case)
  local K = KINDS[case.kind]
  local dir = prepare(case)
  local ok, v, msg = pcall(K.api, dir)
  if case.ok then
    assert.is_true(ok, tostring(v))
    assert.is_not_nil(v, msg)
    return
  end
  local got
  if not ok then       -- a raised error: admit.fail's {message=, exit=} or a string
    got = type(v) == "table" and v.message or tostring(v)
    if type(v) == "table" then assert.are.equal(2, v.exit) end
  else                 -- nil, message
    assert.is_nil(v)
    got = msg
  end
  assert.is_string(got)
  got = got:gsub(dir:gsub("%p", "%%%0") .. "/", "")
  check_message(case, got)
  assert.is_false(exists(dir .. "/out"), "an output directory was left behind")
end

describe("bad input (issue 6): file kind × defect", function()
  after_each(h.remove_scratch)
  for _, case in ipairs(CASES) do
    local K = KINDS[case.kind]
    local title = case.kind .. " × " .. case[1]
    local cli, api = case.cli or K.cli, K.api and not case.no_api
    local function guarded(fn)
      return function()
        if case.pending then pending(case.pending) return end
        fn(case)
      end
    end
    if cli then it(title .. " (CLI)", guarded(run_cli)) end
    if api then it(title .. " (API)", guarded(run_api)) end
  end
end)

-- the table, for the same rows in French (tests/16-lang_spec.lua)
return { cases = CASES, kinds = KINDS, prepare = prepare }
