--- Simulation (issue 5): admit.simulate, admit.annex_dir. The engine is C (l_simulate.c);
-- this file turns paths or loaded rows into an instance, applies policies, runs it.
return function(admit)
  --- Where the embedded 2023 annexes live (data/2023-hauts-de-france).
  function admit.annex_dir()
    return admit.data_dir .. "/2023-hauts-de-france"
  end

  -- A table of rows from a path (admit.read_csv) or the rows given.
  local function rows_of(what, name)
    if type(what) == "string" then
      local _, rows = admit.read_csv(what)
      if not rows then admit.fail(select(2, admit.read_csv(what))) end
      return rows
    end
    if type(what) ~= "table" and type(what) ~= "userdata" then
      error(string.format("admit.simulate: %s must be a CSV path or a list of rows, got %s",
        name, type(what)), 3)
    end
    return what
  end

  -- Numbers where a CSV gave numeric text (so that policies can compare grades), id kept.
  local function typed_row(row)
    local t = {}
    for k, v in pairs(row) do
      if k ~= "id" and k ~= "_line" and type(v) == "string" and v:match("^%s*%-?%d+%.?%d*%s*$") then
        t[k] = tonumber(v)
      elseif k ~= "_line" then
        t[k] = v
      end
    end
    return t
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
  local function apply_policies(prob, policies, candidate_rows)
    local applied = {}
    if #policies == 0 then return applied end
    local by_id = {}
    for i = 1, #candidate_rows do
      local row = candidate_rows[i]
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
      prob = admit.check(admit.sim_load(spec.formations, spec.candidates, spec.wishes))
    else
      prob = admit.check(admit.sim_build(rows_of(spec.formations, "formations"),
        rows_of(spec.candidates, "candidates"), rows_of(spec.wishes, "wishes")))
    end
    local applied = {}
    if #policies > 0 then
      applied = apply_policies(prob, policies, rows_of(spec.candidates, "candidates"))
    end
    return prob:run(mode, spec.progress), applied
  end
end
