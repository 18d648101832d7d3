--- The phase principale day by day (issue 12): admit.phase. The engine is C (phase.c,
-- l_phase.c); this file builds the instance as admit.simulate does (policies included),
-- reads the formations' overbooking / nb_recrutements / rang_limite columns, and wraps the
-- result so that it has the accessors of a simulation plus r:days().
local report_html = require "admit.report.html"
local report_phase = require "admit.report.phase"
report_html.add_section({ id = "phase", build = report_phase.build }, "minimums")

local rows_of = require "admit.rows"

return function(admit)

  -- Column position of name in the header of path (for file:line:col messages): its
  -- column in the file, columns with no name counted (header.column_in_file).
  local function column_of(header, name)
    for i, h in ipairs(header or {}) do
      if h == name then return header.column_in_file and header.column_in_file[i] or i end
    end
    return 0
  end

  -- An optional non-negative integer field; nil when empty.
  local function count_field(row, key, where, max)
    local v = row[key]
    if v == nil or v == "" then return nil end
    local n = tonumber(v)
    if not n or n ~= math.floor(n) or n < 0 or n > max then
      admit.fail(string.format("%s: %s '%s' is not a whole number between 0 and %d", where(key), key,
        tostring(v), max))
    end
    return math.tointeger(n)
  end

  -- Per formation index of prob: overbooking, nb_recrutements, rang_limite (lists with holes).
  local function formation_params(spec, prob)
    local header, rows
    if type(spec.formations) == "string" then
      header, rows = admit.read_csv(spec.formations)
      if not header then admit.fail(rows) end
    else
      rows = spec.formations
    end
    -- the column the loader read formation_id from: its own name, else an alias
    -- ("Code formation", cod_aff_form...), so that an officer's file keeps its columns
    -- (or the header a {columns = ...} / --columns mapping gives it)
    local id_key = "formation_id"
    if header and (spec.columns ~= nil or column_of(header, id_key) == 0) then
      for _, h in ipairs(header) do
        if admit.names_column(h, "formation_id", spec.columns, "formations") then id_key = h; break end
      end
    end
    local index = {}
    for i = 1, #prob do index[prob:formation(i).formation_id] = i end
    local ob, nb, rl = {}, {}, {}
    for k = 1, #rows do
      local row = rows[k]
      local function where(key)
        if header then
          return string.format("%s:%d:%d", spec.formations, row._line or k + 1, column_of(header, key))
        end
        return string.format("formations[%d]", k)
      end
      local i = index[tostring(row[id_key])]
      if i then
        ob[i] = count_field(row, "overbooking", where, 1000)
        rl[i] = count_field(row, "rang_limite", where, 2147483647)
        local n = count_field(row, "nb_recrutements", where, 100000000)
        if n then
          local cap = prob:formation(i).capacity
          if n < cap then
            admit.fail(string.format("%s: nb_recrutements %d is below the capacity %d of formation '%s'"
              .. " (N counts the seats plus the overbooking)", where("nb_recrutements"), n, cap,
              tostring(row.formation_id)))
          end
          nb[i] = n
        end
      end
    end
    return ob, nb, rl
  end

  local Phase = {}
  local phase_methods = {}
  function phase_methods.days(self) return self._ph:days() end
  function phase_methods.groups(self, day) return self._ph:groups(day) end
  function phase_methods.ending(self) return self._ph:ending() end
  function phase_methods.states(self) return self._ph:states() end
  function phase_methods.events(self) return self._ph:events() end
  -- The data of report.html: the simulation's, plus the day totals and, for the groups
  -- with the most applicants, the rang du dernier appelé on a few days.
  local RANG_GROUPS = 12
  local function report_data(self)
    local data = admit.result_data(self._sim, admit.provenance {})
    local days = self._ph:days()
    local last = self._ph:groups()
    table.sort(last, function(a, b)
      local na, nb = a.waiting + a.holders + a.refused, b.waiting + b.holders + b.refused
      if na ~= nb then return na > nb end
      return a.formation_id .. a.group < b.formation_id .. b.group
    end)
    local rang_days = {}
    for _, d in ipairs { 1, 2, 3, 4, 5, 10, 15, 20, 30, 34, 37 } do
      if d <= #days then rang_days[#rang_days + 1] = d end
    end
    if #days > 0 and rang_days[#rang_days] ~= #days then rang_days[#rang_days + 1] = #days end
    local rangs, index = {}, {}
    for i = 1, math.min(RANG_GROUPS, #last) do
      rangs[i] = { formation_id = last[i].formation_id, group = last[i].group, n = last[i].n, by_day = {} }
      index[last[i].formation_id .. "\0" .. last[i].group] = rangs[i]
    end
    for _, d in ipairs(rang_days) do
      for _, g in ipairs(self._ph:groups(d)) do
        local r = index[g.formation_id .. "\0" .. g.group]
        if r then r.by_day[#r.by_day + 1] = g.rang_dernier_appele end
      end
    end
    data.phase = { days = days, rangs = rangs, rang_days = rang_days }
    return data
  end

  --- r:write(dir [, {lang =}]): every output, report.html with the phase's section included.
  function phase_methods.write(self, dir, opts)
    local lang = opts and opts.lang or admit.report_lang or "fr"
    return self._ph:write(dir, { ["report.html"] = admit.report_html(report_data(self), { lang = lang }) })
  end
  function phase_methods.report_data(self) return report_data(self) end
  Phase.__index = function(self, k)
    local m = phase_methods[k]
    if m then return m end
    local sim = rawget(self, "_sim")
    local v = sim[k]
    if type(v) == "function" then return function(_, ...) return v(sim, ...) end end
    return v
  end
  Phase.__len = function(self) return #rawget(self, "_sim") end
  Phase.__tostring = function(self) return tostring(rawget(self, "_ph")) end
  Phase.__name = "admit.phase"

  local known = {
    formations = true, candidates = true, wishes = true, days = true, overbooking = true,
    behaviour = true, seed = true, on_day = true, policies = true, trace = true, progress = true,
    -- the loader options of admit.simulate (SCRIPTING.md §3 "Column names")
    columns = true, academie = true, explain = true, verbose = true, keep_columns = true,
  }

  --- admit.phase{formations=, candidates=, wishes=, days=37, overbooking=0, behaviour=,
  -- seed=, on_day=, policies=, trace=} -> phase result (accessors of a simulation, plus
  -- r:days(), r:groups([day]), r:ending(), r:states(), r:events()), applied policies.
  function admit.phase(spec)
    if type(spec) ~= "table" then
      error("admit.phase: expects a table {formations=, candidates=, wishes=, ...}", 2)
    end
    for k in pairs(spec) do
      if not known[k] then
        local names = {}
        for n in pairs(known) do names[#names + 1] = n end
        table.sort(names)
        local near = type(k) == "string" and admit.suggest(k, names)
        error(string.format("admit.phase: unknown field '%s'; fields: %s%s", tostring(k), table.concat(names, ", "),
          near and string.format("; did you mean '%s'?", near) or ""), 2)
      end
    end
    for _, k in ipairs { "formations", "candidates", "wishes" } do
      if spec[k] == nil then error("admit.phase: " .. k .. " is missing", 2) end
    end
    local prob
    if type(spec.formations) == "string" and type(spec.candidates) == "string"
      and type(spec.wishes) == "string" then
      prob = admit.check(admit.sim_load(spec.formations, spec.candidates, spec.wishes, {
        columns = spec.columns, academie = spec.academie, explain = spec.explain,
        verbose = spec.verbose, keep_columns = spec.keep_columns }))
    else
      prob = admit.check(admit.sim_build(rows_of(admit, spec.formations, "formations", "admit.phase"),
        rows_of(admit, spec.candidates, "candidates", "admit.phase"), rows_of(admit, spec.wishes, "wishes", "admit.phase")))
    end
    local applied = {}
    if spec.policies ~= nil then applied = admit._apply_policies(prob, spec.policies, spec.candidates, spec) end
    local ob, nb, rl = formation_params(spec, prob)
    if spec.days ~= nil and math.type(spec.days) ~= "integer" then
      error("admit.phase: days must be an integer, got " .. tostring(spec.days), 2)
    end
    if spec.overbooking ~= nil and math.type(spec.overbooking) ~= "integer" then
      error("admit.phase: overbooking must be a whole percent, got " .. tostring(spec.overbooking), 2)
    end
    local ph = admit.phase_run(prob, {
      days = spec.days, seed = spec.seed, overbooking = spec.overbooking, behaviour = spec.behaviour,
      trace = spec.trace, on_day = spec.on_day,
      overbooking_of = next(ob) and ob or nil, recrutements_of = next(nb) and nb or nil,
      rang_limite_of = next(rl) and rl or nil,
    })
    return setmetatable({ _ph = ph, _sim = ph.result }, Phase), applied
  end
end
