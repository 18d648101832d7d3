--- Comparing policies (issue 10 §4): the same cohort simulated without and with policies,
-- formation by formation, with first every legal minimum a policy makes go from met to not
-- met. `admit compare` and scripts/compare_policies.lua are both built on admit.compare.
local lfs = require "lfs"
local text = require "admit.report.text"
local i18n = require "admit.i18n"

return function(admit)
  local KINDS = { "techno", "pro", "boursier", "resident" }

  --- admit.load_policies(dir [, names]) -> policies, names: the policies of the files
  -- dir/NAME.lua (every *.lua file of dir when names is nil or empty), in name order.
  function admit.load_policies(dir, names)
    dir = dir or (admit.scripts_dir .. "/policies")
    if lfs.attributes(dir, "mode") ~= "directory" then
      admit.fail(string.format("policies: '%s' is not a directory", dir))
    end
    names = names and { table.unpack(names) } or {}
    if #names == 0 then
      for file in lfs.dir(dir) do
        local name = file:match("^(.+)%.lua$")
        if name then names[#names + 1] = name end
      end
      table.sort(names)
      if #names == 0 then admit.fail("no policy file (*.lua) in " .. dir) end
    end
    local policies = {}
    for _, name in ipairs(names) do
      local p = admit.load_policy(name, { dir = dir })
      if p.matches then policies[#policies + 1] = p
      else for _, q in ipairs(p) do policies[#policies + 1] = q end end
    end
    return policies, names
  end

  local function met(admitted_k, admitted, min)
    return 100 * admitted_k >= min * admitted
  end

  -- Per formation, before and after; the legal minimum is the formation's own (the file's),
  -- whatever rates a policy set for its ordre d'appel.
  local function compare_rows(before, after, applied)
    local after_by = {}
    for _, row in ipairs(after:formations()) do after_by[row.formation_id] = row end
    local c = { rows = {}, regressions = {}, improvements = {}, totals = {}, changed = 0, changed_with_policy = 0,
      admitted_before = before.summary.admitted, admitted_after = after.summary.admitted }
    for _, k in ipairs(KINDS) do c.totals[k] = { with_min = 0, before = 0, after = 0 } end
    for _, b in ipairs(before:formations()) do
      local a = after_by[b.formation_id]
      local row = { formation_id = b.formation_id, annex = b.annex, academie = b.academie,
        establishment = b.establishment, program = b.program, policy = applied[b.formation_id],
        admitted_before = b.admitted, admitted_after = a.admitted, kinds = {} }
      local lost, gained, changed = false, false, b.admitted ~= a.admitted
      local name = table.concat({ b.establishment or "", b.program or "" }, " — ")
      for _, k in ipairs(KINDS) do
        local min = b["min_" .. k]
        local bk, ak = b["admitted_" .. k], a["admitted_" .. k]
        local rk = { min = min, before = bk, after = ak }
        changed = changed or bk ~= ak
        if min > 0 then
          rk.met_before, rk.met_after = met(bk, b.admitted, min), met(ak, a.admitted, min)
          local tk = c.totals[k]
          tk.with_min = tk.with_min + 1
          tk.before = tk.before + (rk.met_before and 1 or 0)
          tk.after = tk.after + (rk.met_after and 1 or 0)
          local entry = { formation_id = b.formation_id, name = name, policy = row.policy, kind = k, min = min,
            admitted_kind_before = bk, admitted_before = b.admitted, admitted_kind_after = ak, admitted_after = a.admitted }
          if rk.met_before and not rk.met_after then lost = true; c.regressions[#c.regressions + 1] = entry end
          if rk.met_after and not rk.met_before then gained = true; c.improvements[#c.improvements + 1] = entry end
        end
        row.kinds[k] = rk
      end
      row.change = lost and "minimum lost" or gained and "minimum gained" or changed and "changed" or "unchanged"
      if row.change ~= "unchanged" then
        c.changed = c.changed + 1
        if row.policy then c.changed_with_policy = c.changed_with_policy + 1 end
      end
      c.rows[#c.rows + 1] = row
    end
    -- the lost minimums of formations a policy applies to first, then the ripple effects
    table.sort(c.regressions, function(x, y)
      if (x.policy ~= nil) ~= (y.policy ~= nil) then return x.policy ~= nil end
      return x.formation_id < y.formation_id
    end)
    local moved = 0
    local ab, aa = before:assignments(), after:assignments()
    for i = 1, #ab do
      if ab[i].formation_id ~= aa[i].formation_id then moved = moved + 1 end
    end
    c.moved = moved
    return c
  end

  --- admit.compare{formations =, candidates =, wishes =, policies =, mode =}
  -- -> comparison, before, after, applied. formations / candidates / wishes as for
  -- admit.simulate; policies a list (admit.load_policies). comparison = {totals = {kind =
  -- {with_min, before, after}}, regressions = {...}, improvements = {...}, rows = {...},
  -- changed, changed_with_policy, moved, admitted_before, admitted_after}; a regression is
  -- {formation_id, name, policy, kind, min, admitted_kind_before, admitted_before,
  -- admitted_kind_after, admitted_after} (the shares are admitted_kind / admitted).
  function admit.compare(spec)
    if type(spec) ~= "table" then error("admit.compare: expects a table {formations=, candidates=, wishes=, policies=}", 2) end
    for _, k in ipairs { "formations", "candidates", "wishes" } do   -- named here: the caller's line
      if spec[k] == nil then error("admit.compare: " .. k .. " is missing", 2) end
    end
    local base = { formations = spec.formations, candidates = spec.candidates, wishes = spec.wishes,
      mode = spec.mode, progress = spec.progress }
    local before = admit.simulate(base)
    base.policies = spec.policies or {}
    local after, applied = admit.simulate(base)
    local c = compare_rows(before, after, applied)
    c.applied = 0
    for _ in pairs(applied) do c.applied = c.applied + 1 end
    return c, before, after, applied
  end

  -- ------------------------------------------------------------- files

  local function tenths(part, whole)
    local t = text.tenths(part, whole)
    return t and string.format("%d.%d", t // 10, t % 10) or ""
  end

  local function yes_no(v)
    if v == nil then return "" end
    return v and "yes" or "no"
  end

  local function csv_field(v)
    v = v == nil and "" or tostring(v)
    if v:find('[,"\r\n]') then return '"' .. v:gsub('"', '""') .. '"' end
    return v
  end

  --- The columns of comparison.csv (and of the Comparaison sheet), in order.
  function admit.comparison_columns()
    local cols = { "formation_id", "annex", "academie", "establishment", "program", "policy", "change",
      "admitted_before", "admitted_after" }
    for _, k in ipairs(KINDS) do
      for _, f in ipairs { "min_%s", "admitted_%s_before", "admitted_%s_after", "share_%s_before",
                           "share_%s_after", "%s_met_before", "%s_met_after" } do
        cols[#cols + 1] = string.format(f, k)
      end
    end
    return cols
  end

  -- The values of one row: exact shares as fractions when exact, else the CSV's text.
  local function row_values(row, exact)
    local v = { row.formation_id, row.annex, row.academie, row.establishment, row.program, row.policy, row.change,
      row.admitted_before, row.admitted_after }
    for _, k in ipairs(KINDS) do
      local rk = row.kinds[k]
      local sb, sa
      if exact then
        sb = row.admitted_before > 0 and rk.before / row.admitted_before or nil
        sa = row.admitted_after > 0 and rk.after / row.admitted_after or nil
      else
        sb, sa = tenths(rk.before, row.admitted_before), tenths(rk.after, row.admitted_after)
      end
      for _, x in ipairs { rk.min, rk.before, rk.after, sb or false, sa or false, yes_no(rk.met_before),
                           yes_no(rk.met_after) } do
        v[#v + 1] = x
      end
    end
    for i = 1, #v do if v[i] == false then v[i] = nil end end
    return v
  end

  local function comparison_csv(c)
    local cols = admit.comparison_columns()
    local out = { table.concat(cols, ",") }
    for _, row in ipairs(c.rows) do
      local v = row_values(row, false)
      local cells = {}
      for i = 1, #cols do cells[i] = csv_field(v[i]) end
      out[#out + 1] = table.concat(cells, ",")
    end
    return table.concat(out, "\n") .. "\n"
  end

  local function comparison_xlsx(c, lang)
    local cols = admit.comparison_columns()
    local columns = {}
    for i, name in ipairs(cols) do
      local ty = "text"
      if name:match("^share_") then ty = "pct"
      elseif name:match("^admitted") or name:match("^min_") then ty = "int" end
      columns[i] = { title = name, type = ty }
    end
    local rows = {}
    for _, row in ipairs(c.rows) do rows[#rows + 1] = row_values(row, true) end
    local lost = {}
    local fr = lang ~= "en"
    local lost_cols = {
      { title = fr and "Formation" or "Formation", type = "text" }, { title = fr and "Intitulé" or "Name", type = "text" },
      { title = fr and "Politique" or "Policy", type = "text" }, { title = fr and "Taux minimum de" or "Minimum of", type = "text" },
      { title = fr and "Taux minimum (%)" or "Minimum (%)", type = "int" },
      { title = fr and "Part avant" or "Share before", type = "pct" }, { title = fr and "Part après" or "Share after", type = "pct" },
    }
    for _, r in ipairs(c.regressions) do
      lost[#lost + 1] = { r.formation_id, r.name, r.policy or "", r.kind, r.min,
        r.admitted_before > 0 and r.admitted_kind_before / r.admitted_before or nil,
        r.admitted_after > 0 and r.admitted_kind_after / r.admitted_after or nil }
    end
    local change_col
    for i, name in ipairs(cols) do if name == "change" then change_col = i end end
    local path = os.tmpname()
    local ok, err = admit.write_xlsx(path, {
      { name = fr and "Minimums perdus" or "Minimums lost", columns = lost_cols, rows = lost },
      { name = "Comparaison", columns = columns, rows = rows, highlight = { column = change_col, equals = "minimum lost" } },
    })
    if not ok then os.remove(path) return nil, err end
    local f = assert(io.open(path, "rb"))
    local bytes = f:read("a")
    f:close()
    os.remove(path)
    return bytes
  end

  -- comparison.json: what report.html shows of the comparison, to rebuild it (`admit report`).
  local function comparison_json(c)
    local R = admit._report
    local O = R.object
    local function entries(list)
      local out = {}
      for _, e in ipairs(list) do
        out[#out + 1] = O { { "formation_id", e.formation_id }, { "name", e.name }, { "policy", e.policy },
          { "kind", e.kind }, { "min", e.min }, { "admitted_kind_before", e.admitted_kind_before },
          { "admitted_before", e.admitted_before }, { "admitted_kind_after", e.admitted_kind_after },
          { "admitted_after", e.admitted_after } }
      end
      return out
    end
    local totals = {}
    for _, k in ipairs(KINDS) do
      local t = c.totals[k]
      totals[#totals + 1] = { k, O { { "with_min", t.with_min }, { "before", t.before }, { "after", t.after } } }
    end
    return R.json(O {
      { "admitted_before", c.admitted_before }, { "admitted_after", c.admitted_after },
      { "applied", c.applied }, { "changed", c.changed }, { "changed_with_policy", c.changed_with_policy },
      { "moved", c.moved }, { "totals", O(totals) },
      { "regressions", entries(c.regressions) }, { "improvements", entries(c.improvements) },
    }) .. "\n"
  end

  --- admit.write_comparison(c, after, dir [, {provenance =, lang =}]) -> true | nil, msg: the
  -- results of the run with the policies, comparison.csv, comparison.xlsx, comparison.json
  -- and report.html opening on the comparison, all at once in dir.
  function admit.write_comparison(c, after, dir, opts)
    opts = opts or {}
    local lang = opts.lang or admit.report_lang or "fr"
    local xlsx, err = comparison_xlsx(c, lang)
    if not xlsx then return nil, err end
    return admit.write_results(after, dir, { provenance = opts.provenance, lang = lang, comparison = c,
      files = { ["comparison.csv"] = comparison_csv(c), ["comparison.xlsx"] = xlsx,
                ["comparison.json"] = comparison_json(c) } })
  end

  local LABEL = { techno = "bac techno", pro = "bac pro", boursier = "boursiers", resident = "résidents" }

  --- admit.comparison_text(c [, {lang =}]) -> the terminal summary: the lost legal minimums
  -- first, then the minimums met before → after per kind, then what moved. lang "en"
  -- (default) or "fr": built in that language (French numbers), columns aligned by characters.
  function admit.comparison_text(c, opts)
    local lang = opts and opts.lang or "en"
    local function T(template, values) return i18n.t(template, values, lang) end
    local function count(n, one, many) return i18n.count(n, one, many, lang) end
    local function share(part, whole, min) return text.pct(part, whole, lang, min) end
    local out = {}
    local function say(line) out[#out + 1] = line end
    if #c.regressions > 0 then
      say("!! " .. T("{lost}: a policy makes a legal minimum go from met to not met:",
        { lost = count(#c.regressions, "{n} legal minimum lost", "{n} legal minimums lost") }))
      for _, r in ipairs(c.regressions) do
        say("!!   " .. i18n.pad(r.formation_id, 8) .. " " .. T("{name} — {kind} {min}: {before} → {after}", {
          name = r.name, kind = T(r.kind), min = i18n.percent_text(r.min, lang),
          before = share(r.admitted_kind_before, r.admitted_before, r.min),
          after = share(r.admitted_kind_after, r.admitted_after, r.min) })
          .. (r.policy and (" [" .. r.policy .. "]") or " " .. T("(ripple effect)")))
      end
    else
      say(T("No policy makes a legal minimum go from met to not met."))
    end
    say("")
    say(T("Minimums met, before → after:"))
    local rows = {}
    for _, k in ipairs(KINDS) do
      local t = c.totals[k]
      if t.with_min > 0 then
        rows[#rows + 1] = { T(LABEL[k]), t.before, "→", t.after, T("of {n}", { n = t.with_min })
          .. (t.after < t.before and "  " .. T("(fewer)") or t.after > t.before and "  " .. T("(more)") or "") }
      end
    end
    rows[#rows + 1] = { T("admitted"), c.admitted_before, "→", c.admitted_after }
    for _, line in ipairs(i18n.columns(rows, { "l", "r", "l", "l", "l" }, "  ", " ")) do say(line) end
    if #c.improvements > 0 then
      say("")
      say(T("Minimums gained: {n}", { n = #c.improvements }))
      for _, r in ipairs(c.improvements) do
        say("  " .. i18n.pad(r.formation_id, 8) .. " " .. T("{name} — {kind} {min}: {before} → {after}", {
          name = r.name, kind = T(r.kind), min = i18n.percent_text(r.min, lang),
          before = share(r.admitted_kind_before, r.admitted_before, r.min),
          after = share(r.admitted_kind_after, r.admitted_after, r.min) }))
      end
    end
    say("")
    say(T("{changed} changed ({a} with a policy, {b} by ripple effect: candidates moving between formations); {moved}.",
      { changed = count(c.changed, "{n} formation", "{n} formations"), a = c.changed_with_policy,
        b = c.changed - c.changed_with_policy,
        moved = count(c.moved, "{n} candidate gets another seat (or none)", "{n} candidates get another seat (or none)") }))
    return table.concat(out, "\n") .. "\n"
  end

  -- A temporary directory (under $TMPDIR when set), and its removal with all it holds.
  function admit.tmpdir()
    local name = os.tmpname()
    os.remove(name)
    local base = os.getenv("TMPDIR")
    if base and base ~= "" then name = base .. "/" .. name:match("[^/]+$") end
    local ok, err = lfs.mkdir(name)
    if not ok then admit.fail("cannot create a temporary directory " .. name .. ": " .. tostring(err)) end
    return name
  end

  function admit.remove_tree(path)
    if lfs.symlinkattributes(path, "mode") == "directory" then
      for entry in lfs.dir(path) do
        if entry ~= "." and entry ~= ".." then admit.remove_tree(path .. "/" .. entry) end
      end
      lfs.rmdir(path)
    else
      os.remove(path)
    end
  end
end
