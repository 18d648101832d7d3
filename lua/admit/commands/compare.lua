--- admit compare: the same cohort simulated without and with policies, formation by formation.
local admit = require "admit"
local cli = require "admit.cli"
local i18n = require "admit.i18n"

local usage = [[
usage: admit compare --out DIR [--formations F.csv --candidates C.csv --wishes W.csv]
                     [--policies DIR] [--policy NAME ...] [--mode student|school]
                     [--seed N] [--candidates-count N] [--quiet]
Simulates the cohort without and with the policies and writes into DIR (whole, or left as it
was on any error):
  report.html       opens on every legal minimum a policy makes go from met to not met,
                    then the minimums met before → after, then the full report of the run
                    with the policies
  comparison.csv    one row per formation: admitted and shares before / after, minimums
                    met before / after, and `change` (minimum lost, minimum gained, changed,
                    unchanged); comparison.xlsx the same with the lost minimums first;
                    comparison.json what the report shows of it
  and the results of the run with the policies (results.xlsx, formations.csv, ...).
  --formations, --candidates, --wishes   the cohort (the formats of admit allocate);
                    without them: make run's synthetic cohort (the 2023 Hauts-de-France
                    formations, seed 2023, 40000 candidates; --seed and --candidates-count
                    change it)
  --policies DIR    the policy files (default: scripts/policies of the installation)
  --policy NAME     only the policy file NAME.lua (repeatable; default: every file of DIR)
  --quiet           print only the last line (where the results are)]]

local function whole(option, v, min, max)
  local n = v:match("^%d+$") and math.tointeger(tonumber(v))
  if not n or n < min or n > max then
    admit.fail(string.format("%s: '%s' is not a whole number between %d and %d\n%s", option, v, min, max, usage))
  end
  return n
end

return {
  summary = "compare the allocation without and with policies (report.html, comparison.csv)",
  usage = usage,
  run = function(args)
    -- --policy may repeat: collect it before the common parser
    local names, rest_args = {}, {}
    local i = 1
    while i <= #args do
      local a = args[i]
      local inline = a:match("^%-%-policy=(.*)$")
      if inline then names[#names + 1] = inline
      elseif a == "--policy" then
        if args[i + 1] == nil then admit.fail("option --policy needs a value\n" .. usage) end
        names[#names + 1] = args[i + 1]
        i = i + 1
      else rest_args[#rest_args + 1] = a end
      i = i + 1
    end
    local opts, rest = cli.parse(rest_args, {
      ["--formations"] = "value", ["--candidates"] = "value", ["--wishes"] = "value",
      ["--out"] = "value", ["--mode"] = "value", ["--policies"] = "value", ["--seed"] = "value",
      ["--candidates-count"] = "value", ["--quiet"] = "flag",
    }, usage)
    if #rest > 0 then admit.fail("unexpected argument '" .. rest[1] .. "'\n" .. usage) end
    if not opts.out then admit.fail("--out is required\n" .. usage) end
    local given = (opts.formations and 1 or 0) + (opts.candidates and 1 or 0) + (opts.wishes and 1 or 0)
    if given ~= 0 and given ~= 3 then
      admit.fail("--formations, --candidates and --wishes go together (or none: make run's cohort)\n" .. usage)
    end
    if given == 3 and (opts.seed or opts.candidates_count) then
      admit.fail("--seed and --candidates-count make a cohort: not with --formations, --candidates, --wishes\n" .. usage)
    end
    local mode = opts.mode or "student"
    if mode ~= "student" and mode ~= "school" then
      admit.fail("--mode: '" .. mode .. "' is not student or school\n" .. usage)
    end
    local seed = opts.seed and whole("--seed", opts.seed, 0, math.maxinteger) or 2023
    local count = opts.candidates_count and whole("--candidates-count", opts.candidates_count, 1, 1000000) or 40000
    admit.check(admit.check_output_dir(opts.out, { opts.formations, opts.candidates, opts.wishes }))
    local policies, policy_names = admit.load_policies(opts.policies, names)

    local work
    local inputs = { formations = opts.formations, candidates = opts.candidates, wishes = opts.wishes }
    if given == 0 then  -- make run's cohort, in a temporary folder removed on the way out
      work = admit.tmpdir()
      local cohort = work .. "/cohort"
      local ok, err = pcall(function()
        admit.check(admit.generate { out = cohort, seed = seed, candidates = count, annex_dir = admit.annex_dir() })
      end)
      if not ok then admit.remove_tree(work) error(err, 0) end
      inputs = { formations = cohort .. "/formations.csv", candidates = cohort .. "/candidates.csv",
                 wishes = cohort .. "/wishes.csv" }
    end
    local ok, err = pcall(function()
      local c, _, after = admit.compare { formations = inputs.formations, candidates = inputs.candidates,
        wishes = inputs.wishes, policies = policies, mode = mode, progress = not opts.quiet }
      local provenance = admit.provenance { inputs = inputs, mode = mode, policies = policy_names,
        seed = given == 0 and seed or nil, command = "admit compare " .. table.concat(args, " "),
        title = given == 0 and string.format("2023 Hauts-de-France formations, synthetic cohort (seed %d, %d candidates)",
          seed, count) or nil }
      if given == 0 then
        for _, p in ipairs(provenance.inputs) do p.path = "(generated) " .. p.path:match("[^/]+$") end
      end
      admit.check(admit.write_comparison(c, after, opts.out, { provenance = provenance, lang = admit.report_lang }))
      if not opts.quiet then
        local function plural(n, one, many) return i18n.count(n, one, many) end
        io.stdout:write(i18n.t("admit compare: {files} ({names}), {policies} applied to {formations}", {
          files = plural(#policy_names, "{n} policy file", "{n} policy files"), names = table.concat(policy_names, ", "),
          policies = plural(#policies, "{n} policy", "{n} policies"),
          formations = plural(c.applied, "{n} formation", "{n} formations") }), "\n\n")
        io.stdout:write(admit.comparison_text(c, { lang = i18n.lang() }), "\n")
      end
      io.stdout:write(i18n.tr(admit.results_line(opts.out)), "\n")
    end)
    if work then admit.remove_tree(work) end
    if not ok then error(err, 0) end
    return 0
  end,
}
