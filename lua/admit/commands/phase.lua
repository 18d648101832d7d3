--- admit phase: the phase principale day by day (offers, answers, rang du dernier appelé).
local admit = require "admit"
local cli = require "admit.cli"

local usage = [[
usage: admit phase --formations F.csv --candidates C.csv --wishes W.csv --out DIR
                   [--days 37] [--overbooking PCT] [--seed N] [--behaviour ideal|model]
                   [--mode-params FILE.lua] [--trace] [--keep-columns]
                   [--columns FIELD=HEADER,...] [--academie NAME] [--explain] [-v]
  F.csv, C.csv, W.csv  as for `admit allocate`; F.csv may add the columns overbooking
         (percent), nb_recrutements (N, instead of the percent) and rang_limite
  --days N           days of the phase (2023: 37, 1 June to 7 July)
  --overbooking PCT  overbooking where F.csv has none: N = capacity × (100 + PCT) / 100
  --seed N           seed of the behaviour model's draws (default 1)
  --behaviour ideal  every candidate has the répondeur automatique from day 1 and answers
                     the same day, nobody leaves: the end equals `allocate --mode school`
  --behaviour model  the documented model of candidates' answers (default)
  --mode-params FILE.lua  a Lua file returning behaviour parameters
                     (e.g. return { ra_share = 0.3, leave_daily = 0.001 })
  --trace            also write candidates_days.csv (every state change of every vœu)
  --columns, --academie, --explain, -v, --keep-columns  as for `admit allocate`
Writes DIR/assignments.csv, formations.csv, summary.json, results.xlsx (the end of the
phase, as allocate does), days.csv (per day and group) [, candidates_days.csv].]]

-- The parameters of FILE.lua: a chunk with no access to anything, returning a table.
local function mode_params(path)
  local chunk, err = loadfile(path, "t", {})
  if not chunk then admit.fail("--mode-params: " .. err) end
  local ok, t = pcall(chunk)
  if not ok then admit.fail("--mode-params: " .. tostring(t), 1) end
  if type(t) ~= "table" then
    admit.fail("--mode-params: " .. path .. " must return a table of behaviour parameters, got " .. type(t))
  end
  return t
end

local function integer_option(opts, name, lo, hi)
  local v = opts[name]
  if v == nil then return nil end
  local n = math.tointeger(tonumber(v))
  if not n or n < lo or n > hi then
    admit.fail(string.format("--%s: '%s' is not a whole number between %d and %d\n%s", name, v, lo, hi, usage))
  end
  return n
end

return {
  summary = "the phase principale day by day: offers, answers, overbooking",
  usage = usage,
  run = function(args)
    local opts, rest = cli.parse(args, {
      ["--formations"] = "value", ["--candidates"] = "value", ["--wishes"] = "value",
      ["--out"] = "value", ["--days"] = "value", ["--overbooking"] = "value", ["--seed"] = "value",
      ["--behaviour"] = "value", ["--mode-params"] = "value", ["--trace"] = "flag",
      -- the loader options of allocate, read the same way
      ["--columns"] = "value", ["--academie"] = "value", ["--explain"] = "flag", ["-v"] = "flag",
      ["--verbose"] = "flag", ["--keep-columns"] = "flag",
    }, usage)
    if #rest > 0 then admit.fail("unexpected argument '" .. rest[1] .. "'\n" .. usage) end
    for _, k in ipairs { "formations", "candidates", "wishes", "out" } do
      if not opts[k] then admit.fail("--" .. k .. " is required\n" .. usage) end
    end
    local days = integer_option(opts, "days", 1, 366)
    local overbooking = integer_option(opts, "overbooking", 0, 1000)
    local seed = integer_option(opts, "seed", 0, math.maxinteger)
    local behaviour = opts.behaviour or "model"
    if behaviour ~= "ideal" and behaviour ~= "model" then
      admit.fail("--behaviour: '" .. behaviour .. "' is not ideal or model\n" .. usage)
    end
    admit.check(admit.check_output_dir(opts.out, { opts.formations, opts.candidates, opts.wishes }))
    if opts.mode_params then
      local t = mode_params(opts.mode_params)
      if t.preset == nil then t.preset = behaviour end
      behaviour = t
    end
    local ok, r = pcall(admit.phase, { formations = opts.formations, candidates = opts.candidates,
      wishes = opts.wishes, days = days, overbooking = overbooking, seed = seed,
      behaviour = behaviour, trace = opts.trace, columns = opts.columns, academie = opts.academie,
      explain = opts.explain, verbose = opts.v or opts.verbose, keep_columns = opts.keep_columns })
    if not ok then
      if type(r) == "string" and opts.mode_params then admit.fail(r, 1) end
      error(r, 0)
    end
    admit.check(r:write(opts.out))
    local d = r:days()
    local last = d[#d]
    local e = r:ending()
    io.stderr:write(string.format(
      "admit phase: %d days, %s behaviour: %d of %d candidates with an accepted offer, %d received one; "
      .. "%d formations filled, %d overfilled, %d underfilled; results in %s\n",
      #d, r._ph.behaviour, last and last.candidates_with_accepted_offer or 0, r.summary.candidates,
      last and last.received_an_offer or 0, e.filled, e.overfilled, e.underfilled, opts.out))
    return 0
  end,
}
