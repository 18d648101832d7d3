-- The annex summary (first stage of the main job, `make run`): rows per annex and
-- académie, the spread of the minimum rates per annex, and the source's anomalies.
--   build/admit scripts/annex_summary.lua [DIR]     (default: the embedded 2023 data)
local dir = ...
local set = admit.check(admit.annexes(dir))

-- the text in the user's language (admit --lang fr, or LANG=fr_FR...): T(english, french)
local french = admit.lang() == "fr"
local function T(en, fr) return french and fr or en end
local i18n = require "admit.i18n"

local ANNEXES = {
  { "techno",   "bacheliers technologiques, IUT (BUT)" },
  { "pro",      "bacheliers professionnels, BTS" },
  { "boursier", T("boursiers de lycée, health programmes", "boursiers de lycée, santé") },
}
local ACADEMIES = { "Lille", "Amiens" }

-- string.format pads bytes; labels have accents, so pad by characters
local function pad(s, width) return s .. string.rep(" ", width - utf8.len(s)) end

print(string.format(T("== Annex data: %s", "== Données des annexes : %s"), set.dir))
print()
print(string.format("%-9s %s %6s %7s %6s", T("annex", "annexe"), pad(T("minimum rate of", "taux minimum de"), 40),
  "Lille", "Amiens", "total"))
local totals = { Lille = 0, Amiens = 0 }
for _, a in ipairs(ANNEXES) do
  local ds = set[a[1]]
  local n = {}
  for _, acad in ipairs(ACADEMIES) do
    n[acad] = #ds:find { academie = acad }
    totals[acad] = totals[acad] + n[acad]
  end
  print(string.format("%-9s %s %6d %7d %6d", a[1], pad(a[2], 40), n.Lille, n.Amiens, #ds))
end
print(string.format("%-9s %-40s %6d %7d %6d", T("all", "toutes"), "", totals.Lille, totals.Amiens,
  totals.Lille + totals.Amiens))

-- Quantile of a sorted list (linear interpolation between closest ranks).
local function quantile(sorted, q)
  local pos = 1 + (#sorted - 1) * q
  local lo = math.floor(pos)
  local hi = math.min(lo + 1, #sorted)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
end

print()
print(T("Minimum rates (%) per annex:", "Taux minimum (%) par annexe :"))
print(string.format("%-9s %4s %5s %7s %5s %4s %6s", T("annex", "annexe"), "min", "q1", T("median", "médiane"),
  "q3", "max", T("mean", "moyenne")))
for _, a in ipairs(ANNEXES) do
  local rates, sum = {}, 0
  for _, row in set[a[1]]:rows() do
    rates[#rates + 1] = row.min_pct
    sum = sum + row.min_pct
  end
  table.sort(rates)
  -- decimals the user's way (12,5 in French: admit.i18n's rule for numbers in text)
  local function D(x, w) return string.rep(" ", w - #i18n.decimal(x, 1)) .. i18n.decimal(x, 1) end
  print(string.format("%-9s %4d %s %s %s %4d %s", a[1], rates[1], D(quantile(rates, 0.25), 5),
    D(quantile(rates, 0.5), 7), D(quantile(rates, 0.75), 5), rates[#rates], D(sum / #rates, 6)))
end

print()
print(T("Distribution of the minimum rates (rows per band of 10 points):",
  "Répartition des taux minimum (lignes par tranche de 10 points) :"))
for _, a in ipairs(ANNEXES) do
  local bands = {}
  for b = 0, 9 do bands[b] = 0 end
  for _, row in set[a[1]]:rows() do
    local b = math.min(row.min_pct // 10, 9)   -- 100 goes with 90-99
    bands[b] = bands[b] + 1
  end
  print("  " .. a[1])
  for b = 0, 9 do
    if bands[b] > 0 then
      local bar = string.rep("#", math.max(1, math.floor(bands[b] * 50 / #set[a[1]] + 0.5)))
      print(string.format("    %3d-%-3d %4d %s", b * 10, b == 9 and 100 or b * 10 + 9, bands[b], bar))
    end
  end
end

print()
local by_kind = { ["cut-label"] = {}, ["duplicate-key"] = {}, homonym = {} }
for _, an in ipairs(set.anomalies) do
  local list = by_kind[an.anomaly]
  if list then list[#list + 1] = an end
end
print(string.format(T("Anomalies of the source (anomalies.csv, carried over, not corrected): %d",
  "Anomalies de la source (anomalies.csv, reprises, non corrigées) : %d"),
  #set.anomalies))
local cut_rows, cut_order = {}, {}
for _, an in ipairs(by_kind["cut-label"]) do
  if not cut_rows[an.program] then
    cut_rows[an.program] = 0
    cut_order[#cut_order + 1] = an.program
  end
  cut_rows[an.program] = cut_rows[an.program] + 1
end
print(string.format(T("  %d rows with a cut label:", "  %d lignes au libellé coupé :"), #by_kind["cut-label"]))
for _, label in ipairs(cut_order) do
  print(string.format(T("    %s %3d row%s", "    %s %3d ligne%s"), pad('"' .. label .. '"', 45), cut_rows[label],
    cut_rows[label] == 1 and "" or "s"))
end
print(string.format(T("  %d keys (establishment, commune, label) repeated with another rate:",
  "  %d clés (établissement, commune, libellé) répétées avec un autre taux :"),
  #by_kind["duplicate-key"]))
for _, an in ipairs(by_kind["duplicate-key"]) do
  local first = an.detail:match("as line (%d+)")
  local r1, r2 = an.detail:match("(%d+) there, (%d+) here")
  print(string.format(T("    %s (%s), \"%s\": %s (source line %s) and %s (line %d)",
    "    %s (%s), \"%s\" : %s (ligne %s de la source) et %s (ligne %d)"),
    an.establishment, an.commune, an.program, i18n.percent_text(r1 or "?"), first or "?",
    i18n.percent_text(r2 or "?"), an.line))
end
print(string.format(T("  %d establishment names shared by several communes (an establishment is "
  .. "its name and its commune):", "  %d noms d'établissement partagés par plusieurs communes (un "
  .. "établissement est son nom et sa commune) :"), #by_kind.homonym))
for _, an in ipairs(by_kind.homonym) do
  local where = (an.detail:match("commune: (.*)$") or an.detail)
  if french then where = where:gsub("%(line (%d+)%)", "(ligne %1)") end
  print(string.format(T("    %s: %s", "    %s : %s"), an.establishment, where))
end
