-- Exploring the annexes of the 2023 decrees (Lille and Amiens): run it with
--   build/admit scripts/annexes_explore.lua
-- Every call used here is described in SCRIPTING.md §2.
local set = admit.check(admit.annexes())        -- the embedded data (nil, message on error)

-- 1. A dataset prints as an aligned table: its first rows and its count.
print(set.techno:find { academie = "amiens", program = "informatique" })

-- 2. Search is case- and accent-insensitive, and gives a dataset again (a view).
local cyber = set.pro:find { program = "cybersecurite" }
print(string.format("\n%d BTS rows mention Cybersécurité; %d in the académie d'Amiens", #cyber,
  #cyber:find { academie = "amiens" }))

-- 3. Rows are tables: annex, academie, establishment, commune, program, min_pct.
local highest
for _, row in set.pro:rows() do
  if not highest or row.min_pct > highest.min_pct then highest = row end
end
print(string.format("highest BTS minimum: %d%% at %s (%s), %s", highest.min_pct,
  highest.establishment, highest.commune, highest.program))

-- 4. The rate of one formation. Homonymous establishments are told apart by commune.
print("\nLycée Louis Pasteur, Gestion de la PME:",
  set.pro:min_rate("Lycée Louis Pasteur", "Gestion de la PME"))
print("Lycée Louis Pasteur (Hénin-Beaumont), Travaux publics:",
  set.pro:min_rate("Lycée Louis Pasteur", "Travaux publics", "Hénin-Beaumont"))

-- 5. When the key is ambiguous, you get nil and the candidates, never a guess: two Lycées
--    Condorcet (Lens and Saint-Quentin) teach the BTS Support à l'action managériale, with
--    different rates. Giving the commune settles it.
local rate, why = set.pro:min_rate("Lycée Condorcet", "Support à l'action managériale")
print("\nambiguous:", rate)
print(why)
print("with the commune (Lens):",
  set.pro:min_rate("Lycée Condorcet", "Support à l'action managériale", "Lens"))
rate, why = set.pro:min_rate("Lycée Colbert", "Cybersécurité, Infor")
print("\nthe source gives two rates:", rate)
print(why)

-- 6. The source's defects, as found by the importer (anomalies.csv).
local kinds = {}
for _, a in ipairs(set.anomalies) do kinds[a.anomaly] = (kinds[a.anomaly] or 0) + 1 end
print(string.format("\nanomalies: %d cut labels, %d keys with two rates, %d homonyms",
  kinds["cut-label"] or 0, kinds["duplicate-key"] or 0, kinds.homonym or 0))
