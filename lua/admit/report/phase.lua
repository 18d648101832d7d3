--- admit.report.phase — the phase principale's section of report.html (issue 12): the day
-- curves (share of candidates with an offer and with an accepted offer; seats held and
-- accepted against the seats) and the rang du dernier appelé over days of the largest groups.
-- Built only when the data has a `phase` part ({days =, rangs =}, see api/phase.lua).
local M = {}

local S = {
  fr = { title = "Phase principale, jour par jour", share = "Part des candidats (avec un vœu ici)",
    offer = "ont reçu une proposition", accepted = "ont une proposition acceptée",
    seats = "Places", held = "places tenues (propositions en attente de réponse + acceptées)",
    acc = "propositions acceptées", cap = "capacité", day = "jour",
    rang = "Rang du dernier appelé des groupes aux plus nombreux candidats",
    group = "formation / groupe", n = "N" },
  en = { title = "Main phase, day by day", share = "Share of candidates (with a vœu here)",
    offer = "received an offer", accepted = "hold an accepted offer",
    seats = "Seats", held = "seats held (offers awaiting an answer + accepted)",
    acc = "accepted offers", cap = "capacity", day = "day",
    rang = "Rang du dernier appelé of the groups with the most applicants",
    group = "formation / group", n = "N" },
}

-- A line chart: series = {{label, colour, values[1..D]}}, y from 0 to ymax; x labels 1..D
-- (or xlabels[d] when given).
local function chart(esc, series, ymax, unit, label, xlabels, lang)
  local W, H, L, B = 640, 220, 48, 28
  local days = #series[1].values
  local function x(d) return L + (W - L - 10) * (d - 1) / math.max(1, days - 1) end
  local function y(v) return H - B - (H - B - 10) * v / math.max(ymax, 1e-9) end
  local out = { string.format('<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">', W, H, W, H, esc(label)) }
  for k = 0, 4 do
    local v = ymax * k / 4
    out[#out + 1] = string.format('<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/><text x="%d" y="%.1f" text-anchor="end">%s</text>',
      L, y(v), W - 10, y(v), L - 4, y(v) + 4, unit == "%" and require("admit.report.text").min_pct(math.floor(v + 0.5), lang or "en") or string.format("%d", math.floor(v + 0.5)))
  end
  for d = 1, days, math.max(1, days // 8) do
    out[#out + 1] = string.format('<text x="%.1f" y="%d" text-anchor="middle">%s</text>', x(d), H - 8,
      tostring(xlabels and xlabels[d] or d))
  end
  out[#out + 1] = string.format('<line class="ax" x1="%d" y1="%d" x2="%d" y2="%d"/>', L, H - B, W - 10, H - B)
  for _, s in ipairs(series) do
    local pts = {}
    for d, v in ipairs(s.values) do pts[#pts + 1] = string.format("%.1f,%.1f", x(d), y(v)) end
    out[#out + 1] = string.format('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>', s.colour,
      s.dash and ' stroke-dasharray="5 4"' or "", table.concat(pts, " "))
  end
  out[#out + 1] = "</svg>"
  local legend = {}
  for _, s in ipairs(series) do
    legend[#legend + 1] = string.format('<span><svg width="18" height="12" aria-hidden="true"><line x1="1" y1="6" x2="17" y2="6" stroke="%s" stroke-width="2"/></svg> %s</span>',
      s.colour, esc(s.label))
  end
  return table.concat(out) .. '<p class="legend">' .. table.concat(legend) .. "</p>"
end

M.chart = chart

function M.build(ctx)
  local ph = ctx.data.phase
  if not ph then return nil end
  local t, esc = S[ctx.lang] or S.fr, ctx.esc
  local s = ctx.data.summary
  local with = math.max(1, s.with_wishes or 0)
  local offer, accepted, held, acc, cap = {}, {}, {}, {}, {}
  for d, day in ipairs(ph.days) do
    offer[d] = 100 * day.received_an_offer / with
    accepted[d] = 100 * day.candidates_with_accepted_offer / with
    held[d], acc[d], cap[d] = day.seats_held, day.candidates_with_accepted_offer, s.seats
  end
  local maxseats = s.seats
  for d = 1, #held do maxseats = math.max(maxseats, held[d]) end
  local parts = {
    string.format('<figure class="chart" data-kind="phase-share">%s<figcaption>%s</figcaption></figure>',
      chart(esc, { { label = t.offer, colour = "#0072B2", values = offer },
        { label = t.accepted, colour = "#D55E00", values = accepted } }, 100, "%", t.share, nil, ctx.lang), esc(t.share)),
    string.format('<figure class="chart" data-kind="phase-seats">%s<figcaption>%s</figcaption></figure>',
      chart(esc, { { label = t.held, colour = "#0072B2", values = held }, { label = t.acc, colour = "#D55E00", values = acc },
        { label = t.cap, colour = "#000", values = cap, dash = true } }, maxseats, "", t.seats), esc(t.seats)),
  }
  if ph.rangs and #ph.rangs > 0 then
    local head = { "<tr><th>" .. esc(t.group) .. "</th><th>" .. t.n .. "</th>" }
    for _, d in ipairs(ph.rang_days) do head[#head + 1] = string.format("<th>%s %d</th>", esc(t.day), d) end
    local rows = { table.concat(head) .. "</tr>" }
    for _, g in ipairs(ph.rangs) do
      local r = { string.format("<tr><td>%s / %s</td><td>%d</td>", esc(g.formation_id), esc(g.group), g.n) }
      for _, v in ipairs(g.by_day) do r[#r + 1] = string.format("<td>%d</td>", v) end
      rows[#rows + 1] = table.concat(r) .. "</tr>"
    end
    parts[#parts + 1] = "<h3>" .. esc(t.rang) .. "</h3><table>" .. table.concat(rows) .. "</table>"
  end
  return string.format('<section id="phase"><h2>%s</h2>\n%s\n</section>\n', esc(t.title), table.concat(parts, "\n"))
end

return M
