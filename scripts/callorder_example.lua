-- scripts/callorder_example.lua — from a candidates file to the ordres d'appel of three
-- formations, each with its own policy from scripts/policies/.
--
--   build/admit scripts/callorder_example.lua [candidates.csv]
--
-- The candidates file needs the columns id,bac,boursier,resident; these policies also
-- read moyenne, maths, francais, specialite and motivation (see the fixture below).
-- What it prints is in the user's language (--lang, LANG): English templates looked up in
-- admit's French catalogue (SCRIPTING.md §1, "Language").
local i18n = require "admit.i18n"
local T = i18n.t

local path = arg and arg[1] or (admit.home .. "/tests/fixtures/callorder/candidates.csv")
local candidates = admit.check(admit.candidates(path))
print(T("{n} candidates from {file}", { n = #candidates, file = path }))

-- Every policy file; the first policy matching a formation gives it its rules.
local policies = {}
for _, name in ipairs { "iut-lille-informatique", "bts-ndrc", "ifsi-hauts-de-france" } do
  local loaded = admit.load_policy(name)
  if admit.is_policy(loaded) then loaded = { loaded } end
  for _, p in ipairs(loaded) do policies[#policies + 1] = p end
end

-- p:matches needs only the names: the description of a formation is enough.
local function policy_for(f)
  for _, p in ipairs(policies) do
    if p:matches(f) then return p end
  end
end

-- Three formations of the 2023 annexes. A minimum left out is taken from the rector's
-- annexes (admit.annexes): techno 50% for the IUT, pro 61% for the BTS, boursiers 21% for
-- the IFSI. The boursier rates of the IUT and the BTS are not in these decrees: they are
-- written here, as the formation's recruitment record would give them.
local specs = {
  { establishment = "Institut universitaire de technologie de Lille", program = "BUT - Informatique",
    capacity = 30, min_boursier = 20 },
  { establishment = "Lycée Gaston Berger", commune = "Lille", program = "Relation Client",
    capacity = 24, min_boursier = 15 },
  { establishment = "Regroupement d'IFSI Université Lille", program = "D.E Infirmier",
    capacity = 20 },
}

for _, spec in ipairs(specs) do
  spec.policy = policy_for(spec)
  local f = admit.formation(spec)
  print()
  print(admit.tr(tostring(f)))   -- tostring is English, as every text of the API; admit.tr: in the user's language
  print(f.policy and T("policy: {name}", { name = f.policy.name }) or T("policy: none"))
  -- the policy ranks the candidates, decides the group capacities; each group gets its
  -- ordre d'appel with the formation's boursier rate
  local groups = f:call_orders(candidates)
  for _, g in ipairs(groups.list) do
    local co = g.call_order
    local first = {}
    for k = 1, math.min(g.capacity, #co) do first[#first + 1] = co[k].id end
    local function w2(n) return i18n.pad(tostring(n), 2, "r") end   -- numbers in columns
    print("  " .. T("group {name} {a} seats by the decree, {b} by the policy, {c} candidates; called first: {list}", {
      name = i18n.pad(g.name, 6), a = w2(f.groups[g.name]), b = w2(g.capacity), c = w2(#co),
      list = table.concat(first, " ") }))
    -- the boursier rate holds on every prefix, or no boursier is left to call
    for k = 1, #co do
      assert(co[k].boursier_ok, "boursier rate broken at position " .. k)
    end
  end
end
