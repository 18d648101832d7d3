-- The phase principale on make run's cohort (issue 12): 37 days of offers and answers by
-- the documented behaviour model, on the cohort main.lua wrote to out/cohort; results in
-- out/phase/ (assignments.csv, formations.csv, days.csv, summary.json, results.xlsx).
-- `admit scripts/phase_run.lua [COHORT_DIR] [OUT_DIR] [OVERBOOKING]` (main.lua runs it with
-- dofile: no arguments, the defaults)
local cohort_arg, out_arg, overbooking_arg = ...
local cohort = cohort_arg or "out/cohort"
local out = out_arg or "out/phase"
local overbooking = math.tointeger(tonumber(overbooking_arg or 0))
if not overbooking then admit.fail("OVERBOOKING must be a whole percent") end
local r = admit.phase { formations = cohort .. "/formations.csv", candidates = cohort .. "/candidates.csv",
  wishes = cohort .. "/wishes.csv", seed = 2023, overbooking = overbooking }
admit.check(r:write(out))
local s = r.summary
-- shown in the user's language (admit.i18n): the texts are the catalogue's English templates
local i18n = require "admit.i18n"
local T = i18n.t
print("\n" .. T("Phase principale, 1 June – 7 July 2023 (37 days), behaviour model, overbooking {pct}:",
  { pct = i18n.percent_text(overbooking) }))
local dates = { [1] = "1 June", [2] = "2 June", [3] = "3 June", [4] = "4 June", [5] = "5 June", [10] = "10 June",
  [15] = "15 June", [20] = "20 June", [30] = "30 June", [34] = "4 July", [37] = "7 July" }
local rows = { { T("day"), T("date"), T("offers"), T("with an offer"), T("accepted"), T("received one"), "", T("left") } }
for _, d in ipairs(r:days()) do
  if dates[d.day] then
    rows[#rows + 1] = { d.day, T(dates[d.day]), d.offers, d.candidates_with_offer, d.candidates_with_accepted_offer,
      d.received_an_offer, "(" .. i18n.percent(d.received_an_offer, math.max(1, s.with_wishes)) .. ")", d.left }
  end
end
for _, line in ipairs(i18n.columns(rows, { "r", "l", "r", "r", "r", "r", "r", "r" }, "  ")) do print(line) end
local e = r:ending()
print("  " .. T("end of the phase: {a} formations filled, {b} overfilled ({c} seats over), {d} underfilled; "
  .. "{e} of {f} seats taken", { a = e.filled, b = e.overfilled, c = e.seats_over_capacity, d = e.underfilled,
  e = e.accepted, f = e.seats }))
local unmet = admit.unmet(r)
print("  " .. T("minimum rates not met at the end of the phase: {n} (see {dir}/formations.csv)", { n = #unmet, dir = out }))
print("  " .. T("how much to overbook: admit scripts/overbooking_sweep.lua"))
