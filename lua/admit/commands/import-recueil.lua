--- admit import-recueil SOURCE.txt --out DIR: the three annex CSV files (+ anomalies.csv,
-- SOURCE.md) from a recueil des actes administratifs text. The C importer finds decrees and
-- annexes by their headings; this command reports the figures and the source's defects.
local admit = require "admit"
local cli = require "admit.cli"
local i18n = require "admit.i18n"

local usage = [[
usage: admit import-recueil SOURCE.txt --out DIR
Reads a recueil des actes administratifs (text extraction of the decrees fixing the
minimum rates) and writes, all or nothing, into DIR:
  iut-techno.csv       minimum % of bacheliers technologiques in IUT (BUT)
  bts-pro.csv          minimum % of bacheliers professionnels in BTS
  sante-boursiers.csv  minimum % of boursiers de lycée in health programmes
  anomalies.csv        the source's defects (cut labels, keys repeated with another
                       rate, homonymous establishments), also reported on stderr
  SOURCE.md            decree numbers and dates, source file name and SHA-256
Labels are kept exactly as in the source (trimmed); nothing is corrected.
Errors name SOURCE:line:column; exit status 2.]]

--- The defects, grouped for reading: one line per cut label (with its lines), then each
-- repeated key and each homonym.
local function report_anomalies(source, anomalies)
  local cut_order, cut_lines = {}, {}
  local out = {}
  for _, a in ipairs(anomalies) do
    if a.anomaly == "cut-label" then
      if not cut_lines[a.program] then
        cut_order[#cut_order + 1] = a.program
        cut_lines[a.program] = { detail = a.detail:gsub("^label ends in the middle of a word: ", "") }
      end
      table.insert(cut_lines[a.program], a.line)
    end
  end
  for _, label in ipairs(cut_order) do
    local c = cut_lines[label]
    out[#out + 1] = string.format("%s:%d: cut label \"%s\" (%s), %d row%s: lines %s",
      source, c[1], label, c.detail, #c, #c == 1 and "" or "s", table.concat(c, ", "))
  end
  for _, a in ipairs(anomalies) do
    if a.anomaly == "duplicate-key" then
      out[#out + 1] = string.format("%s:%d: key repeated: \"%s\": %s", source, a.line, a.program, a.detail)
    end
  end
  for _, a in ipairs(anomalies) do
    if a.anomaly == "homonym" then
      out[#out + 1] = string.format("%s:%d: homonymous establishments: %s", source, a.line, a.detail)
    end
  end
  return out
end

return {
  summary = "import the decrees' annexes from a recueil text into CSV files",
  usage = usage,
  run = function(args)
    local opts, pos = cli.parse(args, { ["--out"] = "value" }, usage)
    if #pos ~= 1 or not opts.out then
      admit.fail("import-recueil needs SOURCE.txt and --out DIR\n" .. usage)
    end
    admit.check(admit.check_output_dir(opts.out, { pos[1] }))
    local summary = admit.check(admit.import_recueil(pos[1], opts.out))
    local r = summary.rows
    io.stdout:write(i18n.format(
      "%d rows written to %s: techno %d + %d, pro %d + %d, boursier %d + %d (Lille + Amiens)",
      summary.total, opts.out, r.techno.Lille, r.techno.Amiens, r.pro.Lille, r.pro.Amiens,
      r.boursier.Lille, r.boursier.Amiens), "\n")
    local lines = report_anomalies(pos[1], summary.anomalies)
    for _, l in ipairs(lines) do io.stderr:write(i18n.tr(l), "\n") end
    io.stderr:write(i18n.format("%d anomalies of the source listed in %s/anomalies.csv "
      .. "(carried over, not corrected)", #summary.anomalies, opts.out), "\n")
    return 0
  end,
}
