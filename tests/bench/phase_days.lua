-- tests/bench/phase_days.lua F.csv C.csv W.csv DAYS BEHAVIOUR [OVERBOOKING] — CPU time
-- (os.clock: user+sys of this process) of loading the instance, then of each day of the
-- phase principale, measured through on_day. Prints one line of figures (seconds):
-- load, day 1 (with the ordres d'appel), mean and max of the other days, whole phase.
local F, C, W, days, behaviour, ob = arg[1], arg[2], arg[3], tonumber(arg[4] or 37), arg[5] or "model",
  tonumber(arg[6] or 0)
local t0 = os.clock()
admit.check(admit.sim_load(F, C, W))   -- loaded once alone, to tell loading from the phase
local load = os.clock() - t0
collectgarbage()
local marks = {}
local t1 = os.clock()
local r = admit.phase { formations = F, candidates = C, wishes = W, days = days, behaviour = behaviour,
  overbooking = ob, on_day = function(day) marks[day] = os.clock() end }
local total = os.clock() - t1 - load   -- the phase itself: admit.phase loads the instance again
local day1 = marks[1] - t1 - load
local rest, worst = 0, 0
for d = 2, #marks do
  local t = marks[d] - marks[d - 1]
  rest = rest + t
  if t > worst then worst = t end
end
print(string.format("days %3d %-6s load %.3f  day1 %.3f  other days mean %.4f max %.4f  phase %.3f  (%d with an accepted offer)",
  days, behaviour, load, day1, #marks > 1 and rest / (#marks - 1) or 0, worst, total,
  r:days()[#marks].candidates_with_accepted_offer))
