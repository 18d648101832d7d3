-- Overbooking sweep (issue 12): how much to overbook so that formations fill without
-- overfilling? Runs the phase principale (37 days, the documented behaviour model) on the
-- 2023 Hauts-de-France annexes cohort of `make run` (seed 2023, 40,000 candidates) for an
-- overbooking of 0..30% applied to every formation, and prints per formation type (BTS:
-- annex pro, BUT: annex techno, santé: annex boursier) the fill rate, the formations
-- overfilled and the minimum rates met, then the answer: per type, the overbooking that
-- fills best with no formation overfilled. Also writes OUT/sweep.csv and OUT/sweep.html
-- (fill rate and formations overfilled against the overbooking, per type).
--
--   admit scripts/overbooking_sweep.lua [OUT] [STEP] [SEED]
--     OUT   folder for sweep.csv (default out/sweep; replaced whole)
--     STEP  step of the overbooking in percent (default 1)
--     SEED  seed of the behaviour model (default 2023)
local lfs = require "lfs"
-- The terminal speaks the user's language (--lang, LANG), sweep.html the report's (French
-- unless --lang or the locale asks otherwise, as report.html): English templates looked up in
-- admit's French catalogue (SCRIPTING.md §1, "Language").
local i18n = require "admit.i18n"
local T = i18n.t
local out_dir = arg and arg[1] or "out/sweep"
local step = math.tointeger(tonumber(arg and arg[2] or 1))
local seed = math.tointeger(tonumber(arg and arg[3] or 2023))
if not step or step < 1 or step > 30 then admit.fail("STEP must be a whole percent 1..30") end
if not seed then admit.fail("SEED must be a whole number") end

local type_of_annex = { pro = "BTS", techno = "BUT", boursier = "santé" }
local types = { "BTS", "BUT", "santé" }
local kinds = { "techno", "pro", "boursier", "resident" }

-- The formation type of a formations.csv row.
local function type_of(row)
  return type_of_annex[row.annex or ""] or (row.program or ""):match("^(%S+)") or "other"
end

-- Totals per type of one run.
local function measure(r)
  local t = {}
  for _, name in ipairs(types) do
    t[name] = { formations = 0, capacity = 0, accepted = 0, seated = 0, overfilled = 0, over = 0,
                with_min = 0, met = 0 }
  end
  for _, row in ipairs(r:formations()) do
    if row.group == nil or row.group == "all" then   -- formations rows (groups are in r:groups())
      local x = t[type_of(row)]
      if x then
        x.formations = x.formations + 1
        x.capacity = x.capacity + row.capacity
        x.accepted = x.accepted + row.admitted
        x.seated = x.seated + math.min(row.admitted, row.capacity)
        if row.admitted > row.capacity then
          x.overfilled = x.overfilled + 1
          x.over = x.over + row.admitted - row.capacity
        end
        for _, k in ipairs(kinds) do
          if (row["min_" .. k] or 0) > 0 then
            x.with_min = x.with_min + 1
            if row[k .. "_met"] == "yes" then x.met = x.met + 1 end
          end
        end
      end
    end
  end
  return t
end

local work = os.tmpname()
os.remove(work)
assert(lfs.mkdir(work))
local cohort = { out = work .. "/cohort", seed = 2023, candidates = 40000, annex_dir = admit.annex_dir() }
local function cleanup()
  for _, f in ipairs { "formations.csv", "candidates.csv", "wishes.csv" } do os.remove(cohort.out .. "/" .. f) end
  lfs.rmdir(cohort.out)
  lfs.rmdir(work)
end

local rows, best = {}, {}
local ok, err = pcall(function()
  admit.check(admit.generate(cohort))
  local F, C, W = cohort.out .. "/formations.csv", cohort.out .. "/candidates.csv", cohort.out .. "/wishes.csv"
  print(T("Overbooking sweep: phase principale, 37 days, behaviour model (seed {n}), "
    .. "2023 Hauts-de-France cohort (40,000 candidates, seed 2023)", { n = seed }))
  -- the table is printed as the runs go: each column as wide as its header in the
  -- language, or its widest value
  local heads = { T("over%"), T("type"), T("formations"), T("capacity"), T("fill"), T("overfilled"),
    T("seats over"), T("minimums met") }
  local widths = { 5, 6, 10, 9, 7, 11, 12, 13 }
  local align = { "r", "l", "r", "r", "r", "r", "r", "r" }
  for k, head in ipairs(heads) do widths[k] = math.max(widths[k], i18n.width(head)) end
  local function line(cells)
    local out = {}
    for k, cell in ipairs(cells) do out[k] = i18n.pad(tostring(cell), widths[k], align[k]) end
    print((table.concat(out, "  "):gsub("%s+$", "")))
  end
  line(heads)
  for x = 0, 30, step do
    local r = admit.phase { formations = F, candidates = C, wishes = W, overbooking = x, seed = seed }
    local t = measure(r)
    for _, name in ipairs(types) do
      local m = t[name]
      if m.formations > 0 then
        local fill = m.capacity > 0 and m.seated / m.capacity or 0
        rows[#rows + 1] = { x, name, m.formations, m.capacity, m.accepted, fill, m.overfilled, m.over, m.met, m.with_min }
        line { x, name, m.formations, m.capacity, i18n.percent(m.seated, m.capacity), m.overfilled, m.over,
          T("{a} of {b}", { a = m.met, b = m.with_min }) }
        local b = best[name]
        if m.overfilled == 0 and (not b or fill > b.fill) then best[name] = { x = x, fill = fill, met = m.met, with_min = m.with_min } end
      end
    end
  end
end)
cleanup()
if not ok then error(err, 0) end

print("\n" .. T("Answer: the overbooking that fills each type best with no formation overfilled"))
for _, name in ipairs(types) do
  local b = best[name]
  if b then
    local pct = i18n.percent_text(i18n.pad(tostring(b.x), 2, "r"))
    print("  " .. T("{type} {pct}: fill {fill}, minimums met {a} of {b}", { type = i18n.pad(name, 6), pct = pct,
      fill = i18n.percent(b.fill, 1), a = b.met, b = b.with_min }))
  end
end

-- sweep.csv, in a folder that appears whole (admit.write_dir)
local lines = { "overbooking,type,formations,capacity,accepted,fill_rate,overfilled,seats_over_capacity,minimums_met,with_minimum" }
for _, r in ipairs(rows) do
  lines[#lines + 1] = string.format("%d,%s,%d,%d,%d,%.4f,%d,%d,%d,%d", table.unpack(r))
end
-- sweep.html: fill rate and formations overfilled against the overbooking, per type
local chart = require("admit.report.phase").chart
local function esc(x) return (tostring(x):gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;")) end
local colours = { BTS = "#0072B2", BUT = "#D55E00", ["santé"] = "#009E73" }
local xs, fill, over, maxover = {}, {}, {}, 1
for _, r in ipairs(rows) do
  local name = r[2]
  fill[name], over[name] = fill[name] or {}, over[name] or {}
  fill[name][#fill[name] + 1] = 100 * r[6]
  over[name][#over[name] + 1] = r[7]
  if r[7] > maxover then maxover = r[7] end
  if name == types[1] then xs[#xs + 1] = r[1] .. "%" end
end
local fill_series, over_series = {}, {}
for _, name in ipairs(types) do
  if fill[name] then
    fill_series[#fill_series + 1] = { label = name, colour = colours[name], values = fill[name] }
    over_series[#over_series + 1] = { label = name, colour = colours[name], values = over[name] }
  end
end
local lang = admit.report_lang or "fr"
local function P(template, values) return T(template, values, lang) end
local page = table.concat {
  '<!DOCTYPE html>\n<html lang="', lang, '">\n<head>\n<meta charset="utf-8">\n<title>', esc(P("Overbooking sweep")),
  "</title>\n<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto}svg{max-width:100%;height:auto}",
  "svg .ax{stroke:#888}svg .grid{stroke:#e3e7eb}svg text{font-size:11px}.legend span{margin-right:1rem}</style>\n",
  "</head>\n<body>\n<h1>", esc(P("Overbooking sweep")), "</h1>\n<p>", esc(P("Phase principale (37 days, behaviour "
    .. "model, seed {n}) on the 2023 Hauts-de-France cohort of make run, every formation overbooked by the same "
    .. "percent.", { n = seed })), "</p>\n<h2>", esc(P("Fill rate (accepted up to the capacity / capacity)")), "</h2>\n",
  chart(esc, fill_series, 100, "%", P("fill rate against overbooking"), xs),
  "\n<h2>", esc(P("Formations overfilled (accepted above the capacity)")), "</h2>\n",
  chart(esc, over_series, maxover, "", P("formations overfilled against overbooking"), xs), "\n</body>\n</html>\n",
}
admit.check(admit.write_dir(out_dir, { ["sweep.csv"] = table.concat(lines, "\n") .. "\n", ["sweep.html"] = page }))
print("\n" .. T("{dir}/sweep.csv and sweep.html (the curves) written", { dir = out_dir }))
