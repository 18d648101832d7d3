--- admit.pretty — readable rendering of any Lua value for the REPL and for scripts:
-- tables nested and indented, keys sorted, cycles marked, long tables cut with a count,
-- userdata and tables with __tostring shown through it.
--
--   pretty.format(v [, {max_items = 20, max_depth = 4}]) --> string
local pretty = {}

local DEFAULTS = { max_items = 20, max_depth = 4 }

local function is_identifier(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
end

local function key_order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local function quoted(s)
  return (string.format("%q", s):gsub("\\\n", "\\n"))
end

local function scalar(v)
  if type(v) == "string" then return quoted(v) end
  -- numbers, booleans, functions; userdata and tables through __tostring, which may fail
  local ok, text = pcall(tostring, v)
  if ok and type(text) == "string" then return text end
  return string.format("<%s: __tostring failed: %s>", type(v), tostring(text))
end

local function has_tostring(v)
  local mt = getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__tostring") ~= nil
end

local LINE_WIDTH = 72

local function is_flat(x)
  return type(x) ~= "table" or has_tostring(x)
end

--- A table of scalars that fits on one line: {1, 2, 3} or {a = 1, b = "x"}; nil otherwise.
local function one_line(v, get, n, keys, total, opts)
  local parts, width = {}, 0
  local function add(text)
    parts[#parts + 1] = text
    width = width + #text + 2
    return width <= LINE_WIDTH
  end
  for i = 1, math.min(n, opts.max_items) do
    local x = get(v, i)
    if not is_flat(x) or not add(scalar(x)) then return nil end
  end
  for i = 1, math.min(#keys, opts.max_items - #parts) do
    local k = keys[i]
    local x = get(v, k)
    local name = is_identifier(k) and k or ("[" .. scalar(k) .. "]")
    if not is_flat(x) or not add(name .. " = " .. scalar(x)) then return nil end
  end
  if total > #parts and not add(string.format("... (%d more)", total - #parts)) then
    return nil
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local MAX_VIEW = 100000  -- entries read from a __pairs view (against endless iterators)

--- What a table shows: its own contents (raw access: not what __index computes), or for a
-- view with __pairs (admit's read-only lists such as a.anomalies) what pairs gives, read
-- under pcall. Returns get(t, k), the length of the sequence part and the other keys, sorted.
local function view(v)
  local mt = getmetatable(v)
  local entries
  if type(mt) == "table" and rawget(mt, "__pairs") ~= nil then
    local ok, got = pcall(function()
      local t, count = {}, 0
      for k, x in pairs(v) do
        count = count + 1
        if count > MAX_VIEW then break end
        t[k] = x
      end
      return t
    end)
    if ok then entries = got end
  end
  local src = entries or v
  local n = 0
  if entries then
    while rawget(src, n + 1) ~= nil do n = n + 1 end
  else
    n = rawlen(v)
  end
  local keys = {}
  for k in next, src do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, key_order)
  return function(_, k) return rawget(src, k) end, n, keys
end

-- seen: the tables being rendered (the ancestors) → their path from the top, so that a
-- cycle names the table it goes back to: <cycle: top.a>.
local function render(v, path, indent, seen, depth, out, opts)
  if type(v) ~= "table" or has_tostring(v) then
    out[#out + 1] = scalar(v)
    return
  end
  if seen[v] then
    out[#out + 1] = "<cycle: " .. seen[v] .. ">"
    return
  end
  if depth >= opts.max_depth then
    out[#out + 1] = "{...}"
    return
  end
  seen[v] = path
  local get, n, keys = view(v)
  local total = n + #keys
  if total == 0 then
    out[#out + 1] = "{}"
    seen[v] = nil
    return
  end
  local inline = one_line(v, get, n, keys, total, opts)
  if inline then
    out[#out + 1] = inline
    seen[v] = nil
    return
  end
  local pad = indent .. "  "
  out[#out + 1] = "{\n"
  local shown = 0
  for i = 1, n do
    if shown >= opts.max_items then break end
    out[#out + 1] = pad
    render(get(v, i), path .. "[" .. i .. "]", pad, seen, depth + 1, out, opts)
    out[#out + 1] = ",\n"
    shown = shown + 1
  end
  for _, k in ipairs(keys) do
    if shown >= opts.max_items then break end
    out[#out + 1] = pad
    local name = is_identifier(k) and k or ("[" .. scalar(k) .. "]")
    out[#out + 1] = name
    out[#out + 1] = " = "
    render(get(v, k), path .. (is_identifier(k) and "." or "") .. name, pad, seen,
           depth + 1, out, opts)
    out[#out + 1] = ",\n"
    shown = shown + 1
  end
  if total > shown then
    out[#out + 1] = string.format("%s... (%d more)\n", pad, total - shown)
  end
  out[#out + 1] = indent .. "}"
  seen[v] = nil
end

--- Returns the rendering of v as a string.
function pretty.format(v, opts)
  opts = opts or {}
  local o = {
    max_items = opts.max_items or DEFAULTS.max_items,
    max_depth = opts.max_depth or DEFAULTS.max_depth,
  }
  local out = {}
  render(v, "top", "", {}, 0, out, o)
  return table.concat(out)
end

return pretty
