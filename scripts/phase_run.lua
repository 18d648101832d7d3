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
print(string.format("\nPhase principale, 1 June – 7 July 2023 (37 days), behaviour model, overbooking %d%%:", overbooking))
print("  day  date      offers  with an offer  accepted  received one   left")
local dates = { [1] = "1 June", [2] = "2 June", [3] = "3 June", [4] = "4 June", [5] = "5 June", [10] = "10 June",
  [15] = "15 June", [20] = "20 June", [30] = "30 June", [34] = "4 July", [37] = "7 July" }
for _, d in ipairs(r:days()) do
  if dates[d.day] then
    print(string.format("  %3d  %-8s %7d %14d %9d %8d (%4.1f%%) %5d", d.day, dates[d.day], d.offers,
      d.candidates_with_offer, d.candidates_with_accepted_offer, d.received_an_offer,
      100 * d.received_an_offer / math.max(1, s.with_wishes), d.left))
  end
end
local e = r:ending()
print(string.format("  end of the phase: %d formations filled, %d overfilled (%d seats over), %d underfilled; "
  .. "%d of %d seats taken", e.filled, e.overfilled, e.seats_over_capacity, e.underfilled, e.accepted, e.seats))
local unmet = admit.unmet(r)
print(string.format("  minimum rates not met at the end of the phase: %d (see %s/formations.csv)", #unmet, out))
print("  how much to overbook: admit scripts/overbooking_sweep.lua")
