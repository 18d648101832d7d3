-- The phase principale day by day (issue 12): the limit case equals `allocate --mode
-- school`, hand-computed instances for each rule of docs/phase-principale.md §2 with their
-- day-by-day states, invariants on random instances, outputs, determinism, errors.
local h = require "helpers"
local admit = require "admit"
local cjson = require "cjson"

local HAND = "tests/fixtures/sim/hand/"

-- ------------------------------------------------------------ instances

-- A random instance as rows: nf formations, nc candidates, random vœux and ranks; with
-- `rates`, minimum rates (reserved groups, boursier / résident rates) on some formations.
local function random_instance(seed, rates)
  math.randomseed(seed)
  local nf, nc = math.random(1, 6), math.random(1, 24)
  local F, C, W = {}, {}, {}
  local bacs = { "general", "general", "techno", "pro" }
  for f = 1, nf do
    local row = { formation_id = "F" .. f, capacity = math.random(0, 4) }
    if rates then
      row.min_techno = ({ 0, 0, 30, 50 })[math.random(4)]
      row.min_pro = ({ 0, 0, 20, 40 })[math.random(4)]
      row.min_boursier = ({ 0, 0, 10, 30 })[math.random(4)]
      row.min_resident = ({ 0, 0, 50 })[math.random(3)]
    end
    F[f] = row
  end
  local applicants = {}
  for c = 1, nc do
    C[c] = { id = "C" .. c, bac = bacs[math.random(4)], boursier = math.random(0, 1),
             resident = math.random(0, 1) }
    local order = {}
    for f = 1, nf do order[f] = f end
    for i = nf, 2, -1 do
      local j = math.random(i)
      order[i], order[j] = order[j], order[i]
    end
    for pref = 1, math.random(0, nf) do
      local f = order[pref]
      applicants[f] = applicants[f] or {}
      local row = { candidate_id = "C" .. c, formation_id = "F" .. f, preference = pref }
      table.insert(applicants[f], row)
      W[#W + 1] = row
    end
  end
  for _, list in pairs(applicants) do       -- the classement pédagogique: a random order
    for i = #list, 2, -1 do
      local j = math.random(i)
      list[i], list[j] = list[j], list[i]
    end
    for k, row in ipairs(list) do row.rank = k end
  end
  return F, C, W
end

local function assignment_map(r)
  local t = {}
  for _, a in ipairs(r:assignments()) do t[a.candidate_id] = a.formation_id or "" end
  return t
end

-- ------------------------------------------------------------ limit case

describe("admit.phase in the limit case of the note", function()
  for _, rates in ipairs { false, true } do
    it("equals allocate --mode school on 200 random instances " .. (rates and "with" or "without")
      .. " reserved groups and rates", function()
      local checked, admitted = 0, 0
      for seed = 1, 200 do
        local F, C, W = random_instance(seed * 7 + (rates and 1 or 0), rates)
        local school = admit.simulate { formations = F, candidates = C, wishes = W, mode = "school" }
        local ph = admit.phase { formations = F, candidates = C, wishes = W, behaviour = "ideal" }
        local a, b = assignment_map(school), assignment_map(ph)
        for id, f in pairs(a) do
          assert.are.equal(f, b[id], string.format("seed %d candidate %s", seed, id))
          if f ~= "" then admitted = admitted + 1 end
        end
        assert.are.same(school:formations(), ph:formations())
        checked = checked + 1
      end
      assert.are.equal(200, checked)
      assert.is_true(admitted > 500)   -- the instances are not empty
    end)
  end

  it("is reached on day 1 and nothing moves afterwards", function()
    local F, C, W = random_instance(99, true)
    local ph = admit.phase { formations = F, candidates = C, wishes = W, behaviour = "ideal", days = 5 }
    local d = ph:days()
    assert.are.equal(5, #d)
    for i = 2, 5 do
      assert.are.equal(0, d[i].offers)
      assert.are.equal(d[1].candidates_with_accepted_offer, d[i].candidates_with_accepted_offer)
    end
  end)

  it("writes the same assignments.csv and formations.csv as allocate --mode school on a generated cohort", function()
    local dir = h.scratch()
    local _, err, code = h.run { "generate", "--out", dir .. "/in", "--seed", "12", "--candidates", "6000" }
    assert.are.equal(0, code, err)
    local files = { "--formations", dir .. "/in/formations.csv", "--candidates", dir .. "/in/candidates.csv",
      "--wishes", dir .. "/in/wishes.csv" }
    local a = { "allocate", "--out", dir .. "/alloc", "--mode", "school" }
    local p = { "phase", "--out", dir .. "/phase", "--behaviour", "ideal", "--overbooking", "0" }
    for _, x in ipairs(files) do a[#a + 1] = x; p[#p + 1] = x end
    _, err, code = h.run(a)
    assert.are.equal(0, code, err)
    _, err, code = h.run(p)
    assert.are.equal(0, code, err)
    assert.are.equal(h.slurp(dir .. "/alloc/assignments.csv"), h.slurp(dir .. "/phase/assignments.csv"))
    assert.are.equal(h.slurp(dir .. "/alloc/formations.csv"), h.slurp(dir .. "/phase/formations.csv"))
    h.remove_scratch()
  end)
end)

-- ------------------------------------------------------------ hand-computed rules

-- Events of day `day` as "candidate formation from>to why" strings, in order.
local function events_of(ph, day)
  local t = {}
  for _, e in ipairs(ph:events()) do
    if e.day == day then t[#t + 1] = string.format("%s %s %s>%s %s", e.candidate_id, e.formation_id, e.from, e.to, e.why) end
  end
  return t
end

local function group_of(ph, day, fid, group)
  for _, g in ipairs(ph:groups(day)) do
    if g.formation_id == fid and g.group == (group or "other") then return g end
  end
end

-- Accept the best offer (by preference), keep every waiting vœu.
local function accept_best(_, offers)
  local best
  for _, o in ipairs(offers) do
    if not best or o.preference < best.preference then best = o end
  end
  return { accept = best.formation_id }
end

-- answers the same day, no répondeur, nobody leaves, through the given answer function
local function answering(answer, extra)
  local b = { preset = "ideal", ra_share = 0, answer = answer }
  for k, v in pairs(extra or {}) do b[k] = v end
  return b
end

describe("admit.phase on hand-computed instances (note §2)", function()
  it("block call: with a rang limite every waiting vœu up to it gets an offer, above N", function()
    -- F: 2 seats, rang limite 4, six applicants ranked 1..6. Day 1: offers to 1..4 (4 > N);
    -- c3 refuses, the others accept: 3 holders > N = 2, no vacancy, nothing more on day 2.
    local F = { { formation_id = "F", capacity = 2, rang_limite = 4 } }
    local C, W = {}, {}
    for i = 1, 6 do
      C[i] = { id = "c" .. i, bac = "general", boursier = 0, resident = 0 }
      W[i] = { candidate_id = "c" .. i, formation_id = "F", preference = 1, rank = i }
    end
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 3,
      behaviour = answering(function(c, offers) if c.id ~= "c3" then return { accept = offers[1].formation_id } end end) }
    local g1, g2 = group_of(ph, 1, "F"), group_of(ph, 2, "F")
    assert.are.same({ 4, 3, 3, 1, 2, 4, 2 }, { g1.offers, g1.holders, g1.accepted, g1.refused, g1.waiting,
      g1.rang_dernier_appele, g1.n })
    assert.are.same({ 0, 3, 4 }, { g2.offers, g2.holders, g2.rang_dernier_appele })
  end)

  it("block call: every offer takes a vacant seat (N = 10, rang limite 4, 20 waiting: 10 offers)", function()
    local F = { { formation_id = "F", capacity = 10, rang_limite = 4 } }
    local C, W = {}, {}
    for i = 1, 20 do
      C[i] = { id = "c" .. i, bac = "general", boursier = 0, resident = 0 }
      W[i] = { candidate_id = "c" .. i, formation_id = "F", preference = 1, rank = i }
    end
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 2, behaviour = answering(accept_best) }
    local g = group_of(ph, 1, "F")
    assert.are.same({ 10, 10, 10 }, { g.offers, g.holders, g.rang_dernier_appele })
  end)

  it("ordered vœux: an offer below the best of the day is resigned and its seat re-offered the same day", function()
    -- x: A (1), B (2), C (3); a is first at A; x is first at B and C; y wants C, ranked 2nd.
    -- Day 1 pass 1: A→a, B→x, C→x; x has ordered: C (pref 3 > 2) is resigned, A stays waiting.
    -- Pass 2: C→y. Answers: a takes A, x takes B keeping A, y takes C.
    local F = { { formation_id = "A", capacity = 1 }, { formation_id = "B", capacity = 1 },
                { formation_id = "C", capacity = 1 } }
    local C = { { id = "a", bac = "general", boursier = 0, resident = 0 }, { id = "x", bac = "general", boursier = 0, resident = 0 }, { id = "y", bac = "general", boursier = 0, resident = 0 } }
    local W = {
      { candidate_id = "a", formation_id = "A", preference = 1, rank = 1 },
      { candidate_id = "x", formation_id = "A", preference = 1, rank = 2 },
      { candidate_id = "x", formation_id = "B", preference = 2, rank = 1 },
      { candidate_id = "x", formation_id = "C", preference = 3, rank = 1 },
      { candidate_id = "y", formation_id = "C", preference = 1, rank = 2 },
    }
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 2, trace = true,
      behaviour = answering(accept_best, { order_share = 1, order_day = 1 }) }
    assert.are.same({
      "a A waiting>offer offer", "x B waiting>offer offer", "x C waiting>offer offer",
      "x C offer>refused ordered_voeux",
      "y C waiting>offer offer",
      "a A offer>accepted answer", "a A accepted>accepted_definitively answer",
      "x B offer>accepted answer",
      "y C offer>accepted answer", "y C accepted>accepted_definitively answer",
    }, events_of(ph, 1))
    assert.are.equal(2, ph:days()[1].passes)
    assert.are.same({ "accepted_definitively", "waiting", "accepted", "refused", "accepted_definitively" }, ph:states())
    -- without the ordering, x would hold both offers until answering: no second pass
    local plain = admit.phase { formations = F, candidates = C, wishes = W, days = 2, behaviour = answering(accept_best) }
    assert.are.equal(1, plain:days()[1].passes)
    assert.are.equal(1, plain:days()[2].offers)  -- C refused by x's answer: y gets it tomorrow
  end)

  it("répondeur automatique: the offer it refuses is re-offered the same day", function()
    -- x: A (1), B (2), first at both; y: B (1), second. Day 1: A→x, B→x; the répondeur
    -- accepts A and refuses B; pass 2: B→y, accepted by y's répondeur.
    local F = { { formation_id = "A", capacity = 1 }, { formation_id = "B", capacity = 1 } }
    local C = { { id = "x", bac = "general", boursier = 0, resident = 0 }, { id = "y", bac = "general", boursier = 0, resident = 0 } }
    local W = {
      { candidate_id = "x", formation_id = "A", preference = 1, rank = 1 },
      { candidate_id = "x", formation_id = "B", preference = 2, rank = 1 },
      { candidate_id = "y", formation_id = "B", preference = 1, rank = 2 },
    }
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 3, trace = true, behaviour = "ideal" }
    assert.are.same({
      "x A waiting>offer offer", "x B waiting>offer offer",
      "x A offer>accepted repondeur", "x B offer>refused repondeur",
      "x A accepted>accepted_definitively answer",
      "y B waiting>offer offer", "y B offer>accepted repondeur", "y B accepted>accepted_definitively answer",
    }, events_of(ph, 1))
    assert.are.same({}, events_of(ph, 2))
    assert.are.equal(2, ph:days()[1].passes)
    local g = group_of(ph, 1, "B")
    assert.are.same({ 2, 1, 1, 2 }, { g.offers_total, g.accepted, g.refused, g.rang_dernier_appele })
  end)

  it("deadline expiry: an unanswered offer is refused at its deadline (days 1–2: day 4; then the next day)", function()
    local F = { { formation_id = "A", capacity = 1 } }
    local C = { { id = "x", bac = "general", boursier = 0, resident = 0 }, { id = "y", bac = "general", boursier = 0, resident = 0 }, { id = "z", bac = "general", boursier = 0, resident = 0 } }
    local W = {
      { candidate_id = "x", formation_id = "A", preference = 1, rank = 1 },
      { candidate_id = "y", formation_id = "A", preference = 1, rank = 2 },
      { candidate_id = "z", formation_id = "A", preference = 1, rank = 3 },
    }
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 10, trace = true,
      behaviour = { preset = "ideal", ra_share = 0, never_answer = 1 } }
    local got = {}
    for _, e in ipairs(ph:events()) do got[#got + 1] = string.format("%d %s %s %s", e.day, e.candidate_id, e.to, e.why) end
    assert.are.same({ "1 x offer offer", "4 x refused expired", "5 y offer offer", "6 y refused expired",
      "7 z offer offer", "8 z refused expired" }, got)
    local holders = {}
    for d = 1, 10 do holders[d] = group_of(ph, d, "A").holders end
    assert.are.same({ 1, 1, 1, 0, 1, 0, 1, 0, 0, 0 }, holders)
  end)

  it("overbooking: N = capacity × (100 + PCT) / 100 rounded half up, per group; nb_recrutements to the general group", function()
    local F = {
      { formation_id = "A", capacity = 10, overbooking = 15 },       -- 11.5 → 12
      { formation_id = "B", capacity = 3 },                          -- global 10%: 3.3 → 3
      { formation_id = "C", capacity = 10, min_pro = 30, overbooking = 20 },  -- pro 3 → 3.6 → 4; other 7 → 8.4 → 8
      { formation_id = "D", capacity = 10, min_pro = 30, nb_recrutements = 14 }, -- other 7 + 4, pro 3
    }
    local C, W = {}, {}
    for i = 1, 3 do
      C[#C + 1] = { id = "g" .. i, bac = "general", boursier = 0, resident = 0 }
      C[#C + 1] = { id = "p" .. i, bac = "pro", boursier = 0, resident = 0 }
    end
    for ci, c in ipairs(C) do
      for fi, f in ipairs(F) do
        W[#W + 1] = { candidate_id = c.id, formation_id = f.formation_id, preference = fi, rank = ci }
      end
    end
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 1, overbooking = 10, behaviour = "ideal" }
    local n = {}
    for _, g in ipairs(ph:groups(1)) do n[g.formation_id .. "/" .. g.group] = g.n end
    assert.are.same({ ["A/other"] = 12, ["B/other"] = 3, ["C/other"] = 8, ["C/pro"] = 4, ["D/other"] = 11, ["D/pro"] = 3 }, n)
  end)
end)

-- ------------------------------------------------------------ invariants

describe("admit.phase invariants on random instances (model behaviour, overbooking)", function()
  it("hold on 120 instances: holders ≤ N, rang du dernier appelé never decreases, one accepted offer, "
    .. "offers only to waiting vœux, ordre d'appel respected", function()
    local offers_seen = 0
    for seed = 1, 120 do
      local F, C, W = random_instance(1000 + seed, seed % 2 == 0)
      math.randomseed(seed)
      local behaviour = { ra_share = math.random(), ra_day = math.random(1, 10), order_share = math.random(),
        order_day = math.random(1, 10), same_day = math.random(), keep_waiting = math.random(),
        definitive = math.random() * 0.3, leave_daily = math.random() * 0.05, bac_fail = math.random() * 0.2,
        bac_day = math.random(1, 12), never_answer = math.random() * 0.3 }
      local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 12, seed = seed,
        overbooking = math.random(0, 60), behaviour = behaviour, trace = true }
      local where = "seed " .. seed
      -- call positions and groups of every vœu
      local pos, grp, members = {}, {}, {}
      for _, w in ipairs(ph:wishes()) do
        local key = w.candidate_id .. "\0" .. w.formation_id
        pos[key], grp[key] = w.call_position, w.formation_id .. "/" .. w.group
        members[grp[key]] = members[grp[key]] or {}
        members[grp[key]][w.call_position] = key
      end
      local state = {}
      for key in pairs(pos) do state[key] = "waiting" end
      local events, e = ph:events(), 1
      local last = {}
      for day = 1, 12 do
        while events[e] and events[e].day == day do
          local ev = events[e]
          local key = ev.candidate_id .. "\0" .. ev.formation_id
          assert.are.equal(state[key], ev.from, where)
          if ev.to == "offer" then
            offers_seen = offers_seen + 1
            assert.are.equal("waiting", ev.from, where)
            for p = 1, pos[key] - 1 do   -- every vœu called before got an offer or was resigned
              assert.are_not.equal("waiting", state[members[grp[key]][p]], where)
            end
          end
          state[key] = ev.to
          e = e + 1
        end
        local accepted = {}
        for key, s in pairs(state) do
          if s == "accepted" or s == "accepted_definitively" then
            local c = key:match("^(.-)%z")
            assert.is_nil(accepted[c], where .. ": two accepted offers for " .. c)
            accepted[c] = true
          end
        end
        for i, g in ipairs(ph:groups(day)) do
          assert.is_true(g.holders <= g.n, where .. " day " .. day .. " " .. g.formation_id .. "/" .. g.group .. " holders " .. g.holders .. " n " .. g.n)
          assert.is_true(g.rang_dernier_appele >= (last[i] or 0), where)
          last[i] = g.rang_dernier_appele
        end
      end
      assert.is_nil(events[e], where)
      -- the end states are the replayed ones, and the assignments their accepted offers
      local final = ph:states()
      for i, w in ipairs(W) do assert.are.equal(state[w.candidate_id .. "\0" .. w.formation_id], final[i], where) end
      for _, a in ipairs(ph:assignments()) do
        if a.formation_id then
          local s = state[a.candidate_id .. "\0" .. a.formation_id]
          assert.is_true(s == "accepted" or s == "accepted_definitively", where)
        end
      end
    end
    assert.is_true(offers_seen > 400, "offers seen: " .. offers_seen)
  end)
end)

-- ------------------------------------------------------------ outputs

local function phase_cli(dir, extra)
  local args = { "phase", "--formations", HAND .. "formations.csv", "--candidates", HAND .. "candidates.csv",
    "--wishes", HAND .. "wishes.csv", "--out", dir }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  return h.run(args)
end

describe("admit phase outputs", function()
  after_each(h.remove_scratch)

  it("writes the allocate files, days.csv and summary.json with the phase; candidates_days.csv only with --trace", function()
    local dir = h.scratch()
    local _, err, code = phase_cli(dir .. "/a", { "--days", "5" })
    assert.are.equal(0, code, err)
    assert.matches("admit phase: 5 days, model behaviour", err, 1, true)
    for _, f in ipairs { "assignments.csv", "formations.csv", "groups.csv", "summary.json", "results.xlsx", "days.csv" } do
      assert.is_truthy(h.slurp(dir .. "/a/" .. f), f)
    end
    -- report.html with the phase's day curves and the rang du dernier appelé table
    local page = h.slurp(dir .. "/a/report.html")
    assert.matches('<section id="phase"><h2>Phase principale, jour par jour</h2>', page, 1, true)
    assert.matches('data-kind="phase-share"', page, 1, true)
    assert.matches('<th>jour 5</th></tr><tr><td>A / other</td>', page, 1, true)
    assert.is_nil(h.slurp(dir .. "/a/candidates_days.csv"))
    local days = h.slurp(dir .. "/a/days.csv")
    assert.matches("^day,formation_id,group,capacity,n,rang_limite,offers,offers_total,holders,accepted,"
      .. "accepted_definitively,waiting,refused,rang_dernier_appele,filled\n1,A,other,1,1,0,", days)
    local rows = select(2, days:gsub("\n", "")) - 1
    assert.are.equal(5 * 9, rows)   -- 9 groups with applicants × 5 days
    local s = cjson.decode(h.slurp(dir .. "/a/summary.json"))
    assert.are.equal(5, s.phase.days)
    assert.are.equal(5, #s.phase.per_day)
    assert.are.equal("model", s.phase.behaviour)
    assert.are.equal(s.admitted, s.phase.per_day[5].candidates_with_accepted_offer)
    assert.are.equal(s.phase["end"].formations, s.formations)
    assert.is_true(s.phase.per_day[5].seats_held >= s.phase.per_day[5].candidates_with_accepted_offer)
    _, err, code = phase_cli(dir .. "/b", { "--days", "5", "--trace" })
    assert.are.equal(0, code, err)
    assert.matches("^day,candidate_id,formation_id,group,call_position,preference,from,to,why\n1,",
      h.slurp(dir .. "/b/candidates_days.csv"))
  end)

  it("is deterministic: same seed, same bytes; another seed, other days", function()
    local dir = h.scratch()
    local dirs = {}
    local _, gerr, gcode = h.run { "generate", "--out", dir .. "/in", "--seed", "3", "--candidates", "3000" }
    assert.are.equal(0, gcode, gerr)
    for i, seed in ipairs { "4", "4", "5" } do
      dirs[i] = dir .. "/" .. i
      local _, err, code = h.run { "phase", "--formations", dir .. "/in/formations.csv",
        "--candidates", dir .. "/in/candidates.csv", "--wishes", dir .. "/in/wishes.csv",
        "--out", dirs[i], "--seed", seed, "--trace", "--overbooking", "10" }
      assert.are.equal(0, code, err)
    end
    for _, f in ipairs { "assignments.csv", "formations.csv", "summary.json", "days.csv", "candidates_days.csv" } do
      assert.are.equal(h.slurp(dirs[1] .. "/" .. f), h.slurp(dirs[2] .. "/" .. f), f)
    end
    assert.are_not.equal(h.slurp(dirs[1] .. "/candidates_days.csv"), h.slurp(dirs[3] .. "/candidates_days.csv"))
  end)

  it("reads overbooking, nb_recrutements and rang_limite from F.csv", function()
    local dir = h.scratch()
    h.write(dir .. "/f.csv", "formation_id,capacity,overbooking,nb_recrutements,rang_limite\nA,10,20,,\nB,10,,13,5\nC,10,,,\n")
    h.write(dir .. "/c.csv", "id,bac,boursier,resident\nx,general,0,0\n")
    h.write(dir .. "/w.csv", "candidate_id,formation_id,preference,rank\nx,A,1,1\nx,B,2,1\nx,C,3,1\n")
    local _, err, code = h.run { "phase", "--formations", dir .. "/f.csv", "--candidates", dir .. "/c.csv",
      "--wishes", dir .. "/w.csv", "--out", dir .. "/o", "--days", "1", "--overbooking", "5" }
    assert.are.equal(0, code, err)
    local days = h.slurp(dir .. "/o/days.csv")
    assert.matches("\n1,A,other,10,12,0,", days, 1, true)
    assert.matches("\n1,B,other,10,13,5,", days, 1, true)
    assert.matches("\n1,C,other,10,11,0,", days, 1, true)   -- 10.5 rounded half up
  end)
end)

describe("the phase in make run", function()
  after_each(h.remove_scratch)

  it("scripts/phase_run.lua runs the phase on a cohort and writes its folder", function()
    local dir = h.scratch()
    local _, err, code = h.run { "generate", "--out", dir .. "/cohort", "--seed", "2", "--candidates", "2000" }
    assert.are.equal(0, code, err)
    local out
    out, err, code = h.run { h.root .. "/scripts/phase_run.lua", dir .. "/cohort", dir .. "/phase", "10" }
    assert.are.equal(0, code, err)
    assert.matches("Phase principale, 1 June – 7 July 2023 (37 days), behaviour model, overbooking 10%:", out, 1, true)
    assert.matches("\n%s+37  7 July%s+%d+", out)
    assert.matches("end of the phase: %d+ formations filled, %d+ overfilled", out)
    local s = cjson.decode(h.slurp(dir .. "/phase/summary.json"))
    assert.are.equal(10, s.phase.overbooking)
    assert.are.equal(37, #s.phase.per_day)
  end)
end)

describe("the overbooking sweep", function()
  after_each(h.remove_scratch)

  it("scripts/overbooking_sweep.lua answers per formation type and writes sweep.csv and sweep.html", function()
    local dir = h.scratch()
    local out, err, code = h.run { h.root .. "/scripts/overbooking_sweep.lua", dir .. "/sweep", "10" }
    assert.are.equal(0, code, err)
    assert.matches("Answer: the overbooking that fills each type best with no formation overfilled", out, 1, true)
    for _, name in ipairs { "BTS", "BUT", "santé" } do
      assert.matches("\n  " .. name .. " +%d+%%: fill %d+%.%d%%, minimums met %d+ of %d+", out)
    end
    local csv = h.slurp(dir .. "/sweep/sweep.csv")
    assert.matches("^overbooking,type,formations,capacity,accepted,fill_rate,overfilled,seats_over_capacity,minimums_met,with_minimum\n0,BTS,382,", csv)
    assert.are.equal(1 + 4 * 3, select(2, csv:gsub("\n", "")))   -- 0, 10, 20, 30 × three types
    assert.matches("<polyline", h.slurp(dir .. "/sweep/sweep.html"), 1, true)
  end)
end)

-- ------------------------------------------------------------ Lua interface

describe("admit.phase from Lua", function()
  local F, C, W = random_instance(5, true)

  it("has the accessors of a simulation and r:days(); on_day sees each day and may stop the run", function()
    local seen = {}
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 20,
      on_day = function(day, stats) seen[#seen + 1] = stats.day == day and stats.offers; if day == 3 then return false end end }
    assert.are.equal(3, #ph:days())
    assert.are.equal(3, #seen)
    assert.are.equal(#C, #ph)
    assert.are.equal(#C, #ph:assignments())
    assert.is_table(ph.summary)
    assert.are.equal(3, ph.summary.rounds)
    assert.are.equal(ph:days()[1].offers, seen[1])
  end)

  it("applies policies as admit.simulate does", function()
    local reverse = admit.policy { name = "reverse", rank = function(c) return c.rank end }  -- the last ranked first
    local s = admit.simulate { formations = F, candidates = C, wishes = W, mode = "school", policies = reverse }
    local ph, applied = admit.phase { formations = F, candidates = C, wishes = W, behaviour = "ideal", policies = reverse }
    assert.are.same(assignment_map(s), assignment_map(ph))
    assert.is_truthy(next(applied))
  end)

  local bad = {
    { { behaviour = "lazy" }, "behaviour: 'lazy' is not \"ideal\", \"model\" or a table of parameters" },
    { { behaviour = { ra_shar = 0.5 } }, "behaviour: unknown parameter 'ra_shar'" },
    { { behaviour = { leave_daily = 2 } }, "behaviour.leave_daily: expected a probability between 0 and 1" },
    { { behaviour = { ra_day = 1.5 } }, "behaviour.ra_day: expected a day number" },
    { { days = 0 }, "days: expected 1..366, got 0" },
    { { overbooking = -1 }, "overbooking: expected a percent 0..1000, got -1" },
    { { overbooking = 2.5 }, "admit.phase: overbooking must be a whole percent" },
    { { colour = 1 }, "admit.phase: unknown field 'colour'" },
  }
  for _, case in ipairs(bad) do
    it("rejects " .. case[2], function()
      local spec = { formations = F, candidates = C, wishes = W }
      for k, v in pairs(case[1]) do spec[k] = v end
      local ok, err = pcall(admit.phase, spec)
      assert.is_false(ok)
      assert.matches(case[2], tostring(type(err) == "table" and err.message or err), 1, true)
    end)
  end

  it("raises an answer function's error with its line, and a bad decision clearly", function()
    local ok, err = pcall(admit.phase, { formations = F, candidates = C, wishes = W,
      behaviour = { answer = function() error("boom") end } })
    assert.is_false(ok)
    assert.matches("18%-phase_spec.lua:%d+: boom", err)
    ok, err = pcall(admit.phase, { formations = F, candidates = C, wishes = W,
      behaviour = { answer = function() return { accept = "NOPE" } end } })
    assert.is_false(ok)
    assert.matches("answer: accept = 'NOPE' is not an offer of candidate", err, 1, true)
    ok, err = pcall(admit.phase, { formations = F, candidates = C, wishes = W,
      behaviour = { answer = function() return 42 end } })
    assert.is_false(ok)
    assert.matches("answer: must return nil or a table", err, 1, true)
  end)

  it("a custom answer that leaves or keeps nothing is applied", function()
    local ph = admit.phase { formations = F, candidates = C, wishes = W, days = 4,
      behaviour = { preset = "ideal", ra_share = 0, answer = function() return { leave = true } end } }
    local d = ph:days()
    assert.is_true(d[4].left > 0)
    assert.are.equal(0, d[4].candidates_with_accepted_offer)
  end)
end)

-- ------------------------------------------------------------ bad input

describe("admit phase bad input", function()
  after_each(h.remove_scratch)
  local cases = {
    { "overbooking", "formation_id,capacity,overbooking\nA,1,abc\n", "f.csv:2:3: overbooking 'abc' is not a whole number" },
    { "overbooking", "formation_id,capacity,overbooking\nA,1,-5\n", "f.csv:2:3: overbooking '-5' is not a whole number" },
    { "rang limite", "formation_id,capacity,rang_limite\nA,1,2.5\n", "f.csv:2:3: rang_limite '2.5' is not a whole number" },
    { "nb_recrutements", "formation_id,capacity,nb_recrutements\nA,10,8\n",
      "f.csv:2:3: nb_recrutements 8 is below the capacity 10 of formation 'A'" },
  }
  for _, case in ipairs(cases) do
    it("names file, line and column of a bad " .. case[1] .. " value", function()
      local dir = h.scratch()
      h.write(dir .. "/f.csv", case[2])
      h.write(dir .. "/c.csv", "id,bac,boursier,resident\nx,general,0,0\n")
      h.write(dir .. "/w.csv", "candidate_id,formation_id,preference,rank\nx,A,1,1\n")
      local _, err, code = h.run { "phase", "--formations", dir .. "/f.csv", "--candidates", dir .. "/c.csv",
        "--wishes", dir .. "/w.csv", "--out", dir .. "/o" }
      assert.are.equal(2, code)
      assert.matches(case[3], err, 1, true)
      assert.is_nil(h.slurp(dir .. "/o/summary.json"))
    end)
  end

  local options = {
    { { "--days", "0" }, "--days: '0' is not a whole number between 1 and 366" },
    { { "--overbooking", "ten" }, "--overbooking: 'ten' is not a whole number" },
    { { "--behaviour", "lazy" }, "--behaviour: 'lazy' is not ideal or model" },
    { { "--seed", "-1" }, "--seed: '-1' is not a whole number" },
  }
  for _, case in ipairs(options) do
    it("rejects " .. table.concat(case[1], " "), function()
      local dir = h.scratch()
      local _, err, code = phase_cli(dir .. "/o", case[1])
      assert.are.equal(2, code)
      assert.matches(case[2], err, 1, true)
    end)
  end

  it("reads --mode-params, and names a bad parameter in it", function()
    local dir = h.scratch()
    h.write(dir .. "/p.lua", "return { ra_share = 1, ra_day = 1, same_day = 1, leave_daily = 0, bac_fail = 0, never_answer = 0 }\n")
    local _, err, code = phase_cli(dir .. "/o", { "--mode-params", dir .. "/p.lua" })
    assert.are.equal(0, code, err)
    assert.matches("custom behaviour", err, 1, true)
    h.write(dir .. "/q.lua", "return { ra_share = 3 }\n")
    _, err, code = phase_cli(dir .. "/o2", { "--mode-params", dir .. "/q.lua" })
    assert.are.equal(1, code)
    assert.matches("behaviour.ra_share: expected a probability between 0 and 1", err, 1, true)
    h.write(dir .. "/r.lua", "return 5\n")
    _, err, code = phase_cli(dir .. "/o3", { "--mode-params", dir .. "/r.lua" })
    assert.are.equal(2, code)
    assert.matches("must return a table of behaviour parameters", err, 1, true)
  end)
end)
