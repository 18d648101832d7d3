--- admit allocate: deferred-acceptance seat allocation with the minimum rates, and its audit.
local admit = require "admit"
local cli = require "admit.cli"
local i18n = require "admit.i18n"

local usage = [[
usage: admit allocate --formations F.csv --candidates C.csv --wishes W.csv --out DIR
                      [--mode student|school] [--csv rfc4180|excel]
  F.csv  formation_id,capacity,min_techno,min_pro,min_boursier,min_resident (+ more columns);
         a missing min_* column means 0 (no minimum) for every formation
  C.csv  id,bac,boursier,resident (+ more columns); bac general, techno or pro
  W.csv  candidate_id,formation_id,preference,rank (1 = favourite / best ranked)
  --mode student   candidates propose: the candidate-optimal stable assignment (default)
  --mode school    formations offer seats down their ordre d'appel, candidates keep their
                   best offer: the formation-optimal stable assignment
  --csv excel      write the CSV files for a French Excel (UTF-8 with BOM, ';', decimal
                   comma, CRLF); default rfc4180 (UTF-8, ',', '.', LF)
Writes DIR/assignments.csv, DIR/formations.csv, DIR/summary.json and DIR/results.xlsx
(DIR appears whole, or is left as it was on any error).]]

return {
  summary = "allocate seats (deferred acceptance) and audit the minimum rates",
  usage = usage,
  run = function(args)
    local opts, rest = cli.parse(args, {
      ["--formations"] = "value", ["--candidates"] = "value", ["--wishes"] = "value",
      ["--out"] = "value", ["--mode"] = "value", ["--csv"] = "value",
    }, usage)
    if #rest > 0 then admit.fail("unexpected argument '" .. rest[1] .. "'\n" .. usage) end
    for _, k in ipairs { "formations", "candidates", "wishes", "out" } do
      if not opts[k] then admit.fail("--" .. k .. " is required\n" .. usage) end
    end
    local mode = opts.mode or "student"
    if mode ~= "student" and mode ~= "school" then
      admit.fail("--mode: '" .. mode .. "' is not student or school\n" .. usage)
    end
    local csv = opts.csv or "rfc4180"
    if csv ~= "rfc4180" and csv ~= "excel" then
      admit.fail("--csv: '" .. csv .. "' is not rfc4180 or excel\n" .. usage)
    end
    admit.check(admit.check_output_dir(opts.out, { opts.formations, opts.candidates, opts.wishes }))
    local r = admit.simulate { formations = opts.formations, candidates = opts.candidates,
                               wishes = opts.wishes, mode = mode, progress = true }
    admit.check(r:write(opts.out, { csv = csv }))
    local s = r.summary
    io.stderr:write(i18n.format(
      "admit allocate: %s mode, %d round%s: %d of %d candidates admitted; results in %s",
      s.mode, s.rounds, s.rounds == 1 and "" or "s", s.admitted, s.candidates, opts.out), "\n")
    return 0
  end,
}
