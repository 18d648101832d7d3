-- Compare the 2023 Hauts-de-France simulation without and with policies.
--
--   admit scripts/compare_policies.lua [POLICY ...] [--seed N] [--candidates N] [--annexes DIR]
--
-- POLICY names a file scripts/policies/POLICY.lua (see SCRIPTING.md §4); without a name,
-- every policy of scripts/policies/ is applied. The same seeded cohort is simulated twice,
-- without and with the policies, and every formation whose outcome changed is listed.
local lfs = require "lfs"

local names, opts = {}, { seed = 2023, candidates = 40000, annexes = admit.annex_dir() }
local i = 1
while arg and arg[i] do
  local a = arg[i]
  local key = a:match("^%-%-(%w+)$")
  if key then
    if opts[key] == nil then admit.fail("unknown option " .. a) end
    opts[key] = arg[i + 1] or admit.fail(a .. " needs a value")
    i = i + 2
  else
    names[#names + 1] = a
    i = i + 1
  end
end
if not admit.load_policy then
  admit.fail("this script needs the policies of admit (admit.load_policy, SCRIPTING.md §4)")
end
if #names == 0 then
  for file in lfs.dir(admit.scripts_dir .. "/policies") do
    local name = file:match("^(.+)%.lua$")
    if name then names[#names + 1] = name end
  end
  table.sort(names)
end
local policies = {}
for _, name in ipairs(names) do
  local p = admit.load_policy(name)
  if p.matches then policies[#policies + 1] = p
  else for _, q in ipairs(p) do policies[#policies + 1] = q end end
end

-- the cohort, in a temporary directory removed at the end
local dir = os.tmpname()
os.remove(dir)
assert(lfs.mkdir(dir))
local files = dir .. "/cohort"
admit.check(admit.generate { out = files, seed = tonumber(opts.seed),
  candidates = tonumber(opts.candidates), annex_dir = opts.annexes })
local spec = { formations = files .. "/formations.csv", candidates = files .. "/candidates.csv",
               wishes = files .. "/wishes.csv" }
local before = admit.simulate(spec)
spec.policies = policies
local after, applied = admit.simulate(spec)
for _, f in ipairs { "formations.csv", "candidates.csv", "wishes.csv" } do os.remove(files .. "/" .. f) end
lfs.rmdir(files)
lfs.rmdir(dir)

-- what changed, formation by formation (whole-formation rows)
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
local count, ids = 0, {}
for id in pairs(a) do ids[#ids + 1] = id end
table.sort(ids)
print(string.format("%d policies (%s) applied to %d formations; seed %s, %s candidates",
  #policies, table.concat(names, ", "), (function() local n = 0 for _ in pairs(applied) do n = n + 1 end return n end)(),
  opts.seed, opts.candidates))
if next(applied) == nil then
  print("No formation of the cohort matches these policies: check their establishment, program"
    .. " and commune against the formations (admit.annexes(), SCRIPTING.md §2).")
end
for _, id in ipairs(ids) do
  local changes = {}
  for _, f in ipairs(fields) do
    if b[id][f] ~= a[id][f] then
      changes[#changes + 1] = string.format("%s %s → %s", f, tostring(b[id][f] or "-"), tostring(a[id][f] or "-"))
    end
  end
  if #changes > 0 then
    count = count + 1
    local row = a[id]
    print(string.format("%s %s — %s%s\n    %s", id, row.establishment or "", row.program or "",
      applied[id] and (" [" .. applied[id] .. "]") or "", table.concat(changes, "; ")))
  end
end
local moved = 0
local ab, aa = before:assignments(), after:assignments()
for k = 1, #ab do
  if ab[k].formation_id ~= aa[k].formation_id then moved = moved + 1 end
end
print(string.format("%d formations changed; %d candidates get another seat (or none).", count, moved))
