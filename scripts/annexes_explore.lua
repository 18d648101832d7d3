-- Exploring the annexes of the 2023 decrees (Lille and Amiens): run it with
--   build/admit scripts/annexes_explore.lua
-- Every call used here is described in SCRIPTING.md §2.
-- What it prints is in the user's language (--lang, LANG): English templates looked up in
-- admit's French catalogue, admit's own texts through admit.tr (SCRIPTING.md §1, "Language").
local i18n = require "admit.i18n"
local T = i18n.t
local set = admit.check(admit.annexes())        -- the embedded data (nil, message on error)

-- 1. A dataset prints as an aligned table: its first rows and its count (the last line,
--    shown here in the user's language; the REPL does so by itself).
local function show(ds)
  local rows, count = tostring(ds):match("^(.*)\n([^\n]*)$")
  print(rows)
  print(admit.tr(count))
end
show(set.techno:find { academie = "amiens", program = "informatique" })

-- 2. Search is case- and accent-insensitive, and gives a dataset again (a view).
local cyber = set.pro:find { program = "cybersecurite" }
print("\n" .. T("{n} BTS rows mention Cybersécurité; {m} in the académie d'Amiens",
  { n = #cyber, m = #cyber:find { academie = "amiens" } }))

-- 3. Rows are tables: annex, academie, establishment, commune, program, min_pct.
local highest
for _, row in set.pro:rows() do
  if not highest or row.min_pct > highest.min_pct then highest = row end
end
print(T("highest BTS minimum: {pct} at {name} ({commune}), {program}", { pct = i18n.percent_text(highest.min_pct),
  name = highest.establishment, commune = highest.commune, program = highest.program }))

-- 4. The rate of one formation. Homonymous establishments are told apart by commune.
local function show_rate(label, rate) print(T("{what}: {rate}", { what = label, rate = rate })) end
print()
show_rate("Lycée Louis Pasteur, Gestion de la PME", set.pro:min_rate("Lycée Louis Pasteur", "Gestion de la PME"))
show_rate("Lycée Louis Pasteur (Hénin-Beaumont), Travaux publics",
  set.pro:min_rate("Lycée Louis Pasteur", "Travaux publics", "Hénin-Beaumont"))

-- 5. When the key is ambiguous, you get nil and the candidates, never a guess: two Lycées
--    Condorcet (Lens and Saint-Quentin) teach the BTS Support à l'action managériale, with
--    different rates. Giving the commune settles it.
local rate, why = set.pro:min_rate("Lycée Condorcet", "Support à l'action managériale")
print("\n" .. T("ambiguous: {rate}", { rate = tostring(rate) }))
print(admit.tr(why))   -- the API's messages are English (scripts match them); admit.tr: in the user's language
local lens = set.pro:min_rate("Lycée Condorcet", "Support à l'action managériale", "Lens")
print(T("with the commune (Lens): {rate}", { rate = lens }))
rate, why = set.pro:min_rate("Lycée Colbert", "Cybersécurité, Infor")
print("\n" .. T("the source gives two rates: {rate}", { rate = tostring(rate) }))
print(admit.tr(why))

-- 6. The source's defects, as found by the importer (anomalies.csv).
local kinds = {}
for _, a in ipairs(set.anomalies) do kinds[a.anomaly] = (kinds[a.anomaly] or 0) + 1 end
print("\n" .. T("anomalies: {a} cut labels, {b} keys with two rates, {c} homonyms",
  { a = kinds["cut-label"] or 0, b = kinds["duplicate-key"] or 0, c = kinds.homonym or 0 }))
