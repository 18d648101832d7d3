--- Results an officer reads (issue 10): report.html, provenance.json, the readable summary
-- of every command that simulates, and `admit report DIR`. The page itself is built by
-- admit.report.html from the same data whether it comes from a simulation or its folder.
local html = require "admit.report.html"
local text = require "admit.report.text"

return function(admit)
  local KINDS = { "techno", "pro", "boursier", "resident" }

  -- ------------------------------------------------------- provenance

  -- JSON with a fixed key order (same inputs, same bytes): value is a string, a number, a
  -- list, or an object given as {{key, value}, ...}.
  local function json(value, indent)
    indent = indent or ""
    local tv = type(value)
    if tv == "number" then return tostring(math.tointeger(value) or value) end
    if tv == "boolean" then return tostring(value) end
    if tv == "nil" then return "null" end
    if tv == "string" then
      return '"' .. value:gsub('[%c"\\]', function(c)
        if c == '"' or c == "\\" then return "\\" .. c end
        return string.format("\\u%04x", c:byte())
      end) .. '"'
    end
    local inner = indent .. "  "
    local parts = {}
    if value.__object then
      for _, kv in ipairs(value) do
        if kv[2] ~= nil then parts[#parts + 1] = inner .. json(kv[1]) .. ": " .. json(kv[2], inner) end
      end
      if #parts == 0 then return "{}" end
      return "{\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "}"
    end
    for _, v in ipairs(value) do parts[#parts + 1] = inner .. json(v, inner) end
    if #parts == 0 then return "[]" end
    return "[\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "]"
  end
  local function object(pairs_list) pairs_list.__object = true return pairs_list end

  --- admit.provenance{inputs = {formations = F, candidates = C, wishes = W}, command =,
  -- mode =, seed =, policies = {names}, title =} -> table: what a result was made from,
  -- each input with its size and SHA-256 (no date: the same inputs give the same bytes).
  function admit.provenance(spec)
    spec = spec or {}
    local p = { admit_version = admit.version, command = spec.command, mode = spec.mode,
      seed = spec.seed and tostring(spec.seed) or nil, title = spec.title, policies = {}, inputs = {} }
    for _, name in ipairs(spec.policies or {}) do p.policies[#p.policies + 1] = tostring(name) end
    for _, role in ipairs { "formations", "candidates", "wishes" } do
      local path = spec.inputs and spec.inputs[role]
      if type(path) == "string" then
        local sha, bytes = admit.check(admit.sha256_file(path))
        p.inputs[#p.inputs + 1] = { role = role, path = path, bytes = bytes, sha256 = sha }
      end
    end
    return p
  end

  local function provenance_json(p)
    local inputs = {}
    for _, i in ipairs(p.inputs or {}) do
      inputs[#inputs + 1] = object { { "role", i.role }, { "path", i.path }, { "bytes", i.bytes }, { "sha256", i.sha256 } }
    end
    return json(object {
      { "admit_version", p.admit_version }, { "title", p.title }, { "command", p.command }, { "mode", p.mode },
      { "seed", p.seed }, { "policies", p.policies or {} }, { "inputs", inputs },
    }) .. "\n"
  end

  -- The provenance as key, value pairs for the workbook's Provenance sheet.
  local function provenance_pairs(p)
    local kv = { { "admit_version", p.admit_version or "" } }
    for _, k in ipairs { "title", "command", "mode", "seed" } do
      if p[k] then kv[#kv + 1] = { k, tostring(p[k]) } end
    end
    kv[#kv + 1] = { "policies", table.concat(p.policies or {}, ", ") }
    for _, i in ipairs(p.inputs or {}) do
      kv[#kv + 1] = { i.role, i.path }
      kv[#kv + 1] = { i.role .. "_bytes", tostring(i.bytes) }
      kv[#kv + 1] = { i.role .. "_sha256", i.sha256 }
    end
    return kv
  end

  -- --------------------------------------------------------- the page

  local function check_lang(lang, level)
    if lang ~= nil and lang ~= "fr" and lang ~= "en" then
      error(string.format("lang must be 'fr' or 'en', got '%s'", tostring(lang)), level)
    end
    return lang or admit.report_lang or "fr"
  end

  --- admit.report_html(data [, {lang = "fr"|"en"}]) -> text of report.html. data: {summary =,
  -- formations =, groups =, provenance =, comparison =} (admit.result_data, admit.read_results).
  function admit.report_html(data, opts)
    opts = opts or {}
    return html.render(data, { lang = check_lang(opts.lang, 3) })
  end

  --- admit.result_data(r [, provenance]) -> the data of report.html for simulation r.
  function admit.result_data(r, provenance)
    return { summary = r.summary, formations = r:formations(), groups = r:groups(), provenance = provenance }
  end

  --- admit.write_results(r, dir [, {provenance =, lang =, comparison =, files =}]) -> true | nil, msg:
  -- the tables (assignments.csv, formations.csv, groups.csv, summary.json, results.xlsx),
  -- provenance.json and report.html, all appearing at once in dir.
  function admit.write_results(r, dir, opts)
    opts = opts or {}
    local lang = check_lang(opts.lang, 3)
    local p = opts.provenance or admit.provenance {}
    local pairs_p = provenance_pairs(p)
    -- results.xlsx is zipped on the other core while report.html is rendered here
    if r.start_write then r:start_write(dir, { english = lang == "en", provenance = pairs_p }) end
    local data = admit.result_data(r, p)
    data.comparison = opts.comparison
    local files = { ["provenance.json"] = provenance_json(p), ["report.html"] = html.render(data, { lang = lang }) }
    for name, body in pairs(opts.files or {}) do files[name] = body end
    return r:write(dir, { english = lang == "en", provenance = pairs_p, files = files,
                          csv = opts.csv })
  end

  -- ------------------------------------------------- from an output folder

  local function read_all(path)
    local f, err = io.open(path, "rb")
    if not f then return nil, err end
    local s = f:read("a")
    f:close()
    return s
  end

  --- admit.read_results(dir) -> data (as admit.result_data gives) read from an output folder
  -- written by admit (summary.json, formations.csv, groups.csv, provenance.json).
  function admit.read_results(dir)
    local cjson = require "cjson"
    local s, err = read_all(dir .. "/summary.json")
    if not s then return nil, string.format("%s: not an admit output folder (no summary.json: %s)", dir, err) end
    local ok, summary = pcall(cjson.decode, s)
    if not ok or type(summary) ~= "table" then
      return nil, string.format("%s/summary.json: not valid JSON (%s)", dir, tostring(summary))
    end
    local data = { summary = summary }
    for _, name in ipairs { "formations", "groups" } do
      local path = dir .. "/" .. name .. ".csv"
      local _, rows = admit.read_csv(path)
      if not rows then return nil, select(2, admit.read_csv(path)) end
      data[name] = rows
    end
    local prov = read_all(dir .. "/provenance.json")
    if prov then
      local okp, p = pcall(cjson.decode, prov)
      if not okp or type(p) ~= "table" then
        return nil, string.format("%s/provenance.json: not valid JSON (%s)", dir, tostring(p))
      end
      for k, v in pairs(p) do if v == cjson.null then p[k] = nil end end
      data.provenance = p
    end
    local cmp = read_all(dir .. "/comparison.json")
    if cmp then
      local okc, c = pcall(cjson.decode, cmp)
      if not okc or type(c) ~= "table" then
        return nil, string.format("%s/comparison.json: not valid JSON (%s)", dir, tostring(c))
      end
      data.comparison = c
    end
    return data
  end

  --- admit.rebuild_report(dir [, {lang =}]) -> path | nil, msg: report.html made again from
  -- the folder's files (replaced whole).
  function admit.rebuild_report(dir, opts)
    opts = opts or {}
    local lang = check_lang(opts.lang, 3)
    local data, err = admit.read_results(dir)
    if not data then return nil, err end
    local path = dir .. "/report.html"
    -- through the folder's marker: the next run still knows report.html as admit's
    local ok, werr = admit.write_output_file(dir, "report.html", html.render(data, { lang = lang }))
    if not ok then return nil, werr end
    return path
  end

  --- admit.results_line(dir) -> the last line every command that simulates prints: where
  -- the results are, the report first.
  function admit.results_line(dir)
    return string.format("Results in %s/: open %s/report.html (also results.xlsx, formations.csv, groups.csv, "
      .. "assignments.csv, summary.json, provenance.json)", dir, dir)
  end

  admit._report = { json = json, object = object, kinds = KINDS, text = text }
end
