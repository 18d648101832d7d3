--- admit callorder: the official ordre d'appel of one ranking group, CSV in, CSV out.
-- The whole path (parse, compute, format) is C (core.callorder_cli); this file only reads
-- the options and turns a bad one into a clear message.
local admit = require "admit"
local cli = require "admit.cli"

local usage = [[
usage: admit callorder [--min-boursiers PCT] [--min-residents PCT] [--allow-ties]
                       [--keep-columns] [--columns FIELD=HEADER,...] [--academie NAME]
                       [--explain] [-v] [FILE | -]

Reads a classement pédagogique as CSV with the columns id,rank,boursier,resident (any
order, extra columns allowed; French names too: "N° dossier", "Classement", "Boursier",
"Résident"... see SCRIPTING.md §3 "Column names"; rank a positive integer, 1 = best;
flags 1/0, oui/non, o/n, vrai/faux, true/false, x or empty) from FILE or standard input,
and writes the ordre d'appel Parcoursup computes to standard output: the header
id,call_rank then one line per candidate in call order.

  --min-boursiers PCT  minimum rate of boursiers, an integer 0..100 (default 0)
  --min-residents PCT  minimum rate of résidents, an integer 0..100 (default 0)
  --allow-ties         accept equal ranks: they are then called by category (boursier
                       résident, boursier, résident, other) then in file order
  --keep-columns       write the input's other columns after id,call_rank
  --columns MAP        which header holds which field, e.g. id=Numéro,rank=Classement
  --academie NAME      résident = lives in académie NAME (for a file with an
                       "Académie de résidence" column instead of a résident one)
  --explain            say on standard error how the file was read (encoding, separator,
                       which column became which field, rows read and skipped)
  -v                   the same in one line
Bad input: a message naming the line on standard error, exit status 2, nothing on
standard output.]]

local spec = { ["--min-boursiers"] = "value", ["--min-residents"] = "value", ["--allow-ties"] = "flag",
               ["--keep-columns"] = "flag", ["--columns"] = "value", ["--academie"] = "value",
               ["--explain"] = "flag", ["-v"] = "flag", ["--verbose"] = "flag" }

local function rate(opts, key, option)
  local text = opts[key]
  if text == nil then return 0 end
  local v = tonumber(text)
  if not text:match("^%s*%d+%s*$") or not v or v > 100 then
    admit.fail(string.format("%s: the rate must be an integer from 0 to 100, got '%s'", option, text))
  end
  return math.tointeger(v)
end

return {
  summary = "the ordre d'appel of a ranking (CSV id,rank,boursier,resident → id,call_rank)",
  usage = usage,
  run = function(args)
    local opts, files = cli.parse(args, spec, usage)
    if #files > 1 then
      admit.fail("callorder reads one file (or - for standard input), got " .. #files .. "\n" .. usage)
    end
    local qb = rate(opts, "min_boursiers", "--min-boursiers")
    local qr = rate(opts, "min_residents", "--min-residents")
    admit.check(admit.callorder_cli(files[1] or "-", qb, qr, opts.allow_ties or false, {
      keep_columns = opts.keep_columns, columns = opts.columns, academie = opts.academie,
      explain = opts.explain, verbose = opts.v or opts.verbose }))
    return 0
  end,
}
