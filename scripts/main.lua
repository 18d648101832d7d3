-- The main job (make run). Grows with each area: annex summary, then the regional
-- simulation of the 2023 Hauts-de-France formations.
print(string.format("admit %s — data in %s", admit.version, admit.data_dir))
dofile(admit.scripts_dir .. "/annex_summary.lua")
