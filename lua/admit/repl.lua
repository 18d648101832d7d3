--- admit.repl — what the interactive session calls back into: show (results) and
-- complete (Tab).
local pretty = require "admit.pretty"

local repl = {}

--- Prints each result on its own line, pretty-printed.
function repl.show(...)
  local n = select("#", ...)
  for i = 1, n do
    io.stdout:write(pretty.format((select(i, ...))), "\n")
  end
  io.stdout:flush()
end

local function sorted_keys(t, prefix, methods_only, out)
  local seen = {}
  local function add(k, v)
    if type(k) == "string" and k:sub(1, #prefix) == prefix and not seen[k]
       and (not methods_only or type(v) == "function") and not k:match("^__") then
      seen[k] = true
      out[#out + 1] = k
    end
  end
  if type(t) == "table" then
    for k, v in pairs(t) do add(k, v) end
  end
  local mt = getmetatable(t)
  local index = type(mt) == "table" and mt.__index or nil
  if type(index) == "table" then
    for k, v in pairs(index) do add(k, v) end
  elseif type(mt) == "table" and type(mt.__fields) == "function" then
    for _, k in ipairs(mt.__fields(t)) do add(k, true) end
  end
  table.sort(out)
  return out
end

--- Tab completion. line: the text before the cursor; word: the part being completed.
-- Completes globals, and the fields after `.` and the methods after `:` of the value
-- the dotted path before it names (the path is looked up, never evaluated).
function repl.complete(line, word)
  local path, sep, partial = line:match("([%a_][%w_%.:]*)([%.:])([%w_]*)$")
  if not path then
    return sorted_keys(_G, word, false, {})
  end
  local value = _G
  for part in path:gmatch("[^%.:]+") do
    if type(value) ~= "table" and type(value) ~= "userdata" then return {} end
    local ok, v = pcall(function() return value[part] end)
    if not ok or v == nil then return {} end
    value = v
  end
  local names = sorted_keys(value, partial, sep == ":", {})
  -- readline replaces only `word` (the text after the last break character, which
  -- includes '.' and ':'), so return bare names.
  return names
end

return repl
