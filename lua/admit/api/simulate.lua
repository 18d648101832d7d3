--- Simulation (issue 5): admit.simulate, admit.annex_dir. The engine is C (l_simulate.c);
-- this file turns paths or loaded rows into an instance, applies policies, runs it.
local rows_of = require "admit.rows"
local i18n = require "admit.i18n"

return function(admit)
  --- Where the embedded 2023 annexes live (data/2023-hauts-de-france).
  function admit.annex_dir()
    return admit.data_dir .. "/2023-hauts-de-france"
  end


  -- Numbers where a CSV gave numeric text (so that policies can compare grades), id kept.
  local function typed_row(row)
    if type(row) ~= "table" then  -- a dataset row (userdata): read through it
      return setmetatable({}, { __index = function(_, k) return row[k] end })
    end
    local t = {}
    for k, v in pairs(row) do
      if k ~= "id" and k ~= "_line" and type(v) == "string" and v:match("^%s*%-?%d+[.,]?%d*%s*$") then
        t[k] = tonumber((v:gsub(",", ".")))   -- a decimal comma as a spreadsheet writes it
      elseif k ~= "_line" then
        t[k] = v
      end
    end
    return t
  end

  -- The candidates' rows a policy reads. From a path, through the candidates loader with
  -- the loader options, so that an officer's export gives the rows of the canonical file:
  -- columns under their canonical names (id, bac, boursier, resident), bac general /
  -- techno / pro, flags 1 / 0, numbers with a decimal comma read, unnamed columns left out.
  local function candidate_rows(candidates, spec, fn)
    if type(candidates) ~= "string" then return rows_of(admit, candidates, "candidates", fn) end
    local set = admit.check(admit.candidates(candidates, { columns = spec.columns, academie = spec.academie }))
    local names, rows = set:columns(), {}
    for i = 1, #set do
      local row, t = set[i], {}
      for _, k in ipairs(names) do
        local v = row[k]
        if type(v) == "boolean" then v = v and 1 or 0 end   -- as a canonical file's 1/0
        if math.type(v) == "float" and v == math.floor(v) then v = math.tointeger(v) end
        t[k] = v
      end
      rows[i] = t
    end
    return rows
  end

  local function policy_list(policies)
    if policies == nil then return {} end
    if type(policies) ~= "table" then
      error("admit.simulate: policies must be a policy or a list of policies", 3)
    end
    if policies.matches then return { policies } end
    return policies
  end

  -- Applies the first matching policy of each formation: its classement (ranks 1..n),
  -- its capacities per group and its rates. Returns {formation_id = policy name}.
  local function apply_policies(prob, policies, cand_rows)
    local applied = {}
    if #policies == 0 then return applied end
    local by_id = {}
    for i = 1, #cand_rows do
      local row = cand_rows[i]
      by_id[tostring(row.id)] = row
    end
    for i = 1, #prob do
      local f = prob:formation(i)
      local policy
      for _, p in ipairs(policies) do
        if p:matches(f) then policy = p break end
      end
      if policy then
        local applicants = {}
        for k, a in ipairs(prob:applicants(i)) do
          local row = typed_row(by_id[a.candidate_id] or {})
          row.id = a.candidate_id
          row.rank, row.preference = a.rank, a.preference
          applicants[k] = row
        end
        if policy.classement then
          local ordered = policy:classement(f, applicants)
          local ids = {}
          for k, row in ipairs(ordered) do ids[k] = row.id end
          prob:set_ranking(i, ids)
        end
        if policy.capacities then
          local caps = policy:capacities(f, f.caps, applicants)
          if caps then prob:set_caps(i, caps) end
        end
        if type(policy.rates) == "table" then prob:set_rates(i, policy.rates) end
        applied[f.formation_id] = policy.name or "policy"
      end
    end
    return applied
  end

  --- admit.simulate{formations=, candidates=, wishes=, mode=, policies=, progress=}
  -- formations / candidates / wishes: CSV paths (the `admit allocate` formats) or lists of
  -- rows with the same fields. mode: "student" (default) or "school". policies: one policy
  -- or a list (admit.policy); the first that matches a formation ranks its applicants and
  -- may change its group capacities. Returns the simulation (userdata) and the table
  -- {formation_id = policy name} of the formations a policy applied to.
  function admit.simulate(spec)
    if type(spec) ~= "table" then
      error("admit.simulate: expects a table {formations=, candidates=, wishes=, ...}", 2)
    end
    local known = { "formations", "candidates", "wishes", "mode", "policies", "progress",
                    "columns", "academie", "explain", "verbose", "keep_columns" }
    for k in pairs(spec) do
      local found = false
      for _, n in ipairs(known) do found = found or k == n end
      if not found then
        local near = type(k) == "string" and admit.suggest(k, known)
        error(string.format("admit.simulate: unknown field '%s'%s; fields: %s", tostring(k),
          near and string.format(" (did you mean '%s'?)", near) or "", table.concat(known, ", ")), 2)
      end
    end
    for _, k in ipairs { "formations", "candidates", "wishes" } do
      if spec[k] == nil then error("admit.simulate: " .. k .. " is missing", 2) end
    end
    local mode = spec.mode or "student"
    if mode ~= "student" and mode ~= "school" then
      error("admit.simulate: mode must be 'student' or 'school', got '" .. tostring(mode) .. "'", 2)
    end
    local policies = policy_list(spec.policies)
    local prob
    local all_paths = type(spec.formations) == "string" and type(spec.candidates) == "string"
      and type(spec.wishes) == "string"
    if all_paths then
      prob = admit.check(admit.sim_load(spec.formations, spec.candidates, spec.wishes, {
        columns = spec.columns, academie = spec.academie, explain = spec.explain,
        verbose = spec.verbose, keep_columns = spec.keep_columns }))
    else
      prob = admit.check(admit.sim_build(rows_of(admit, spec.formations, "formations", "admit.simulate"),
        rows_of(admit, spec.candidates, "candidates", "admit.simulate"), rows_of(admit, spec.wishes, "wishes", "admit.simulate")))
    end
    local applied = {}
    if #policies > 0 then
      applied = apply_policies(prob, policies, candidate_rows(spec.candidates, spec, "admit.simulate"))
    end
    return prob:run(mode, spec.progress), applied
  end

  --- For admit.phase (api/phase.lua): the policies applied to an instance as admit.simulate
  -- applies them; returns {formation_id = policy name}.
  function admit._apply_policies(prob, policies, candidates, spec)
    local list = policy_list(policies)
    if #list == 0 then return {} end
    return apply_policies(prob, list, candidate_rows(candidates, spec or {}, "admit.phase"))
  end

  -- ------------------------------------------------------------ reports

  local kinds = { "techno", "pro", "boursier", "resident" }
  --- admit.unmet(r) -> the formations of simulation r whose minimums are not met: a list of
  -- {row = formations row, kind = "techno"|..., share =, min =, why =, needed =, applicants =}
  -- sorted by annex, académie, establishment, program, formation_id.
  function admit.unmet(r)
    local list = {}
    for _, row in ipairs(r:formations()) do
      for _, k in ipairs(kinds) do
        if row[k .. "_met"] == "no" then
          list[#list + 1] = { row = row, kind = k, share = row["share_" .. k] or 0,
            min = row["min_" .. k], why = row[k .. "_why"],
            needed = (row["min_" .. k] * row.admitted + 99) // 100,
            applicants = row["applicants_" .. k], elsewhere = row["elsewhere_" .. k] }
        end
      end
    end
    local function key(u)
      local r0 = u.row
      return table.concat({ r0.annex or "", r0.academie or "", r0.establishment or "",
        r0.program or "", r0.formation_id, u.kind }, "\0")
    end
    table.sort(list, function(a, b) return key(a) < key(b) end)
    return list
  end

  --- admit.simulation_report(r [, {title =, limit =, lang =}]) -> text: the totals, the
  -- minimum rates met or not (and why), totals per annex and académie, the formations that
  -- miss a minimum grouped by reason (at most limit of them, default 100). lang "en"
  -- (default) or "fr": the whole text is built in that language (French numbers: 97,3 %),
  -- its tables aligned by characters (Besançon is 8 wide).
  function admit.simulation_report(r, opts)
    opts = opts or {}
    local lang = opts.lang or "en"
    local function T(template, values) return i18n.t(template, values, lang) end
    local function pct(x, total) return i18n.percent(x, total, lang) end
    local function count(n, one, many) return i18n.count(n, one, many, lang) end
    local s = r.summary
    local out = {}
    local function say(text) out[#out + 1] = text end
    local function table_lines(rows, align)
      for _, line in ipairs(i18n.columns(rows, align, "  ")) do say(line) end
    end
    local kind_label = {
      techno = T("bac techno (IUT)"), pro = T("bac pro (BTS)"), boursier = T("boursiers (health)"),
      resident = T("résidents"),
    }
    if opts.title then say(opts.title) end
    say("  " .. table.concat({ count(s.candidates, "{n} candidate", "{n} candidates"),
      count(s.wishes, "{n} vœu", "{n} vœux"), count(s.formations, "{n} formation", "{n} formations"),
      count(s.seats, "{n} seat", "{n} seats") }, ", "))
    local rounds = count(s.rounds, "{n} round", "{n} rounds")
    say("  " .. (s.mode == "student" and T("{mode} mode (candidates propose): {rounds}", { mode = s.mode, rounds = rounds })
      or T("{mode} mode (formations offer seats down their ordre d'appel): {rounds}", { mode = s.mode, rounds = rounds })))
    say("  " .. T(s.with_wishes == 1
        and "1 candidate has a vœu among these formations; admitted {a} ({p} of them), {f} at their first choice"
        or "{n} candidates have a vœu among these formations; admitted {a} ({p} of them), {f} at their first choice",
      { n = s.with_wishes, a = s.admitted, p = pct(s.admitted, s.with_wishes), f = s.first_choice }))
    local bac = s.candidates_by_bac or {}
    say("  " .. T(s.unassigned == 1
        and "unassigned: 1 candidate has no seat among the simulated formations ({m} of them with no vœu here);"
        or "unassigned: {n} candidates have no seat among the simulated formations ({m} of them with no vœu here);",
      { n = s.unassigned, m = s.candidates - s.with_wishes }))
    say("    " .. T("not a seat lost: most bac général candidates ({n} here) also apply to formations not simulated (licences...)",
      { n = bac.general or 0 }))
    say("  " .. T("boursiers: {a} of {b} admitted ({p})",
      { a = s.boursiers_admitted, b = s.boursiers, p = pct(s.boursiers_admitted, s.boursiers) }))
    local rs, re = s.reserved_seats or {}, s.reserved_seats_empty or {}
    if (rs.techno or 0) + (rs.pro or 0) > 0 then
      say("  " .. T("reserved seats left empty: {a} of {b} (techno groups {c} of {d}, pro groups {e} of {f})",
        { a = (re.techno or 0) + (re.pro or 0), b = (rs.techno or 0) + (rs.pro or 0),
          c = re.techno or 0, d = rs.techno or 0, e = re.pro or 0, f = rs.pro or 0 }))
    end
    if s.observed then   -- a formations file from the open dataset: its admitted beside ours
      say("")
      local rows = { { T("Observed (open dataset)"), T("formations"), T("observed share"), T("simulated share") } }
      for _, k in ipairs { "techno", "pro", "boursier" } do
        local o = s.observed[k]
        if o.formations > 0 then
          rows[#rows + 1] = { "  " .. (k == "boursier" and T("boursiers") or T("bac " .. k)), o.formations,
            pct(o.observed, o.observed_admitted), pct(o.simulated, o.simulated_admitted) }
        end
      end
      for _, line in ipairs(i18n.columns(rows, { "l", "r", "r", "r" })) do say(line) end
    end
    say("")
    local rates = { { T("Minimum rates"), T("formations"), T("met"), T("not met"),
      T("(not enough applicants / placed elsewhere)") } }
    for _, k in ipairs(kinds) do
      local m = s.minimums[k]
      if m.formations > 0 then
        rates[#rates + 1] = { "  " .. kind_label[k], m.formations, m.met, m.not_met,
          string.format("(%d / %d)", m.not_enough_applicants, m.applicants_placed_elsewhere) }
      end
    end
    for _, line in ipairs(i18n.columns(rates, { "l", "r", "r", "r", "l" })) do say(line) end
    -- totals per annex and académie, from the formation rows (reserved seats from the group rows)
    local cells, annexes, academies = {}, {}, {}
    local function cell(row)
      local a, c = row.annex or "-", row.academie or "-"
      if not annexes[a] then annexes[a] = true; annexes[#annexes + 1] = a end
      if not academies[c] then academies[c] = true; academies[#academies + 1] = c end
      local key = a .. "\0" .. c
      local t = cells[key] or { formations = 0, seats = 0, admitted = 0, unmet = 0, reserved = 0, empty = 0 }
      cells[key] = t
      return t
    end
    local where = {}
    for _, row in ipairs(r:formations()) do
      if row.annex or row.academie then
        local t = cell(row)
        where[row.formation_id] = t
        t.formations, t.seats, t.admitted = t.formations + 1, t.seats + row.capacity, t.admitted + row.admitted
        for _, k in ipairs(kinds) do
          if row[k .. "_met"] == "no" then t.unmet = t.unmet + 1 break end
        end
      end
    end
    for _, row in ipairs(r:groups()) do
      local t = where[row.formation_id]
      if t and (row.group == "techno" or row.group == "pro") then
        t.reserved = t.reserved + row.capacity
        t.empty = t.empty + row.empty_seats
      end
    end
    if #annexes > 0 then
      table.sort(annexes)
      table.sort(academies)
      say("")
      say(T("Totals per annex and académie"))
      local rows = { { T("annex"), T("académie"), T("formations"), T("seats"), T("admitted"), T("fill"),
        T("minimum not met"), T("reserved seats empty") } }
      for _, a in ipairs(annexes) do
        for _, c in ipairs(academies) do
          local t = cells[a .. "\0" .. c]
          if t then
            rows[#rows + 1] = { a, c, t.formations, t.seats, t.admitted, pct(t.admitted, t.seats), t.unmet,
              t.reserved > 0 and T("{a} of {b}", { a = t.empty, b = t.reserved }) or "—" }
          end
        end
      end
      table_lines(rows, { "l", "l", "r", "r", "r", "r", "r", "r" })
    end
    local unmet = admit.unmet(r)
    local limit = opts.limit or 100
    say("")
    say(T("Formations whose minimum is not met: {n}", { n = #unmet }))
    -- grouped by reason: what an officer can act on differs (recruit applicants of the kind,
    -- or see why those who applied went elsewhere)
    local shown = 0
    for _, why in ipairs { "not enough applicants", "applicants placed elsewhere" } do
      local group = {}
      for _, u in ipairs(unmet) do if u.why == why then group[#group + 1] = u end end
      if #group > 0 and shown < limit then
        say("  " .. T("{why*} ({n}):", { why = why, n = #group }))
        for _, u in ipairs(group) do
          shown = shown + 1
          if shown > limit then break end
          local row = u.row
          local name = row.establishment and (row.establishment .. " — " .. (row.program or "")) or ""
          say("    " .. i18n.pad(row.formation_id, 8) .. " " .. name .. (row.commune and row.commune ~= ""
            and (" (" .. row.commune .. ")") or row.academie and (" (" .. row.academie .. ")") or ""))
          local values = { kind = T(u.kind), min = i18n.percent_text(u.min, lang), a = u.applicants,
            b = u.needed, c = u.elsewhere,
            share = admit._report.text.pct(row["admitted_" .. u.kind], row.admitted, lang, u.min) }
          say("             " .. T(u.elsewhere > 0
            and "{kind} {share} < {min}: {a} applied, {b} needed, {c} admitted to a vœu they prefer"
            or "{kind} {share} < {min}: {a} applied, {b} needed", values))
        end
      end
    end
    if shown > limit then
      say("  " .. T("... and {n} more (see report.html, or the sheet \"Minimums non atteints\" of results.xlsx)",
        { n = #unmet - limit }))
    end
    return table.concat(out, "\n") .. "\n"
  end
end
