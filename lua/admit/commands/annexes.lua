--- admit annexes: list the annex rows (minimum rates), filtered, as a table, CSV or JSON.
local admit = require "admit"
local cli = require "admit.cli"
local i18n = require "admit.i18n"
local cjson = require "cjson"

local usage = [[
usage: admit annexes [--annex techno|pro|boursier] [--academie NAME] [--find TEXT]
                     [--format table|csv|json] [--dir DIR] [--width N]
Lists the minimum rates of the decrees' annexes (default: the embedded 2023 data of the
académies of Lille and Amiens).
  --annex KIND     techno (IUT / BUT), pro (BTS) or boursier (health); default: all three
  --academie NAME  Lille or Amiens (case and accents ignored)
  --find TEXT      rows whose establishment, commune or programme contains TEXT
                   (case and accents ignored: "cybersecurite" finds "Cybersécurité")
  --format F       table (default), csv (header annex,academie,establishment,commune,
                   program,min_pct) or json (a list of objects, keys in that order)
  --dir DIR        read the annex files of DIR instead (as written by import-recueil)
  --width N        fit the table in N columns, long labels wrapped (default: COLUMNS, else
                   the terminal's width, else 80; 0: one line per row)]]

local COLUMNS = { "annex", "academie", "establishment", "commune", "program", "min_pct" }

local function csv_field(v)
  v = tostring(v)
  if v:find('[,"\r\n]') then v = '"' .. v:gsub('"', '""') .. '"' end
  return v
end

local function write_csv(datasets)
  local out = { table.concat(COLUMNS, ",") }
  for _, ds in ipairs(datasets) do
    for _, row in ds:rows() do
      local cells = {}
      for i, c in ipairs(COLUMNS) do cells[i] = csv_field(row[c]) end
      out[#out + 1] = table.concat(cells, ",")
    end
  end
  io.stdout:write(table.concat(out, "\n"), "\n")
end

--- JSON with the keys always in COLUMNS order (cjson encodes each value; a Lua table's
-- key order would vary from run to run).
local function write_json(datasets)
  local objects = {}
  for _, ds in ipairs(datasets) do
    for _, row in ds:rows() do
      local fields = {}
      for i, c in ipairs(COLUMNS) do
        fields[i] = cjson.encode(c) .. ":" .. cjson.encode(row[c])
      end
      objects[#objects + 1] = "{" .. table.concat(fields, ",") .. "}"
    end
  end
  if #objects == 0 then
    io.stdout:write("[]\n")
  else
    io.stdout:write("[\n", table.concat(objects, ",\n"), "\n]\n")
  end
end

local function ulen(s) return utf8.len(s) or #s end

--- The lines of s wrapped at spaces in n characters; a longer word is split after its
-- last '-', '/' or "'" that fits (Villeneuve-d'Ascq), else after n characters.
local function wrap(s, n)
  local lines, line = {}, ""
  for word in s:gmatch("%S+") do
    while ulen(word) > n do
      if line ~= "" then lines[#lines + 1] = line; line = "" end
      local at = utf8.offset(word, n + 1)
      local head = word:sub(1, at - 1)
      local soft = head:match("^.*()[-/']")
      if soft and soft > 1 then at = soft + 1 end
      lines[#lines + 1] = word:sub(1, at - 1)
      word = word:sub(at)
    end
    if line == "" then line = word
    elseif ulen(line) + 1 + ulen(word) <= n then line = line .. " " .. word
    else lines[#lines + 1] = line; line = word end
  end
  lines[#lines + 1] = line
  return lines
end

local function pad(s, n) return s .. string.rep(" ", n - ulen(s)) end

--- The rows of ds in width columns: establishment, commune and programme wrapped over
-- several lines (nothing is cut), their widths shrunk from the widest in proportion to
-- what they need (the programme most). Returns the text and whether a label was wrapped.
local function fitted_table(ds, width)
  -- the headers in the user's language (English: the field names, as in --format csv)
  local heads = { i18n.t("academie"), i18n.t("establishment"), i18n.t("commune"), i18n.t("program") }
  local weight = { 0, 3, 2, 5 }             -- the share of the room each text column keeps
  local floor = { 8, 13, 7, 20 }             -- the header, and the longest word
  local rows, w, has_commune = {}, {}, false
  for k, name in ipairs(heads) do w[k] = ulen(name) end
  for _, r in ds:rows() do
    local cells = { r.academie, r.establishment, r.commune or "", r.program, tostring(r.min_pct) }
    rows[#rows + 1] = cells
    for k = 1, 4 do
      w[k] = math.max(w[k], ulen(cells[k]))
      for word in cells[k]:gmatch("%S+") do floor[k] = math.max(floor[k], ulen(word)) end
    end
    has_commune = has_commune or cells[3] ~= ""
  end
  local cols = has_commune and { 1, 2, 3, 4 } or { 1, 2, 4 }
  local function total()
    local t = #"min_pct"
    for _, k in ipairs(cols) do t = t + w[k] + 2 end
    return t
  end
  -- words stay whole while they can; in a narrow width they are split too
  for _, least in ipairs { floor, { 8, 13, 7, 12 } } do
    while total() > width do
      local pick, most = nil, 0
      for _, k in ipairs(cols) do
        if weight[k] > 0 and w[k] > least[k] and w[k] / weight[k] > most then pick, most = k, w[k] / weight[k] end
      end
      if not pick then break end
      w[pick] = w[pick] - 1
    end
  end
  local out, wrapped = {}, false
  local head = {}
  for _, k in ipairs(cols) do head[#head + 1] = pad(heads[k], w[k]) end
  out[1] = table.concat(head, "  ") .. "  " .. i18n.pad(i18n.t("min_pct"), 7, "r")
  for _, cells in ipairs(rows) do
    local parts, lines = {}, 1
    for _, k in ipairs(cols) do
      parts[k] = wrap(cells[k], w[k])
      lines = math.max(lines, #parts[k])
    end
    wrapped = wrapped or lines > 1
    for i = 1, lines do
      local line = {}
      for _, k in ipairs(cols) do line[#line + 1] = pad(parts[k][i] or "", w[k]) end
      local pct = i == 1 and string.format("%7s", cells[5]) or ""
      out[#out + 1] = (table.concat(line, "  ") .. "  " .. pct):gsub("%s+$", "")
    end
  end
  return table.concat(out, "\n"), wrapped
end

--- One block per annex, its title line ("pro: 20 rows") directly above its own table
-- (ds:table() puts its count below the rows, which reads as the title of the next block).
-- width 0: each row on one line, labels whole (ds:table()); else fitted in width columns.
local function write_table(datasets, width)
  local parts, changed = {}, false
  for i, ds in ipairs(datasets) do
    local n = #ds
    if n == 0 then
      parts[i] = i18n.tr(ds.annex .. ": no rows")
    else
      local body
      if width == 0 then
        body = ds:table():match("^(.*)\n[^\n]*$")  -- the rows, without the count line
      else
        local c
        body, c = fitted_table(ds, width)
        changed = changed or c
      end
      parts[i] = i18n.format("%s: %d row%s", ds.annex, n, n == 1 and "" or "s") .. "\n" .. body
    end
  end
  io.stdout:write(table.concat(parts, "\n\n"), "\n")
  if changed then
    io.stdout:write(i18n.format("(labels wrapped to fit %d columns; --width 0: one line each)", width), "\n")
  end
end

--- The width to fit: --width, else COLUMNS, else the terminal's, else 80.
local function table_width(opts)
  local text = opts.width or os.getenv("COLUMNS")
  if text and text ~= "" then
    local n = text:match("^%d+$") and math.tointeger(tonumber(text))
    if not n then
      admit.fail(string.format("%s: '%s' is not a whole number of columns", opts.width and "--width"
        or "COLUMNS", text))
    end
    return n
  end
  return admit.terminal_width() or 80
end

local function check_choice(value, choices, what)
  for _, c in ipairs(choices) do
    if value == c then return value end
  end
  admit.fail(string.format("unknown %s '%s': expected %s\n%s", what, value,
    table.concat(choices, ", "), usage))
end

return {
  summary = "list the annex rows (minimum rates) as a table, CSV or JSON",
  usage = usage,
  run = function(args)
    local opts, pos = cli.parse(args, {
      ["--annex"] = "value", ["--academie"] = "value", ["--find"] = "value",
      ["--format"] = "value", ["--dir"] = "value", ["--width"] = "value",
    }, usage)
    if #pos > 0 then admit.fail("unexpected argument '" .. pos[1] .. "'\n" .. usage) end
    local format = check_choice(opts.format or "table", { "table", "csv", "json" }, "format")
    local kinds = admit.annex_kinds
    if opts.annex then kinds = { check_choice(opts.annex, admit.annex_kinds, "annex") } end
    if opts.academie then
      local want = admit.fold(opts.academie)
      if want == "" or not (admit.fold("Lille"):find(want, 1, true)
                            or admit.fold("Amiens"):find(want, 1, true)) then
        admit.fail(string.format("unknown académie '%s': expected Lille or Amiens", opts.academie))
      end
    end
    local set = admit.check(admit.annexes(opts.dir))
    local datasets = {}
    for _, kind in ipairs(kinds) do
      local ds = set[kind]
      if opts.academie then ds = ds:find { academie = opts.academie } end
      if opts.find then ds = ds:find(opts.find) end
      datasets[#datasets + 1] = ds
    end
    if format == "csv" then write_csv(datasets)
    elseif format == "json" then write_json(datasets)
    else write_table(datasets, table_width(opts)) end
    return 0
  end,
}
