-- scripts/callorder_example.lua — from a candidates file to the ordres d'appel of three
-- formations, each with its own policy from scripts/policies/.
--
--   build/admit scripts/callorder_example.lua [candidates.csv]
--
-- The candidates file needs the columns id,bac,boursier,resident; these policies also
-- read moyenne, maths, francais, specialite and motivation (see the fixture below).
local path = arg and arg[1] or (admit.home .. "/tests/fixtures/callorder/candidates.csv")
local candidates = admit.check(admit.candidates(path))
print(string.format("%d candidates from %s", #candidates, path))

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
  print(f)
  print("policy: " .. (f.policy and f.policy.name or "none"))
  -- the policy ranks the candidates, decides the group capacities; each group gets its
  -- ordre d'appel with the formation's boursier rate
  local groups = f:call_orders(candidates)
  for _, g in ipairs(groups.list) do
    local co = g.call_order
    local first = {}
    for k = 1, math.min(g.capacity, #co) do first[#first + 1] = co[k].id end
    print(string.format("  group %-6s %2d seats by the decree, %2d by the policy, %2d candidates;"
                        .. " called first: %s", g.name, f.groups[g.name], g.capacity, #co,
                        table.concat(first, " ")))
    -- the boursier rate holds on every prefix, or no boursier is left to call
    for k = 1, #co do
      assert(co[k].boursier_ok, "boursier rate broken at position " .. k)
    end
  end
end
