--- admit.pretty — readable rendering of any Lua value for the REPL and for scripts:
-- tables nested and indented, keys sorted, cycles marked, long tables cut with a count,
-- userdata and tables with __tostring shown through it.
local pretty = {}

local MAX_ITEMS = 20    -- entries shown per table before "... (N more)"
local MAX_DEPTH = 4

local function is_identifier(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
end

local function key_order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local function scalar(v)
  if type(v) == "string" then return string.format("%q", v):gsub("\\\n", "\\n") end
  local mt = getmetatable(v)
  if type(mt) == "table" and mt.__tostring then return tostring(v) end
  return tostring(v)
end

local function render(v, indent, seen, depth, out)
  if type(v) ~= "table" then
    out[#out + 1] = scalar(v)
    return
  end
  local mt = getmetatable(v)
  if type(mt) == "table" and mt.__tostring then
    out[#out + 1] = tostring(v)
    return
  end
  if seen[v] then
    out[#out + 1] = "<cycle: " .. tostring(v) .. ">"
    return
  end
  if depth >= MAX_DEPTH then
    out[#out + 1] = "{...}"
    return
  end
  seen[v] = true
  local n = #v
  local keys = {}
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, key_order)
  local total = n + #keys
  if total == 0 then
    out[#out + 1] = "{}"
    seen[v] = nil
    return
  end
  local pad = indent .. "  "
  out[#out + 1] = "{\n"
  local shown = 0
  for i = 1, n do
    if shown >= MAX_ITEMS then break end
    out[#out + 1] = pad
    render(v[i], pad, seen, depth + 1, out)
    out[#out + 1] = ",\n"
    shown = shown + 1
  end
  for _, k in ipairs(keys) do
    if shown >= MAX_ITEMS then break end
    out[#out + 1] = pad
    out[#out + 1] = is_identifier(k) and k or ("[" .. scalar(k) .. "]")
    out[#out + 1] = " = "
    render(v[k], pad, seen, depth + 1, out)
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
function pretty.format(v)
  local out = {}
  render(v, "", {}, 0, out)
  return table.concat(out)
end

return pretty
