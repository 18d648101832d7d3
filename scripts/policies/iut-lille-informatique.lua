-- Policy: BUT Informatique at the Institut universitaire de technologie de Lille
-- (2023 techno annex: minimum 50% of bacheliers technologiques).
--
-- HOW TO ADAPT IT: copy this file into a folder of your own (say mine/my-iut.lua: the
-- scripts/policies/ folder holds admit's examples and is read-only once installed),
-- change the lines under "which formation" and the scoring under "how candidates are
-- scored", then try it with `admit scripts/compare_policies.lua --policies mine my-iut`
-- or load it with admit.load_policy("my-iut", {dir = "mine"}). This file runs in the
-- sandbox: it can compute, it cannot open files or run programs.
--
-- What the sources fix (and this file does not change), docs/ordre-appel.md §7: the
-- rector's decree fixes a minimum rate of bacheliers technologiques (the "techno" annex);
-- Parcoursup meets it through a separate ranking group with its own capacity, a split the
-- formation chooses (admit's default: ⌈rate × capacity / 100⌉ seats in the techno group);
-- the formation's boursier rate is copied to each group's ordre d'appel.

return admit.policy{
  -- which formation: pieces of text looked for in the formation's names, without caring
  -- about capitals or accents, as they are written in the annexes (admit annexes --find
  -- informatique). "BUT - Informatique" leaves out "Génie électrique et informatique
  -- industrielle", which only contains "informatique".
  establishment = "Institut universitaire de technologie de Lille",
  program = "BUT - Informatique",

  -- how candidates are scored: a number, higher = better. Every candidate row has the
  -- columns of the candidates file: here maths, francais and moyenne (grades out of 20)
  -- and motivation (the jury's mark of the letter, out of 20). An empty cell is nil:
  -- "or 0" counts a missing grade as 0.
  -- Equal scores are never left to chance: the lower id goes first.
  rank = function(c)
    local maths = c.maths or 0
    local francais = c.francais or 0
    local moyenne = c.moyenne or 0
    local motivation = c.motivation or 0
    return 3 * maths + 1 * francais + 2 * moyenne + 1 * motivation
  end,

  -- the reserved seats: when fewer bac techno candidates apply than there are seats
  -- reserved for them, the seats they cannot fill go to the other group instead of
  -- staying empty. A decision of the formation: the decrees only fix the rate, and
  -- docs/ordre-appel.md §7 calls moving unused seats between groups a formation decision
  -- outside the published algorithm.
  groups = { unused_to_other = true },
}
