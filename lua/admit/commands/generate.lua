--- admit generate: a synthetic, seeded cohort in the three files of `admit allocate`.
local admit = require "admit"
local cli = require "admit.cli"
local i18n = require "admit.i18n"

local usage = [[
usage: admit generate --out DIR [--seed N] [--candidates N] [--formations annexes|N|FILE]
                      [--max-wishes N] [--annexes DIR] [--columns MAP] [--explain]
Writes DIR/formations.csv, DIR/candidates.csv and DIR/wishes.csv: a synthetic but plausible
Parcoursup cohort (calibrated on the published 2023 figures; see SCRIPTING.md §5).
  --out DIR           output directory (replaced whole, only once everything is written)
  --seed N            seed of the generator (default 1): same seed, same bytes
  --candidates N      number of candidates (default 40000)
  --formations WHAT   'annexes' (default): the formations of the 2023 Hauts-de-France annexes
                      with their minimum rates and synthetic capacities; or N synthetic
                      formations across 30 académies (benchmarks); or a formations
                      FILE, e.g. in the layout of the Parcoursup open dataset (cod_aff_form,
                      capa_fin, acad_mies, nb_voe_pp_bg...): its formations, each one's demand
                      by bac and boursier calibrated on its own row
  --columns MAP       which header of that FILE holds which field (capacity=Places...)
  --explain           say on standard error how that FILE was read
  --max-wishes N      at most N vœux per candidate (default 30, 1 to 255)
  --annexes DIR       where the annex files are (default: the embedded 2023 data)]]

local function count(opts, key, name, min, max)
  local v = opts[key]
  if v == nil then return nil end
  local n = math.tointeger(tonumber(v))
  if not n or n < min or (max and n > max) or not tostring(v):match("^%d+$") then
    admit.fail(string.format("%s: '%s' is not a whole number%s\n%s", name, v,
      max and string.format(" between %d and %d", min, max) or string.format(" of at least %d", min), usage))
  end
  return n
end

return {
  summary = "generate a synthetic seeded cohort (formations, candidates, vœux)",
  usage = usage,
  run = function(args)
    local opts, rest = cli.parse(args, {
      ["--out"] = "value", ["--seed"] = "value", ["--candidates"] = "value",
      ["--formations"] = "value", ["--max-wishes"] = "value", ["--annexes"] = "value",
      ["--columns"] = "value", ["--explain"] = "flag",
    }, usage)
    if #rest > 0 then admit.fail("unexpected argument '" .. rest[1] .. "'\n" .. usage) end
    if not opts.out then admit.fail("--out DIR is required\n" .. usage) end
    local formations = 0
    if opts.formations and opts.formations ~= "annexes" then
      if opts.formations:match("^%d+$") then
        formations = count(opts, "formations", "--formations", 1, 10000000)
      else
        formations = opts.formations   -- a formations file
      end
    end
    local inputs = {}
    if opts.annexes then inputs[#inputs + 1] = opts.annexes end
    if type(formations) == "string" then inputs[#inputs + 1] = formations end
    admit.check(admit.check_output_dir(opts.out, inputs))
    local stats = admit.check(admit.generate {
      out = opts.out,
      seed = count(opts, "seed", "--seed", 0),
      candidates = count(opts, "candidates", "--candidates", 1, 100000000),
      formations = formations,
      max_wishes = count(opts, "max_wishes", "--max-wishes", 1, 255),
      annex_dir = opts.annexes or admit.annex_dir(),
      progress = true,
      columns = opts.columns, explain = opts.explain,
    })
    io.stderr:write(i18n.format("admit generate: %d candidates, %d vœux, %d formations in %s",
      stats.candidates, stats.wishes, stats.formations, opts.out), "\n")
    return 0
  end,
}
