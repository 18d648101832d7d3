-- Compare the 2023 Hauts-de-France simulation without and with policies: a thin example
-- over admit.compare (SCRIPTING.md §5); `admit compare` is the command that writes files.
--
--   admit scripts/compare_policies.lua [POLICY ...] [--seed N] [--candidates N]
--                                      [--annexes DIR] [--policies DIR]
--
-- POLICY names a file POLICIES/POLICY.lua (see SCRIPTING.md §4); without a name, every
-- policy file of the policies directory is applied. The same seeded cohort is simulated
-- twice, without and with the policies, and every formation whose outcome changed is listed.
local lfs = require "lfs"
-- what it prints is in the user's language (--lang, LANG): English templates looked up in
-- admit's French catalogue (SCRIPTING.md §1, "Language")
local i18n = require "admit.i18n"
local T = i18n.t

local USAGE = [[
usage: admit scripts/compare_policies.lua [POLICY ...] [--seed N] [--candidates N]
                                          [--annexes DIR] [--policies DIR]
  POLICY           a policy file name (POLICY.lua in the policies directory);
                   default: every .lua file of that directory
  --seed N         seed of the synthetic cohort (default 2023)
  --candidates N   size of the cohort, 1 to 1000000 (default 40000)
  --annexes DIR    the annex files (default: the embedded 2023 data)
  --policies DIR   where the policy files are (default: scripts/policies of the
                   installation; use your own directory to try your own policies)]]

-- errors are raised in English, like admit's own: admit shows them in the user's language
local function usage_error(msg) admit.fail(msg .. "\n" .. USAGE) end

local function whole(option, text, min, max)
  local n = text:match("^%d+$") and math.tointeger(tonumber(text))
  if not n or n < min or n > max then
    usage_error(string.format("%s: '%s' is not a whole number between %d and %d", option, text, min, max))
  end
  return n
end

local function directory(option, path)
  if lfs.attributes(path, "mode") ~= "directory" then
    usage_error(string.format("%s: '%s' is not a directory", option, path))
  end
  return path
end

-- The command line: policy names, then --option value pairs (in any order).
local names, given = {}, {}
local known = { seed = true, candidates = true, annexes = true, policies = true }
local i = 1
while arg and arg[i] do
  local a = arg[i]
  if a == "--help" or a == "-h" then print(admit.tr(USAGE)) return end
  local key = a:match("^%-%-(.+)$")
  if key then
    if not known[key] then usage_error("unknown option '" .. a .. "'") end
    local value = arg[i + 1]
    if value == nil or value:match("^%-%-") then usage_error("option " .. a .. " needs a value") end
    given[key] = value
    i = i + 2
  elseif a:match("^%-") then
    usage_error("unknown option '" .. a .. "'")
  else
    names[#names + 1] = a
    i = i + 1
  end
end
local opts = {
  seed = given.seed and whole("--seed", given.seed, 0, math.maxinteger) or 2023,
  candidates = given.candidates and whole("--candidates", given.candidates, 1, 1000000) or 40000,
  annexes = given.annexes and directory("--annexes", given.annexes) or admit.annex_dir(),
  policies = given.policies and directory("--policies", given.policies)
             or (admit.scripts_dir .. "/policies"),
}
if not admit.load_policy then
  admit.fail("this script needs the policies of admit (admit.load_policy, SCRIPTING.md §4)")
end
local policies
policies, names = admit.load_policies(opts.policies, names)

-- The cohort (several MB) lives in a temporary directory that is removed when this block
-- ends, whether the simulations succeed or a policy raises an error (to-be-closed variable).
local c
do
  local dir = admit.tmpdir()
  local _ <close> = setmetatable({}, { __close = function() admit.remove_tree(dir) end })
  local files = dir .. "/cohort"
  admit.check(admit.generate { out = files, seed = opts.seed, candidates = opts.candidates,
                               annex_dir = opts.annexes })
  c = admit.compare { formations = files .. "/formations.csv", candidates = files .. "/candidates.csv",
                      wishes = files .. "/wishes.csv", policies = policies }
end

local function count(n, one, many) return i18n.count(n, one, many) end
print(T("{files} ({names}), {policies}; applied to {formations}; seed {seed}, {candidates}", {
  files = count(#names, "{n} policy file", "{n} policy files"), names = table.concat(names, ", "),
  policies = count(#policies, "{n} policy", "{n} policies"),
  formations = count(c.applied, "{n} formation", "{n} formations"), seed = opts.seed,
  candidates = count(opts.candidates, "{n} candidate", "{n} candidates") }))
if c.applied == 0 then
  print(T("No formation of the cohort matches these policies: check their establishment, program"
    .. " and commune against the formations (admit.annexes(), SCRIPTING.md §2)."))
end
print()
io.write(admit.comparison_text(c, { lang = admit.lang() }))
-- c.rows holds every formation before / after: e.g. the ones a policy changed
local shown = 0
for _, row in ipairs(c.rows) do
  if row.policy and row.change ~= "unchanged" then
    if shown == 0 then print("\n" .. T("Formations with a policy whose outcome changed:")) end
    shown = shown + 1
    print("  " .. i18n.pad(row.formation_id, 8) .. " " .. T("{program} [{policy}]: admitted {a} → {b}, {change*}", {
      program = row.program or "", policy = row.policy, a = row.admitted_before, b = row.admitted_after,
      change = row.change }))
  end
end
print("\n" .. T("(`admit compare --out DIR` writes the same comparison as report.html, comparison.csv"
  .. " and comparison.xlsx.)"))
