-- Policy: the Instituts de formation en soins infirmiers (IFSI) of the two regional
-- groupings, "Regroupement d'IFSI Université Lille" and "... Université Amiens".
-- A health programme: no techno or pro reservation, but a minimum rate of boursiers
-- (the "sante-boursiers" annex) that the ordre d'appel must meet.
--
-- HOW TO ADAPT IT: copy this file into a folder of your own (scripts/policies/ holds
-- admit's examples; `admit scripts/compare_policies.lua --policies DIR NAME` tries yours),
-- change "which formation" and the scoring. This file
-- returns a LIST of two policies (two groupings with different juries): a file may
-- return one admit.policy{...} or a list of them. Runs in the sandbox (no files).

-- The dossier score both juries share (grades out of 20, motivation out of 20).
local function dossier(c)
  return 2 * (c.moyenne or 0) + (c.francais or 0) + 2 * (c.motivation or 0)
end

return {
  admit.policy{
    name = "ifsi-lille",
    establishment = "IFSI Université Lille",
    program = "infirmier",
    rank = dossier,
  },
  admit.policy{
    name = "ifsi-amiens",
    establishment = "IFSI Université Amiens",
    program = "infirmier",
    -- this jury also weighs scientific grades (pharmacology, dosage calculations)
    rank = function(c) return dossier(c) + (c.maths or 0) end,
    -- a boursier rate set by the formation above the rector's minimum would go here,
    -- e.g. rates = { boursier = 25 }; left out, the formation's rate (annex) applies.
  },
}
