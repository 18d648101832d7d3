-- The main job (make run). Grows with each area: annex summary, then the regional
-- simulation of the 2023 Hauts-de-France formations.
print(admit.tr(string.format("admit %s — data in %s", admit.version, admit.data_dir)))
dofile(admit.scripts_dir .. "/annex_summary.lua")

-- Regional simulation (issue 5): a seeded synthetic cohort for the formations of the 2023
-- Hauts-de-France annexes, allocated with the minimum rates; results in out/.
-- `admit scripts/main.lua [ANNEX_DIR]` (default: the embedded 2023 data).
do
  local lfs = require "lfs"
  local annex_dir = arg and arg[1] or admit.annex_dir()
  -- out/ is admit's: refused at once (not after the simulation) if it holds anything else
  admit.check(admit.check_output_dir("out"))
  local cohort = { seed = 2023, candidates = 40000, annex_dir = annex_dir, progress = true }
  local work = os.tmpname()
  os.remove(work)
  assert(lfs.mkdir(work))
  local function cleanup()
    for _, f in ipairs { "formations.csv", "candidates.csv", "wishes.csv" } do
      os.remove(work .. "/cohort/" .. f)
    end
    lfs.rmdir(work .. "/cohort")
    lfs.rmdir(work)
  end
  local ok, err = pcall(function()
    cohort.out = work .. "/cohort"
    admit.check(admit.generate(cohort))
    local inputs = { formations = cohort.out .. "/formations.csv",
      candidates = cohort.out .. "/candidates.csv", wishes = cohort.out .. "/wishes.csv" }
    local r = admit.simulate { formations = inputs.formations, candidates = inputs.candidates,
      wishes = inputs.wishes, mode = "student", progress = true }
    -- in English in provenance.json (machine data); the report and the terminal show it translated
    local title = string.format("Simulation of the 2023 Hauts-de-France formations (synthetic cohort, seed %d)",
      cohort.seed)
    io.write("\n", admit.simulation_report(r, { title = admit.tr(title), lang = admit.lang() }))
    -- the provenance names the cohort where it is kept (out/cohort/: the same bytes)
    local provenance = admit.provenance { inputs = inputs, mode = "student", seed = cohort.seed,
      title = title, command = "make run (admit scripts/main.lua)" }
    for _, i in ipairs(provenance.inputs) do i.path = "out/cohort/" .. i.path:match("[^/]+$") end
    admit.check(admit.write_results(r, "out", { provenance = provenance, lang = admit.report_lang }))
    -- the cohort itself, beside the results (same seed: the same bytes)
    cohort.out = "out/cohort"
    admit.check(admit.generate(cohort))
  end)
  cleanup()
  if not ok then error(err, 0) end
end

-- The phase principale day by day (issue 12) on the same cohort: out/phase/.
dofile(admit.scripts_dir .. "/phase_run.lua")

-- Last, where the results are: the report on the very last line (what an officer opens).
do
  print("\n" .. admit.tr("out/ is admit's: the next run replaces it whole, and refuses to when it finds a file "
    .. "admit did not write (or one changed since): keep your own files elsewhere."))
  print(admit.tr("The synthetic cohort is in out/cohort/."))
  print(admit.tr("Phase principale in out/phase/: open out/phase/report.html (also days.csv, summary.json, "
    .. "assignments.csv, formations.csv)."))
  print(admit.tr(admit.results_line("out")))
end
