-- Policy: BTS Négociation et digitalisation de la relation client (NDRC), every lycée of
-- the académie that offers it.
--
-- HOW TO ADAPT IT: copy this file into a folder of your own (scripts/policies/ holds
-- admit's examples and is read-only once installed), change "which formation" and "how
-- candidates are scored", keep the return admit.policy{...} shape, and try it with
-- `admit scripts/compare_policies.lua --policies DIR NAME`. Runs in the sandbox (no files).
--
-- What the sources fix, docs/ordre-appel.md §7: the rector's decree fixes a minimum rate
-- of bacheliers professionnels (the "pro" annex); Parcoursup meets it through a separate
-- ranking group with its own capacity, a split the formation chooses (admit's default:
-- ⌈rate × capacity / 100⌉ seats in the bac pro group); the formation's boursier rate is
-- copied to each group's ordre d'appel.

-- Bac pro specialities closest to the BTS: a bonus on top of the grades.
local CLOSE_SPECIALITIES = {
  ["Bac-pro-Commerce"] = 3,
  ["STMG"] = 2,
}

return admit.policy{
  -- which formation: no establishment line, so it applies to every establishment whose
  -- programme is the BTS NDRC, written "Négociation et digitalisation de la Relation
  -- Client" in the annexes (21 formations in 2023: admit annexes --find "relation client").
  program = "Relation Client",

  -- how candidates are scored (higher = better): the general average counts most, the
  -- motivation letter a lot (a BTS recruits on the project), plus the speciality bonus.
  rank = function(c)
    local bonus = CLOSE_SPECIALITIES[c.specialite] or 0
    return 2 * (c.moyenne or 0) + 1.5 * (c.motivation or 0) + bonus
  end,

  -- the seats: the reserved bac pro seats are kept for bac pro candidates up to their
  -- number; any seat they cannot fill goes to the other group. In addition this BTS keeps
  -- at least 2 seats for the other group whatever the split. Both are choices of the
  -- formation, not of the decrees (docs/ordre-appel.md §7: moving unused seats between
  -- groups is a formation decision outside the published algorithm); the total never grows. caps is this function's own copy, to change and return;
  -- formation and applicants are read-only.
  groups = function(formation, caps, applicants) -- luacheck: no unused args
    local pro_applicants = 0
    for _, c in ipairs(applicants) do
      if c.bac == "pro" then pro_applicants = pro_applicants + 1 end
    end
    if caps.pro > pro_applicants then
      caps.other = caps.other + (caps.pro - pro_applicants)
      caps.pro = pro_applicants
    end
    if caps.other < 2 and caps.pro >= 2 - caps.other then
      caps.pro = caps.pro - (2 - caps.other)
      caps.other = 2
    end
    return caps
  end,
}
