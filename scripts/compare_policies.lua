-- Compare the 2023 Hauts-de-France simulation without and with policies.
--
--   admit scripts/compare_policies.lua [POLICY ...] [--seed N] [--candidates N]
--                                      [--annexes DIR] [--policies DIR]
--
-- POLICY names a file POLICIES/POLICY.lua (see SCRIPTING.md §4); without a name, every
-- policy file of the policies directory is applied. The same seeded cohort is simulated
-- twice, without and with the policies, and every formation whose outcome changed is listed.
local lfs = require "lfs"

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

local function usage_error(msg) admit.fail(msg .. "\n" .. USAGE) end

local function plural(n, one, many)
  return string.format("%d %s", n, n == 1 and one or (many or one .. "s"))
end

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
  if a == "--help" or a == "-h" then print(USAGE) return end
  local key = a:match("^%-%-(.+)$")
  if key then
    if not known[key] then usage_error("unknown option " .. a) end
    local value = arg[i + 1]
    if value == nil or value:match("^%-%-") then usage_error(a .. " needs a value") end
    given[key] = value
    i = i + 2
  elseif a:match("^%-") then
    usage_error("unknown option " .. a)
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
if #names == 0 then
  for file in lfs.dir(opts.policies) do
    local name = file:match("^(.+)%.lua$")
    if name then names[#names + 1] = name end
  end
  table.sort(names)
  if #names == 0 then admit.fail("no policy file (*.lua) in " .. opts.policies) end
end
local policies = {}
for _, name in ipairs(names) do
  local p = admit.load_policy(name, { dir = opts.policies })
  if p.matches then policies[#policies + 1] = p
  else for _, q in ipairs(p) do policies[#policies + 1] = q end end
end

-- A temporary directory (under $TMPDIR when set), removed with all it holds.
local function make_tmpdir()
  local name = os.tmpname()
  os.remove(name)
  local base = os.getenv("TMPDIR")
  if base and base ~= "" then name = base .. "/" .. name:match("[^/]+$") end
  local ok, err = lfs.mkdir(name)
  if not ok then admit.fail("cannot create a temporary directory " .. name .. ": " .. tostring(err)) end
  return name
end

local function remove_tree(path)
  if lfs.symlinkattributes(path, "mode") == "directory" then
    for entry in lfs.dir(path) do
      if entry ~= "." and entry ~= ".." then remove_tree(path .. "/" .. entry) end
    end
    lfs.rmdir(path)
  else
    os.remove(path)
  end
end

-- The cohort (several MB) lives in a temporary directory that is removed when this block
-- ends, whether the simulations succeed or a policy raises an error (to-be-closed variable).
local before, after, applied
do
  local dir = make_tmpdir()
  local _ <close> = setmetatable({}, { __close = function() remove_tree(dir) end })
  local files = dir .. "/cohort"
  admit.check(admit.generate { out = files, seed = opts.seed, candidates = opts.candidates,
                               annex_dir = opts.annexes })
  local spec = { formations = files .. "/formations.csv", candidates = files .. "/candidates.csv",
                 wishes = files .. "/wishes.csv" }
  before = admit.simulate(spec)
  spec.policies = policies
  after, applied = admit.simulate(spec)
end

-- What changed, formation by formation (whole-formation rows).
local function by_id(r)
  local t = {}
  for _, row in ipairs(r:formations()) do
    if row.group == "all" then t[row.formation_id] = row end
  end
  return t
end
local b, a = by_id(before), by_id(after)
local fields = { "capacity", "admitted", "admitted_techno", "admitted_pro", "admitted_boursier",
                 "techno_met", "pro_met", "boursier_met" }
local ids = {}
for id in pairs(a) do ids[#ids + 1] = id end
table.sort(ids)
local n_applied = 0
for _ in pairs(applied) do n_applied = n_applied + 1 end

print(string.format("%s (%s), %s; applied to %s; seed %d, %s",
  plural(#names, "policy file"), table.concat(names, ", "), plural(#policies, "policy", "policies"),
  plural(n_applied, "formation"), opts.seed, plural(opts.candidates, "candidate")))
if n_applied == 0 then
  print("No formation of the cohort matches these policies: check their establishment, program"
    .. " and commune against the formations (admit.annexes(), SCRIPTING.md §2).")
end

local function describe(id)
  local changes = {}
  for _, f in ipairs(fields) do
    if b[id][f] ~= a[id][f] then
      changes[#changes + 1] = string.format("%s %s → %s", f, tostring(b[id][f] or "-"), tostring(a[id][f] or "-"))
    end
  end
  if #changes == 0 then return nil end
  local row = a[id]
  return string.format("%s %s — %s%s\n    %s", id, row.establishment or "", row.program or "",
    applied[id] and (" [" .. applied[id] .. "]") or "", table.concat(changes, "; "))
end

local with_policy, others = {}, {}
for _, id in ipairs(ids) do
  local text = describe(id)
  if text then
    local list = applied[id] and with_policy or others
    list[#list + 1] = text
  end
end
print(string.format("\nFormations with a policy that changed: %d of %d", #with_policy, n_applied))
for _, text in ipairs(with_policy) do print(text) end
print(string.format("\nOther formations changed as candidates moved: %d", #others))
if #others > 0 then
  print("(a formation without a policy changes too when a candidate it admitted takes a seat"
    .. " elsewhere, or one admitted elsewhere comes back: the ripple effect)")
end
for _, text in ipairs(others) do print(text) end

local moved = 0
local ab, aa = before:assignments(), after:assignments()
for k = 1, #ab do
  if ab[k].formation_id ~= aa[k].formation_id then moved = moved + 1 end
end
print(string.format("\n%s changed; %s another seat (or none).",
  plural(#with_policy + #others, "formation"),
  moved == 1 and "1 candidate gets" or string.format("%d candidates get", moved)))
