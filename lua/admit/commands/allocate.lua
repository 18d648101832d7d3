--- admit allocate: deferred-acceptance seat allocation with the minimum rates, and its audit.
local admit = require "admit"
local cli = require "admit.cli"

local usage = [[
usage: admit allocate --formations F.csv --candidates C.csv --wishes W.csv --out DIR
                      [--mode student|school] [--quiet]
  F.csv  formation_id,capacity,min_techno,min_pro,min_boursier,min_resident (+ more columns);
         a missing min_* column means 0 (no minimum) for every formation
  C.csv  id,bac,boursier,resident (+ more columns); bac general, techno or pro
  W.csv  candidate_id,formation_id,preference,rank (1 = favourite / best ranked)
  --mode student   candidates propose: the candidate-optimal stable assignment (default)
  --mode school    formations offer seats down their ordre d'appel, candidates keep their
                   best offer: the formation-optimal stable assignment
  --quiet          print only the last line (where the results are)
Writes DIR/report.html (open it in a browser), DIR/results.xlsx, DIR/formations.csv,
DIR/groups.csv, DIR/assignments.csv, DIR/summary.json and DIR/provenance.json
(DIR appears whole, or is left as it was on any error).]]

return {
  summary = "allocate seats (deferred acceptance) and audit the minimum rates",
  usage = usage,
  run = function(args)
    local opts, rest = cli.parse(args, {
      ["--formations"] = "value", ["--candidates"] = "value", ["--wishes"] = "value",
      ["--out"] = "value", ["--mode"] = "value", ["--quiet"] = "flag",
    }, usage)
    if #rest > 0 then admit.fail("unexpected argument '" .. rest[1] .. "'\n" .. usage) end
    for _, k in ipairs { "formations", "candidates", "wishes", "out" } do
      if not opts[k] then admit.fail("--" .. k .. " is required\n" .. usage) end
    end
    local mode = opts.mode or "student"
    if mode ~= "student" and mode ~= "school" then
      admit.fail("--mode: '" .. mode .. "' is not student or school\n" .. usage)
    end
    admit.check(admit.check_output_dir(opts.out, { opts.formations, opts.candidates, opts.wishes }))
    local inputs = { formations = opts.formations, candidates = opts.candidates, wishes = opts.wishes }
    local r = admit.simulate { formations = opts.formations, candidates = opts.candidates,
                               wishes = opts.wishes, mode = mode, progress = not opts.quiet }
    local provenance = admit.provenance { inputs = inputs, mode = mode,
      command = "admit allocate " .. table.concat(args, " ") }
    admit.check(admit.write_results(r, opts.out, { provenance = provenance, lang = admit.report_lang }))
    if not opts.quiet then
      io.stdout:write(admit.simulation_report(r, { title = string.format("admit allocate (%s mode)", mode) }), "\n")
    end
    io.stdout:write(admit.results_line(opts.out), "\n")
    return 0
  end,
}
