--- admit.report.text — the report's own strings, French and English, and number formats.
-- French is the officers' language; English for readers abroad. Pick with lang = "fr"|"en".
local M = {}

M.strings = {
  fr = {
    title = "Rapport d'affectation",
    title_compare = "Comparaison de politiques",
    generated = "Produit par admit %s. Ce fichier se suffit à lui-même : il s'ouvre sans réseau et s'imprime en A4.",
    nav = "Sommaire",
    headline = "Chiffres clés",
    candidates = "candidats", wishes = "vœux", formations = "formations", seats = "places",
    admitted = "admis", first_choice = "admis sur leur premier vœu",
    boursiers_admitted = "boursiers admis", unassigned = "sans place dans ces formations",
    with_wishes = "candidats ayant un vœu ici",
    of_admitted = "des admis", of_boursiers = "des boursiers",
    mode_student = "les candidats proposent (affectation optimale pour les candidats)",
    mode_school = "les formations appellent selon leur ordre d'appel",
    mode = "Mode", rounds = "tours",
    minimums = "Taux minimums par type",
    minimums_intro = "Chaque point est une formation soumise à un taux minimum : sa part d'admis du type "
      .. "concerné (hauteur) face à son taux minimum (trait). Les formations sont rangées de la plus en "
      .. "retard à la plus en avance.",
    minimums_hist = "%s formations : trop pour un point chacune, la figure compte les formations par "
      .. "écart au minimum (tranches de 5 points).",
    kind_techno = "bac technologique", kind_pro = "bac professionnel", kind_boursier = "boursiers",
    kind_resident = "résidents",
    kind_short_techno = "techno", kind_short_pro = "pro", kind_short_boursier = "boursier",
    kind_short_resident = "résident",
    met = "atteint", not_met = "non atteint", minimum = "taux minimum",
    met_count = "%s formations sur %s atteignent leur minimum",
    gap_axis = "écart au minimum (points)", share_axis = "part des admis",
    formations_axis = "formations (de la plus en retard à la plus en avance)",
    missed = "Minimums non atteints",
    missed_none = "Tous les taux minimums sont atteints.",
    missed_intro = "%s minimums ne sont pas atteints. Deux raisons possibles : pas assez de candidats "
      .. "du type (moins que le minimum n'en demande), ou des candidats admis ailleurs (assez de "
      .. "candidats, mais ils ont accepté un vœu qu'ils préfèrent ou ont été appelés après que les "
      .. "places ont été pourvues).",
    why_not_enough = "pas assez de candidats", why_elsewhere = "candidats admis ailleurs",
    by_place = "Par académie et par type",
    academie = "Académie", annex = "Annexe", kind = "Type", with_min = "Formations concernées",
    not_met_n = "Non atteints", formation = "Formation", establishment = "Établissement",
    share = "Part", needed = "Nécessaires", applicants = "Candidats", elsewhere_n = "Admis sur un vœu préféré",
    reason = "Raison", more = "… et %s de plus (voir results.xlsx, feuille « Minimums non atteints »)",
    academies = "Synthèse par académie",
    fill = "Remplissage", reserved_empty = "Places réservées vides",
    per_formation = "Détail par formation",
    per_formation_intro = "Cliquez sur une formation pour voir ses groupes, ses places réservées et ses parts.",
    per_formation_some = "%s formations : seules les %s de la liste des minimums non atteints sont "
      .. "détaillées ici ; toutes sont dans formations.csv, groups.csv et results.xlsx.",
    group = "Groupe", capacity = "Capacité", empty = "Places vides",
    group_techno = "réservé bac techno", group_pro = "réservé bac pro", group_other = "autres candidats",
    no_groups = "Pas de groupe réservé.",
    provenance = "Provenance",
    prov_version = "Version d'admit", prov_command = "Commande", prov_mode = "Mode", prov_seed = "Graine",
    prov_policies = "Politiques", prov_inputs = "Fichiers d'entrée", prov_file = "Fichier", prov_role = "Rôle",
    prov_bytes = "Octets", prov_none = "aucune",
    role_formations = "formations", role_candidates = "candidats", role_wishes = "vœux",
    compare = "Avant / après les politiques",
    compare_regressions = "Minimums légaux perdus à cause d'une politique",
    compare_regressions_none = "Aucune politique ne fait passer un minimum légal d'atteint à non atteint.",
    compare_regressions_intro = "%s formations passent d'un minimum légal atteint à non atteint :",
    compare_totals = "Minimums atteints, avant → après",
    compare_improved = "Minimums gagnés",
    compare_changed = "Formations dont le résultat change : %s (%s avec une politique, %s par ricochet)",
    before = "avant", after = "après", policy = "Politique", admitted_ba = "Admis avant → après",
    yes = "oui", no = "non",
  },
  en = {
    title = "Allocation report",
    title_compare = "Policy comparison",
    generated = "Made by admit %s. This file stands alone: it opens offline and prints on A4.",
    nav = "Contents",
    headline = "Headline figures",
    candidates = "candidates", wishes = "vœux", formations = "formations", seats = "seats",
    admitted = "admitted", first_choice = "admitted at their first choice",
    boursiers_admitted = "boursiers admitted", unassigned = "without a seat in these formations",
    with_wishes = "candidates with a vœu here",
    of_admitted = "of the admitted", of_boursiers = "of the boursiers",
    mode_student = "candidates propose (candidate-optimal allocation)",
    mode_school = "formations call down their ordre d'appel",
    mode = "Mode", rounds = "rounds",
    minimums = "Minimum rates per kind",
    minimums_intro = "Each mark is a formation with a minimum rate: its share of admitted of that kind "
      .. "(height) against its minimum (dash). Formations run from furthest below to furthest above.",
    minimums_hist = "%s formations: too many for a mark each, the chart counts formations by their gap "
      .. "to the minimum (5-point bins).",
    kind_techno = "bac technologique", kind_pro = "bac professionnel", kind_boursier = "boursiers",
    kind_resident = "résidents",
    kind_short_techno = "techno", kind_short_pro = "pro", kind_short_boursier = "boursier",
    kind_short_resident = "résident",
    met = "met", not_met = "not met", minimum = "minimum",
    met_count = "%s of %s formations meet their minimum",
    gap_axis = "gap to the minimum (points)", share_axis = "share of the admitted",
    formations_axis = "formations (furthest below first)",
    missed = "Missed minimums",
    missed_none = "Every minimum rate is met.",
    missed_intro = "%s minimums are missed. Two reasons: not enough applicants of the kind (fewer than "
      .. "the minimum needs), or applicants placed elsewhere (enough applied, but they took a vœu they "
      .. "prefer or were called after the seats were filled).",
    why_not_enough = "not enough applicants", why_elsewhere = "applicants placed elsewhere",
    by_place = "Per académie and kind",
    academie = "Académie", annex = "Annex", kind = "Kind", with_min = "Formations with it",
    not_met_n = "Not met", formation = "Formation", establishment = "Establishment",
    share = "Share", needed = "Needed", applicants = "Applicants", elsewhere_n = "Admitted to a vœu they prefer",
    reason = "Reason", more = "… and %s more (see results.xlsx, sheet “Missed minimums”)",
    academies = "Summary per académie",
    fill = "Fill", reserved_empty = "Reserved seats empty",
    per_formation = "Formation by formation",
    per_formation_intro = "Open a formation to see its groups, reserved seats and shares.",
    per_formation_some = "%s formations: only the %s of the missed-minimums list are detailed here; all "
      .. "are in formations.csv, groups.csv and results.xlsx.",
    group = "Group", capacity = "Capacity", empty = "Empty seats",
    group_techno = "reserved bac techno", group_pro = "reserved bac pro", group_other = "other candidates",
    no_groups = "No reserved group.",
    provenance = "Provenance",
    prov_version = "admit version", prov_command = "Command", prov_mode = "Mode", prov_seed = "Seed",
    prov_policies = "Policies", prov_inputs = "Input files", prov_file = "File", prov_role = "Role",
    prov_bytes = "Bytes", prov_none = "none",
    role_formations = "formations", role_candidates = "candidates", role_wishes = "vœux",
    compare = "Before / after the policies",
    compare_regressions = "Legal minimums lost because of a policy",
    compare_regressions_none = "No policy makes a legal minimum go from met to not met.",
    compare_regressions_intro = "%s formations go from a legal minimum met to not met:",
    compare_totals = "Minimums met, before → after",
    compare_improved = "Minimums gained",
    compare_changed = "Formations whose outcome changes: %s (%s with a policy, %s by ripple effect)",
    before = "before", after = "after", policy = "Policy", admitted_ba = "Admitted before → after",
    yes = "yes", no = "no",
  },
}

--- The string table of lang ("fr" by default); an unknown lang is an error.
function M.strings_for(lang)
  lang = lang or "fr"
  local t = M.strings[lang]
  if not t then error(string.format("report: lang must be 'fr' or 'en', got '%s'", tostring(lang)), 3) end
  return t
end

-- Thousands grouped (narrow no-break space in French, comma in English).
function M.int(n, lang)
  local s = tostring(math.tointeger(n) or n)
  local sep = lang == "en" and "," or "\u{202F}"
  local sign, digits = s:match("^(%-?)(%d+)$")
  if not digits then return s end
  digits = digits:reverse():gsub("(%d%d%d)", "%1" .. sep:reverse()):reverse()
  if digits:sub(1, #sep) == sep then digits = digits:sub(#sep + 1) end
  return sign .. digits
end

--- A share part/whole in percent, rounded half-up to one decimal (23/56 → 41.1), in tenths.
function M.tenths(part, whole)
  if whole == 0 then return nil end
  return (2000 * part + whole) // (2 * whole)
end

--- part/whole as a percentage text, half-up to a tenth; when a share below min would read
-- as min or more once rounded, two decimals rounded down say how far below it is.
function M.pct(part, whole, lang, min)
  if whole == 0 then return "—" end
  local t = M.tenths(part, whole)
  local text
  if min and 100 * part < min * whole and t >= 10 * min then
    local h = (10000 * part) // whole
    text = string.format("%d.%02d", h // 100, h % 100)
  else
    text = string.format("%d.%d", t // 10, t % 10)
  end
  -- French: decimal comma and a narrow no-break space before % (the rule of i18n.percent_text)
  return require("admit.i18n").percent_text(text, lang == "en" and "en" or "fr")
end

--- A whole-number rate (a taux minimum) as text: "12%" in English, "12 %" in French.
function M.min_pct(min, lang)
  -- a rate read back from comparison.json is a float (20.0): written as the whole number it is
  local whole = type(min) == "number" and math.tointeger(min) or min
  return require("admit.i18n").percent_text(tostring(whole), lang == "en" and "en" or "fr")
end

return M
