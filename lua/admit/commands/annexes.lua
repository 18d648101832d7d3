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
  --width N        fit the table in N columns, texts cut with "…" (default: COLUMNS, else
                   the terminal's width, else 80; 0: never cut)]]

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

--- One block per annex, its title line ("pro: 20 rows") directly above its own table
-- (ds:table() puts its count below the rows, which reads as the title of the next block).
local function write_table(datasets, width)
  local parts, cut = {}, false
  for i, ds in ipairs(datasets) do
    local n = #ds
    if n == 0 then
      parts[i] = i18n.tr(ds.annex .. ": no rows")
    else
      local text = ds:table(0, width)
      cut = cut or text ~= ds:table()
      local body = text:match("^(.*)\n[^\n]*$")  -- the rows, without the count line
      parts[i] = i18n.format("%s: %d row%s", ds.annex, n, n == 1 and "" or "s") .. "\n" .. body
    end
  end
  io.stdout:write(table.concat(parts, "\n\n"), "\n")
  if cut then
    io.stdout:write(i18n.format("(texts cut to fit %d columns; --width 0: whole)", width), "\n")
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
