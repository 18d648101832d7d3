--- admit.report.html — report.html: one self-contained page (inline CSS and SVG, no script,
-- no network) that an officer opens offline, reads, prints on A4 and forwards.
--
-- html.render(data, {lang = "fr"|"en"}) -> text, where data is
--   { summary = <summary.json>, formations = <formations.csv rows>, groups = <groups.csv rows>,
--     provenance = <provenance.json>, comparison = <optional, see admit.compare> }
-- Rows may hold numbers or the CSV's text: only counts are read, and every share is computed
-- here from them, so the page is the same whether built from a simulation or from its folder.
--
-- The page is a list of sections (html.sections): each {id =, build = function(ctx) ->
-- html or nil}. Another area adds its own section with html.add_section(section, before_id).
local text = require "admit.report.text"

local html = {}

local KINDS = { "techno", "pro", "boursier", "resident" }
local DOTS_MAX = 2000          -- beyond this many formations a chart counts them per 5-point bin
local DETAILS_ALL_MAX = 3000   -- beyond, per-formation details only for formations with a minimum
local MISSED_LIST_MAX = 500    -- rows of the missed-minimums list (all are in results.xlsx)

-- ------------------------------------------------------------ helpers

local function esc(s)
  return (tostring(s or ""):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
    ['"'] = "&quot;", ["'"] = "&#39;" }))
end

local math_type, tointeger = math.type, math.tointeger
-- A count from a row: a number as is (a simulation's rows), else the CSV's text read.
local function num(v)
  if math_type(v) == "integer" then return v end
  local n = tonumber(v)
  return n and (tointeger(n) or n) or 0
end

local function anchor(id)
  return "f-" .. tostring(id):gsub("[^%w_-]", function(c) return string.format(".%02X", c:byte()) end)
end

local function fmt(s, ...) return string.format(s, ...) end

-- A table header from a phrase: its first letter in capitals.
local function cap(s)
  return (s:gsub("^%l", string.upper))
end

-- ------------------------------------------------------------- model

-- The formations (numbers read from rows), their groups, and per kind the formations bound by
-- a minimum with their verdict.
local function model(data)
  local m = { formations = {}, groups = {}, by_kind = {}, summary = data.summary or {} }
  for _, g in ipairs(data.groups or {}) do
    local id = tostring(g.formation_id)
    m.groups[id] = m.groups[id] or {}
    table.insert(m.groups[id], { group = g.group, capacity = num(g.capacity), applicants = num(g.applicants),
      admitted = num(g.admitted), empty = num(g.empty_seats) })
  end
  -- per kind, the formations bound by a minimum (their index in m.formations, increasing) and
  -- their gaps, side by side: sorted below by gap then index, with a comparator on plain
  -- arrays rather than on nested tables (a national run sorts some 30,000 of them)
  local bound, gaps = {}, {}
  for k = 1, #KINDS do bound[k], gaps[k] = {}, {} end
  local col = {}  -- the column names of each kind, built once
  for k = 1, #KINDS do
    local name = KINDS[k]
    col[k] = { min = "min_" .. name, app = "applicants_" .. name, adm = "admitted_" .. name,
               elsewhere = "elsewhere_" .. name }
  end
  local formations = m.formations
  for i, row in ipairs(data.formations or {}) do
    local admitted = num(row.admitted)
    local kinds = {}
    local f = { index = i, id = tostring(row.formation_id), annex = row.annex, academie = row.academie,
      establishment = row.establishment, commune = row.commune, program = row.program,
      capacity = num(row.capacity), applicants = num(row.applicants), admitted = admitted,
      kinds = kinds }
    for k = 1, #KINDS do
      local c = col[k]
      local min = num(row[c.min])
      local fk = { min = min, applicants = num(row[c.app]), admitted = num(row[c.adm]), elsewhere = num(row[c.elsewhere]) }
      if min > 0 and admitted > 0 then
        fk.met = 100 * fk.admitted >= min * admitted
        fk.needed = (min * admitted + 99) // 100
        fk.why = not fk.met and (fk.applicants < fk.needed and "not_enough" or "elsewhere") or nil
        fk.gap = 100 * fk.admitted / admitted - min
        local b = bound[k]
        b[#b + 1] = i
        gaps[k][#b] = fk.gap
      end
      kinds[KINDS[k]] = fk
    end
    formations[#formations + 1] = f
  end
  for k = 1, #KINDS do
    local list, gap, order = bound[k], gaps[k], {}
    for j = 1, #list do order[j] = j end
    table.sort(order, function(a, b)   -- positions in list: their order is the indexes'
      local ga, gb = gap[a], gap[b]
      if ga ~= gb then return ga < gb end
      return a < b
    end)
    local sorted = {}
    for j = 1, #order do sorted[j] = formations[list[order[j]]] end
    m.by_kind[KINDS[k]] = sorted
  end
  return m
end

local function name_of(f)
  local parts = {}
  if f.establishment and f.establishment ~= "" then parts[#parts + 1] = f.establishment end
  if f.program and f.program ~= "" then parts[#parts + 1] = f.program end
  local s = table.concat(parts, " — ")
  if f.commune and f.commune ~= "" then s = s .. " (" .. f.commune .. ")" end
  return s
end

-- ------------------------------------------------------------- style

local CSS = [[
:root{--ink:#1b1f24;--muted:#555e68;--line:#cfd6de;--met:#0072B2;--miss:#D55E00;--bg:#f5f7f9}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:1.5rem;line-height:1.4;font-size:15px}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.3rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.sub{color:var(--muted);margin:.2rem 0 1rem}
nav ol{columns:2;padding-left:1.2rem}nav a{color:var(--ink)}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:.6rem}
.fig{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem;background:var(--bg)}
.fig b{display:block;font-size:1.45rem}.fig span{color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.88rem}
th,td{border-bottom:1px solid var(--line);padding:.25rem .4rem;text-align:left;vertical-align:top}
td.n{white-space:nowrap}
th{background:var(--bg)}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.miss{color:#8a2c00;font-weight:bold}.miss::before{content:"✗ "}.ok::before{content:"✓ "}
.alert{border:3px solid var(--miss);background:#fff1e8;padding:.6rem 1rem;border-radius:6px}
.alert h2{border:none;margin-top:.2rem;color:#8a2c00}
.good{border:2px solid var(--met);background:#eef6fb;padding:.5rem 1rem;border-radius:6px}
figure{margin:.6rem 0 1.2rem;break-inside:avoid}figcaption{font-size:.9rem;color:var(--muted)}
svg{max-width:100%;height:auto;font-family:inherit}
svg .ax{stroke:#888;stroke-width:1}svg .grid{stroke:#e3e7eb;stroke-width:1}
svg text{font-size:11px;fill:#333}
.legend span{margin-right:1.2rem;font-size:.85rem}
details{border-bottom:1px solid var(--line);padding:.2rem 0}summary{cursor:pointer}
details table{width:auto;min-width:50%}
.badge{display:inline-block;border:1px solid var(--miss);color:#8a2c00;border-radius:3px;padding:0 .3rem;font-size:.75rem;margin-left:.3rem}
code{font-size:.8rem;word-break:break-all}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;padding:0;font-size:10.5pt}nav{display:none}
section{break-before:page}section.first{break-before:auto}
.fig{background:none}th{background:none;border-bottom:1.5px solid #000}
a{color:inherit;text-decoration:none}details>summary{list-style:none}}
]]

-- -------------------------------------------------------------- charts

local function legend(t)
  return fmt('<p class="legend"><span><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="4.5" '
    .. 'fill="#0072B2"/></svg> %s</span><span><svg width="12" height="12" aria-hidden="true"><path d="M6 1 L11 11 L1 11 Z" '
    .. 'fill="#fff" stroke="#D55E00" stroke-width="2"/></svg> %s</span><span><svg width="18" height="12" aria-hidden="true">'
    .. '<line x1="1" y1="6" x2="17" y2="6" stroke="#000" stroke-width="2"/></svg> %s</span></p>',
    esc(t.met), esc(t.not_met), esc(t.minimum))
end

-- One mark per formation: a dot (met) or an open triangle (not met), the minimum as a dash.
local function dot_chart(list, k, t, lang)
  local W, H, L, R, T, B = 960, 280, 44, 10, 10, 34
  local pw, ph = W - L - R, H - T - B
  local n = #list
  local out = { fmt('<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">', W, H, W, H,
    esc(t.minimums .. " — " .. t["kind_" .. k])) }
  for _, v in ipairs { 0, 25, 50, 75, 100 } do
    local y = T + ph * (1 - v / 100)
    out[#out + 1] = fmt('<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/><text x="%d" y="%.1f" text-anchor="end">%s</text>',
      L, y, W - R, y, L - 4, y + 4, text.min_pct(v, lang))
  end
  out[#out + 1] = fmt('<line class="ax" x1="%d" y1="%d" x2="%d" y2="%d"/>', L, T + ph, W - R, T + ph)
  out[#out + 1] = fmt('<text x="%d" y="%d" text-anchor="middle">%s</text>', L + pw // 2, H - 8, esc(t.formations_axis))
  local step = pw / math.max(n, 1)
  local r = math.max(2.2, math.min(5, step / 2.2))
  for i, f in ipairs(list) do
    local fk = f.kinds[k]
    local x = L + (i - 0.5) * step
    local share = 100 * fk.admitted / f.admitted
    local y = T + ph * (1 - share / 100)
    local ym = T + ph * (1 - fk.min / 100)
    local half = math.max(1.5, math.min(8, step / 2))
    out[#out + 1] = fmt('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000" stroke-width="2"/>',
      x - half, ym, x + half, ym)
    local label = esc(f.id .. " " .. text.pct(fk.admitted, f.admitted, lang, fk.min) .. " / " .. text.min_pct(fk.min, lang))
    if fk.met then
      out[#out + 1] = fmt('<circle class="met" cx="%.1f" cy="%.1f" r="%.1f" fill="#0072B2"><title>%s</title></circle>',
        x, y, r, label)
    else
      out[#out + 1] = fmt('<path class="notmet" d="M%.1f %.1f L%.1f %.1f L%.1f %.1f Z" fill="#fff" stroke="#D55E00" '
        .. 'stroke-width="1.6"><title>%s</title></path>', x, y - r * 1.2, x + r * 1.1, y + r * 0.8, x - r * 1.1, y + r * 0.8, label)
    end
  end
  out[#out + 1] = "</svg>"
  return table.concat(out)
end

-- Many formations: how many sit in each 5-point band of gap to their minimum; bands below 0
-- (not met) are hatched orange, the others solid blue.
local function histogram(list, k, t)
  local W, H, L, R, T, B = 960, 280, 44, 10, 10, 34
  local pw, ph = W - L - R, H - T - B
  local bins, lo, hi = {}, 0, 0
  for _, f in ipairs(list) do
    local b = math.floor(f.kinds[k].gap / 5)
    if not f.kinds[k].met and b >= 0 then b = -1 end  -- a share a hair below: never in the met band
    if f.kinds[k].met and b < 0 then b = 0 end
    b = math.max(-20, math.min(19, b))
    bins[b] = (bins[b] or 0) + 1
    lo, hi = math.min(lo, b), math.max(hi, b)
  end
  local most = 1
  for b = lo, hi do most = math.max(most, bins[b] or 0) end
  local nb = hi - lo + 1
  local bw = pw / nb
  local out = { fmt('<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">', W, H, W, H,
    esc(t.minimums .. " — " .. t["kind_" .. k])),
    '<defs><pattern id="hatch-' .. k .. '" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
      .. '<rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#D55E00" stroke-width="3"/></pattern></defs>' }
  out[#out + 1] = fmt('<line class="ax" x1="%d" y1="%d" x2="%d" y2="%d"/>', L, T + ph, W - R, T + ph)
  for b = lo, hi do
    local c = bins[b] or 0
    local x = L + (b - lo) * bw
    local h = ph * c / most
    if c > 0 then
      local fill = b < 0 and ('url(#hatch-' .. k .. ')') or "#0072B2"
      out[#out + 1] = fmt('<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s"><title>%d</title></rect>',
        b < 0 and "notmet" or "met", x + 1, T + ph - h, bw - 2, h, fill, b < 0 and "#D55E00" or "#0072B2", c)
      out[#out + 1] = fmt('<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>', x + bw / 2, T + ph - h - 3, c)
    end
    out[#out + 1] = fmt('<text x="%.1f" y="%d" text-anchor="middle">%d</text>', x, T + ph + 13, b * 5)
  end
  local x0 = L + (0 - lo) * bw
  out[#out + 1] = fmt('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" stroke-width="2"/>', x0, T, x0, T + ph)
  out[#out + 1] = fmt('<text x="%d" y="%d" text-anchor="middle">%s</text>', L + pw // 2, H - 4, esc(t.gap_axis))
  out[#out + 1] = "</svg>"
  return table.concat(out)
end

-- ------------------------------------------------------------ sections

local function section(id, title, body, class)
  return fmt('<section id="%s"%s><h2>%s</h2>\n%s\n</section>\n', id, class and (' class="' .. class .. '"') or "",
    esc(title), body)
end

local function fig(key, value, label, extra)
  return fmt('<div class="fig" data-key="%s" data-value="%s"><b>%s</b><span>%s%s</span></div>', key,
    tostring(value), value, esc(label), extra and (" · " .. extra) or "")
end

local function headline(ctx)
  local s, t, lang = ctx.model.summary, ctx.t, ctx.lang
  local I = function(v) return text.int(num(v), lang) end
  local figs = {
    fig("candidates", num(s.candidates), t.candidates),
    fig("wishes", num(s.wishes), t.wishes),
    fig("formations", num(s.formations), t.formations),
    fig("seats", num(s.seats), t.seats),
    fig("admitted", num(s.admitted), t.admitted, esc(text.pct(num(s.admitted), num(s.with_wishes), lang)) .. " "
      .. esc(t.with_wishes)),
    fig("first_choice", num(s.first_choice), t.first_choice, esc(text.pct(num(s.first_choice), num(s.admitted), lang))
      .. " " .. esc(t.of_admitted)),
    fig("boursiers_admitted", num(s.boursiers_admitted), t.boursiers_admitted,
      esc(text.pct(num(s.boursiers_admitted), num(s.boursiers), lang)) .. " " .. esc(t.of_boursiers)),
    fig("unassigned", num(s.unassigned), t.unassigned),
  }
  -- the figures show grouped digits; data-value keeps the plain number for machines
  for i, f in ipairs(figs) do
    figs[i] = f:gsub("<b>(%d+)</b>", function(d) return "<b>" .. I(d) .. "</b>" end)
  end
  local mode = s.mode == "school" and t.mode_school or t.mode_student
  local body = '<div class="figs">' .. table.concat(figs) .. "</div>\n"
    .. fmt('<p class="sub">%s : %s — %s %s</p>', esc(t.mode), esc(mode), I(s.rounds), esc(t.rounds))
  return section("headline", t.headline, body, "first")
end

local function minimums(ctx)
  local t, m, lang = ctx.t, ctx.model, ctx.lang
  local parts = { "<p>" .. esc(t.minimums_intro) .. "</p>", legend(t) }
  local any = false
  for _, k in ipairs(KINDS) do
    local list = m.by_kind[k]
    if #list > 0 then
      any = true
      local met = 0
      for _, f in ipairs(list) do if f.kinds[k].met then met = met + 1 end end
      local chart = #list <= DOTS_MAX and dot_chart(list, k, t, lang) or histogram(list, k, t)
      local note = #list > DOTS_MAX and ("<br>" .. esc(fmt(t.minimums_hist, text.int(#list, lang)))) or ""
      parts[#parts + 1] = fmt('<figure class="chart" data-kind="%s" data-formations="%d" data-met="%d" data-not-met="%d">'
        .. '<h3>%s</h3>%s<figcaption>%s%s</figcaption></figure>', k, #list, met, #list - met, esc(t["kind_" .. k]),
        chart, esc(fmt(t.met_count, text.int(met, lang), text.int(#list, lang))), note)
    end
  end
  if not any then return nil end
  return section("minimums", t.minimums, table.concat(parts, "\n"))
end

local KIND_ORDER = {}
for i, k in ipairs(KINDS) do KIND_ORDER[k] = i end

-- Every missed minimum ({f =, k =}), and per reason the ones listed (sorted by académie,
-- kind, establishment, formation; at most MISSED_LIST_MAX each). Computed once per page.
local function missed_lists(ctx)
  if ctx.missed then return ctx.missed end
  local all, by_why, listed = {}, {}, {}
  for _, f in ipairs(ctx.model.formations) do
    for _, k in ipairs(KINDS) do
      if f.kinds[k].why then all[#all + 1] = { f = f, k = k } end
    end
  end
  for _, why in ipairs { "not_enough", "elsewhere" } do
    local rows = {}
    for _, e in ipairs(all) do if e.f.kinds[e.k].why == why then rows[#rows + 1] = e end end
    for _, e in ipairs(rows) do
      e.key = (e.f.academie or "") .. "\0" .. KIND_ORDER[e.k] .. "\0" .. (e.f.establishment or "") .. "\0" .. e.f.id
    end
    table.sort(rows, function(a, b) return a.key < b.key end)
    for i = 1, math.min(#rows, MISSED_LIST_MAX) do listed[rows[i].f] = true end
    by_why[why] = rows
  end
  ctx.missed = { all = all, by_why = by_why, listed = listed }
  return ctx.missed
end

local function missed(ctx)
  local t, m, lang = ctx.t, ctx.model, ctx.lang
  local lists = missed_lists(ctx)
  local list = lists.all
  if #m.by_kind.techno + #m.by_kind.pro + #m.by_kind.boursier + #m.by_kind.resident == 0 then return nil end
  if #list == 0 then
    return section("missed", t.missed, '<p class="good" data-missed="0">' .. esc(t.missed_none) .. "</p>")
  end
  local out = { fmt('<p data-missed="%d">%s</p>', #list, esc(fmt(t.missed_intro, text.int(#list, lang)))) }
  -- counts per académie and kind
  local cells, places = {}, {}
  for _, k in ipairs(KINDS) do
    for _, f in ipairs(m.by_kind[k]) do
      local a = f.academie or "—"
      local key = a .. "\0" .. k
      if not cells[key] then
        cells[key] = { academie = a, k = k, with = 0, miss = 0, not_enough = 0, elsewhere = 0 }
        places[#places + 1] = cells[key]
      end
      local c = cells[key]
      c.with = c.with + 1
      local why = f.kinds[k].why
      if why then
        c.miss = c.miss + 1
        c[why == "not_enough" and "not_enough" or "elsewhere"] = c[why == "not_enough" and "not_enough" or "elsewhere"] + 1
      end
    end
  end
  table.sort(places, function(a, b)
    if a.academie ~= b.academie then return a.academie < b.academie end
    return KIND_ORDER[a.k] < KIND_ORDER[b.k]
  end)
  out[#out + 1] = "<h3>" .. esc(t.by_place) .. "</h3>"
  out[#out + 1] = fmt('<table class="by-place"><thead><tr><th>%s</th><th>%s</th><th class="n">%s</th><th class="n">%s</th>'
    .. '<th class="n">%s</th><th class="n">%s</th></tr></thead><tbody>', esc(t.academie), esc(t.kind), esc(t.with_min),
    esc(t.not_met_n), esc(cap(t.why_not_enough)), esc(cap(t.why_elsewhere)))
  for _, c in ipairs(places) do
    if c.miss > 0 then
      out[#out + 1] = fmt('<tr><td>%s</td><td>%s</td><td class="n">%d</td><td class="n miss">%d</td><td class="n">%d</td>'
        .. '<td class="n">%d</td></tr>', esc(c.academie), esc(t["kind_short_" .. c.k]), c.with, c.miss, c.not_enough, c.elsewhere)
    end
  end
  out[#out + 1] = "</tbody></table>"
  -- each missed minimum, grouped by reason
  for _, why in ipairs { "not_enough", "elsewhere" } do
    local rows = lists.by_why[why]
    if #rows > 0 then
      out[#out + 1] = fmt('<h3>%s (%s)</h3>', esc(cap(t["why_" .. why])), text.int(#rows, lang))
      out[#out + 1] = fmt('<table class="missed" data-why="%s" data-count="%d"><thead><tr><th>%s</th><th>%s</th><th>%s</th>'
        .. '<th>%s</th><th class="n">%s</th><th class="n">%s</th><th class="n">%s</th><th class="n">%s</th>'
        .. '<th class="n">%s</th></tr></thead><tbody>', why, #rows, esc(t.formation), esc(t.establishment), esc(t.academie),
        esc(t.kind), esc(t.share), esc(cap(t.minimum)), esc(t.applicants), esc(t.needed), esc(t.elsewhere_n))
      for i, e in ipairs(rows) do
        if i > MISSED_LIST_MAX then
          out[#out + 1] = fmt('<tr><td colspan="9">%s</td></tr>', esc(fmt(t.more, text.int(#rows - MISSED_LIST_MAX, lang))))
          break
        end
        local f, fk = e.f, e.f.kinds[e.k]
        out[#out + 1] = fmt('<tr><td><a href="#%s">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td class="n miss">%s</td>'
          .. '<td class="n">%s</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td></tr>',
          anchor(f.id), esc(f.id), esc(name_of(f)), esc(f.academie or ""), esc(t["kind_short_" .. e.k]),
          esc(text.pct(fk.admitted, f.admitted, lang, fk.min)), esc(text.min_pct(fk.min, lang)), fk.applicants, fk.needed, fk.elsewhere)
      end
      out[#out + 1] = "</tbody></table>"
    end
  end
  return section("missed", t.missed, table.concat(out, "\n"))
end

local function academies(ctx)
  local t, m, lang = ctx.t, ctx.model, ctx.lang
  local by = m.summary.by_academie
  if type(by) ~= "table" or #by == 0 then return nil end
  local kinds = {}
  for _, k in ipairs(KINDS) do if #m.by_kind[k] > 0 then kinds[#kinds + 1] = k end end
  local out = { '<table class="academies"><thead><tr><th>' .. esc(t.academie) .. '</th><th class="n">' .. esc(t.formations)
    .. '</th><th class="n">' .. esc(t.seats) .. '</th><th class="n">' .. esc(t.admitted) .. '</th><th class="n">'
    .. esc(t.fill) .. "</th>" }
  for _, k in ipairs(kinds) do
    out[#out + 1] = '<th class="n">' .. esc(t.not_met_n .. " " .. t["kind_short_" .. k]) .. "</th>"
  end
  out[#out + 1] = '<th class="n">' .. esc(t.reserved_empty) .. "</th></tr></thead><tbody>"
  for _, b in ipairs(by) do
    local cells = { fmt('<tr data-academie="%s"><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td>'
      .. '<td class="n">%s</td>', esc(b.academie), esc(b.academie), text.int(num(b.formations), lang),
      text.int(num(b.capacity), lang), text.int(num(b.admitted), lang), esc(text.pct(num(b.admitted), num(b.capacity), lang))) }
    for _, k in ipairs(kinds) do
      local nm, wm = num((b.not_met or {})[k]), num((b.with_minimum or {})[k])
      cells[#cells + 1] = fmt('<td class="n%s">%d / %d</td>', nm > 0 and " miss" or "", nm, wm)
    end
    local rs, re = b.reserved_seats or {}, b.reserved_seats_empty or {}
    cells[#cells + 1] = fmt('<td class="n">%d / %d</td></tr>', num(re.techno) + num(re.pro), num(rs.techno) + num(rs.pro))
    out[#out + 1] = table.concat(cells)
  end
  out[#out + 1] = "</tbody></table>"
  return section("academies", t.academies, table.concat(out))
end

local function formation_details(ctx)
  local t, m, lang = ctx.t, ctx.model, ctx.lang
  if #m.formations == 0 then return nil end
  -- a national run: only the formations the missed-minimums list links to
  local shown = {}
  local limited = #m.formations > DETAILS_ALL_MAX
  local listed = limited and missed_lists(ctx).listed
  for _, f in ipairs(m.formations) do
    if not limited or listed[f] then shown[#shown + 1] = f end
  end
  local out = { "<p>" .. esc(t.per_formation_intro) .. "</p>" }
  if limited then
    out[#out + 1] = "<p>" .. esc(fmt(t.per_formation_some, text.int(#m.formations, lang), text.int(#shown, lang))) .. "</p>"
  end
  for _, f in ipairs(shown) do
    local badges = {}
    for _, k in ipairs(KINDS) do
      if f.kinds[k].why then badges[#badges + 1] = '<span class="badge">' .. esc(t["kind_short_" .. k] .. " " .. t.not_met)
        .. "</span>" end
    end
    local parts = { fmt('<details id="%s"><summary><b>%s</b> %s · %s%s</summary>', anchor(f.id), esc(f.id),
      esc(name_of(f)), esc(f.academie or ""), table.concat(badges)) }
    parts[#parts + 1] = fmt('<table><thead><tr><th>%s</th><th class="n">%s</th><th class="n">%s</th><th class="n">%s</th>'
      .. '<th class="n">%s</th><th class="n">%s</th><th>%s</th></tr></thead><tbody>', esc(t.kind), esc(cap(t.minimum)),
      esc(t.applicants), esc(t.admitted), esc(t.share), esc(t.needed), esc(t.reason))
    parts[#parts + 1] = fmt('<tr><td>%s</td><td class="n">—</td><td class="n">%d</td><td class="n">%d</td><td class="n">%s</td>'
      .. '<td class="n">—</td><td></td></tr>', esc(t.capacity .. " " .. f.capacity), f.applicants, f.admitted,
      esc(text.pct(f.admitted, f.capacity, lang)))
    for _, k in ipairs(KINDS) do
      local fk = f.kinds[k]
      if fk.min > 0 or fk.applicants > 0 then
        local verdict = ""
        if fk.why then verdict = '<span class="miss">' .. esc(t["why_" .. fk.why]) .. "</span>"
        elseif fk.met then verdict = '<span class="ok">' .. esc(t.met) .. "</span>" end
        parts[#parts + 1] = fmt('<tr><td>%s</td><td class="n">%s</td><td class="n">%d</td><td class="n">%d</td>'
          .. '<td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>', esc(t["kind_" .. k]),
          fk.min > 0 and esc(text.min_pct(fk.min, lang)) or "—", fk.applicants, fk.admitted,
          esc(text.pct(fk.admitted, f.admitted, lang, fk.min > 0 and fk.min or nil)),
          fk.needed and tostring(fk.needed) or "—", verdict)
      end
    end
    parts[#parts + 1] = "</tbody></table>"
    local groups = m.groups[f.id]
    if groups then
      parts[#parts + 1] = fmt('<table><thead><tr><th>%s</th><th class="n">%s</th><th class="n">%s</th><th class="n">%s</th>'
        .. '<th class="n">%s</th></tr></thead><tbody>', esc(t.group), esc(t.capacity), esc(t.applicants), esc(t.admitted),
        esc(t.empty))
      for _, g in ipairs(groups) do
        parts[#parts + 1] = fmt('<tr><td>%s</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td>'
          .. '<td class="n%s">%d</td></tr>', esc(t["group_" .. g.group] or g.group), g.capacity, g.applicants, g.admitted,
          g.empty > 0 and g.group ~= "other" and " miss" or "", g.empty)
      end
      parts[#parts + 1] = "</tbody></table>"
    end
    parts[#parts + 1] = "</details>"
    out[#out + 1] = table.concat(parts)
  end
  return section("formations", t.per_formation, table.concat(out, "\n"))
end

local function provenance(ctx)
  local t, p = ctx.t, ctx.provenance
  if not p then return nil end
  local rows = {}
  local function row(label, value) rows[#rows + 1] = fmt("<tr><th>%s</th><td>%s</td></tr>", esc(label), value) end
  row(t.prov_version, esc(p.admit_version or ""))
  if p.command then row(t.prov_command, "<code>" .. esc(p.command) .. "</code>") end
  if p.mode then row(t.prov_mode, esc(p.mode)) end
  if p.seed then row(t.prov_seed, esc(p.seed)) end
  local pol = {}
  for _, x in ipairs(p.policies or {}) do pol[#pol + 1] = esc(x) end
  row(t.prov_policies, #pol > 0 and table.concat(pol, ", ") or esc(t.prov_none))
  local out = { '<table class="provenance">' .. table.concat(rows) .. "</table>" }
  if p.inputs and #p.inputs > 0 then
    out[#out + 1] = "<h3>" .. esc(t.prov_inputs) .. "</h3>"
    out[#out + 1] = fmt('<table class="inputs"><thead><tr><th>%s</th><th>%s</th><th class="n">%s</th><th>SHA-256</th></tr>'
      .. "</thead><tbody>", esc(t.prov_role), esc(t.prov_file), esc(t.prov_bytes))
    for _, i in ipairs(p.inputs) do
      out[#out + 1] = fmt('<tr><td>%s</td><td>%s</td><td class="n">%s</td><td><code>%s</code></td></tr>',
        esc(t["role_" .. tostring(i.role)] or i.role), esc(i.path), text.int(num(i.bytes), ctx.lang), esc(i.sha256))
    end
    out[#out + 1] = "</tbody></table>"
  end
  return section("provenance", t.provenance, table.concat(out, "\n"))
end

-- before/after the policies (admit compare): the lost legal minimums first, then the totals
local function comparison(ctx)
  local c, t, lang = ctx.comparison, ctx.t, ctx.lang
  if not c then return nil end
  local out = {}
  if #c.regressions > 0 then
    local rows = { fmt('<div class="alert" id="regressions" data-regressions="%d"><h2>⚠ %s</h2><p>%s</p>',
      #c.regressions, esc(t.compare_regressions), esc(fmt(t.compare_regressions_intro, text.int(#c.regressions, lang)))) }
    rows[#rows + 1] = fmt('<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th class="n">%s</th>'
      .. '<th class="n">%s</th><th class="n">%s</th></tr></thead><tbody>', esc(t.formation), esc(t.establishment),
      esc(t.policy), esc(t.kind), esc(cap(t.minimum)), esc(t.share .. " " .. t.before), esc(t.share .. " " .. t.after))
    for _, r in ipairs(c.regressions) do
      rows[#rows + 1] = fmt('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td>'
        .. '<td class="n miss">%s</td></tr>', esc(r.formation_id), esc(r.name or ""), esc(r.policy or "—"),
        esc(t["kind_short_" .. r.kind]), esc(text.min_pct(r.min, lang)), esc(text.pct(r.admitted_kind_before, r.admitted_before, lang, r.min)),
        esc(text.pct(r.admitted_kind_after, r.admitted_after, lang, r.min)))
    end
    rows[#rows + 1] = "</tbody></table></div>"
    out[#out + 1] = table.concat(rows)
  else
    out[#out + 1] = '<p class="good" id="regressions" data-regressions="0">' .. esc(t.compare_regressions_none) .. "</p>"
  end
  out[#out + 1] = "<h3>" .. esc(t.compare_totals) .. "</h3>"
  out[#out + 1] = fmt('<table class="compare-totals"><thead><tr><th>%s</th><th class="n">%s</th><th class="n">%s</th>'
    .. '<th class="n">%s</th></tr></thead><tbody>', esc(t.kind), esc(t.with_min), esc(t.before), esc(t.after))
  for _, k in ipairs(KINDS) do
    local tk = c.totals[k]
    if tk and tk.with_min > 0 then
      out[#out + 1] = fmt('<tr data-kind="%s"><td>%s</td><td class="n">%d</td><td class="n">%d</td><td class="n%s">%d</td></tr>',
        k, esc(t["kind_" .. k]), tk.with_min, tk.before, tk.after < tk.before and " miss" or "", tk.after)
    end
  end
  out[#out + 1] = fmt('<tr><td>%s</td><td></td><td class="n">%s</td><td class="n">%s</td></tr>', esc(t.admitted),
    text.int(c.admitted_before, lang), text.int(c.admitted_after, lang))
  out[#out + 1] = "</tbody></table>"
  out[#out + 1] = "<p>" .. esc(fmt(t.compare_changed, text.int(c.changed, lang), text.int(c.changed_with_policy, lang),
    text.int(c.changed - c.changed_with_policy, lang))) .. "</p>"
  if #c.improvements > 0 then
    out[#out + 1] = "<h3>" .. esc(t.compare_improved) .. " (" .. #c.improvements .. ")</h3><ul>"
    for _, r in ipairs(c.improvements) do
      out[#out + 1] = fmt("<li>%s %s — %s : %s → %s</li>", esc(r.formation_id), esc(r.name or ""),
        esc(t["kind_short_" .. r.kind]), esc(text.pct(r.admitted_kind_before, r.admitted_before, lang, r.min)),
        esc(text.pct(r.admitted_kind_after, r.admitted_after, lang, r.min)))
    end
    out[#out + 1] = "</ul>"
  end
  return section("comparison", t.compare, table.concat(out, "\n"), "first")
end

html.sections = {
  { id = "comparison", build = comparison },
  { id = "headline", build = headline },
  { id = "minimums", build = minimums },
  { id = "missed", build = missed },
  { id = "academies", build = academies },
  { id = "formations", build = formation_details },
  { id = "provenance", build = provenance },
}

--- Adds a section (before the one whose id is before_id, else at the end).
function html.add_section(sec, before_id)
  for i, s in ipairs(html.sections) do
    if s.id == before_id then table.insert(html.sections, i, sec) return end
  end
  html.sections[#html.sections + 1] = sec
end

--- The page, as text.
function html.render(data, opts)
  opts = opts or {}
  local lang = opts.lang or "fr"
  local t = text.strings_for(lang)
  local ctx = { lang = lang, t = t, model = model(data), provenance = data.provenance,
    comparison = data.comparison, data = data, text = text, esc = esc }
  local body, nav = {}, {}
  local first = true
  for _, sec in ipairs(html.sections) do
    local part = sec.build(ctx)
    if part then
      if not first then part = part:gsub('^<section id="([^"]+)" class="first"', '<section id="%1"') end
      first = false
      body[#body + 1] = part
      local title = part:match("<h2>(.-)</h2>")
      nav[#nav + 1] = fmt('<li><a href="#%s">%s</a></li>', part:match('<section id="([^"]+)"'), title)
    end
  end
  local title = data.comparison and t.title_compare or t.title
  local p = data.provenance or {}
  -- the title is kept in English in provenance.json (machine data): shown in the report's
  -- language when it is one of admit's own (make run's, compare's), else as the user gave it
  local subtitle = p.title and ("<p class=\"sub\">" .. esc((require("admit.i18n").translate(p.title, lang, true)))
    .. "</p>") or ""
  return table.concat {
    "<!DOCTYPE html>\n<html lang=\"", lang, "\">\n<head>\n<meta charset=\"utf-8\">\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n",
    "<title>", esc(title), "</title>\n<style>", CSS, "</style>\n</head>\n<body>\n<header><h1>", esc(title), "</h1>",
    subtitle, "<p class=\"sub\">", esc(fmt(t.generated, p.admit_version or "")), "</p></header>\n",
    "<nav><h2>", esc(t.nav), "</h2><ol>", table.concat(nav), "</ol></nav>\n<main>\n", table.concat(body),
    "</main>\n</body>\n</html>\n",
  }
end

html.anchor = anchor
return html
