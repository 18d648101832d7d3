--- admit allocate: deferred-acceptance seat allocation with the minimum rates, and its audit.
local admit = require "admit"
local cli = require "admit.cli"
local i18n = require "admit.i18n"

local usage = [[
usage: admit allocate --formations F.csv --candidates C.csv --wishes W.csv --out DIR
                      [--mode student|school] [--csv rfc4180|excel] [--quiet] [--keep-columns]
                      [--columns FIELD=HEADER,...] [--academie NAME] [--explain] [-v]
  F.csv  formation_id,capacity,min_techno,min_pro,min_boursier,min_resident (+ more columns);
         a missing min_* column means 0 (no minimum) for every formation
         or a file in the layout of the Parcoursup open dataset (cod_aff_form, capa_fin,
         acad_mies, g_ea_lib_vx, ville_etab, nb_voe_pp_*, acc_*): observed figures are then
         compared with the simulation in formations.csv and summary.json
  C.csv  id,bac,boursier,resident (+ more columns); bac général, technologique,
         professionnel (or general/techno/pro, 'Bac technologique STMG', a série code)
  W.csv  candidate_id,formation_id,preference,rank (1 = favourite / best ranked)
  Columns may have their French names ("N° dossier", "Type de bac", "Capacité"...,
  SCRIPTING.md §3 "Column names"); flags 1/0, oui/non, o/n, vrai/faux, true/false, x/empty.
  --columns MAP    which header holds which field, e.g. id=Numéro,capacity=Places
                   (formations.capacity=... for one file only)
  --academie NAME  résident = lives in académie NAME (an "Académie de résidence" column)
  --keep-columns   assignments.csv also gets the candidate's own columns
  --explain        say on standard error how each file was read; -v: one line per file
  --mode student   candidates propose: the candidate-optimal stable assignment (default)
  --mode school    formations offer seats down their ordre d'appel, candidates keep their
                   best offer: the formation-optimal stable assignment
  --csv excel      write the CSV files for a French Excel (UTF-8 with BOM, ';', decimal
                   comma, CRLF); default rfc4180 (UTF-8, ',', '.', LF)
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
      ["--out"] = "value", ["--mode"] = "value", ["--quiet"] = "flag", ["--keep-columns"] = "flag",
      ["--columns"] = "value", ["--academie"] = "value", ["--explain"] = "flag", ["-v"] = "flag",
      ["--verbose"] = "flag", ["--csv"] = "value",
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
    local inputs = { formations = opts.formations, candidates = opts.candidates, wishes = opts.wishes }
    local r = admit.simulate { formations = opts.formations, candidates = opts.candidates,
                               wishes = opts.wishes, mode = mode, progress = not opts.quiet,
                               columns = opts.columns, academie = opts.academie,
                               explain = opts.explain, verbose = opts.v or opts.verbose,
                               keep_columns = opts.keep_columns }
    local provenance = admit.provenance { inputs = inputs, mode = mode,
      command = "admit allocate " .. table.concat(args, " ") }
    admit.check(admit.write_results(r, opts.out, { provenance = provenance, lang = admit.report_lang,
                                                    csv = csv }))
    if not opts.quiet then
      io.stdout:write(admit.simulation_report(r, { lang = i18n.lang(),
        title = i18n.t("admit allocate ({mode} mode)", { mode = mode }) }), "\n")
    end
    io.stdout:write(i18n.tr(admit.results_line(opts.out)), "\n")
    return 0
  end,
}
