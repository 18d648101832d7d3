--- admit.repl — what the interactive session calls back into: show (results) and
-- complete (Tab).
--
-- Completion of userdata: the names after `.` and `:` come from the metatable's
-- `__index` when it is a table (followed through its own metatables). A userdata type
-- whose `__index` is a C function can list its names with an optional metamethod
-- `__fields(u)` returning a list of strings (fields and methods alike); without it,
-- Tab offers nothing for that value.
local pretty = require "admit.pretty"

local repl = {}

--- The width results are fitted in: COLUMNS, else the terminal's, else 80.
local function width()
  local c = math.tointeger(tonumber(os.getenv("COLUMNS") or ""))
  if c and c > 0 then return c end
  local ok, core = pcall(require, "admit.core")
  return ok and core.terminal_width and core.terminal_width() or 80
end
repl.width = width

--- text with each line longer than w characters cut with "…"; and whether one was.
local function fit(text, w)
  local cut = false
  local out = text:gsub("[^\n]+", function(line)
    local n = utf8.len(line)
    if not n or n <= w then return nil end
    cut = true
    return line:sub(1, utf8.offset(line, w) - 1) .. "…"
  end)
  return out, cut
end
repl.fit = fit

--- A value of admit (a simulation, a dataset, candidates...) as the user reads it: the
-- lines its tostring writes about it (the first, "admit.simulation (...)", and the notes at
-- the end, "... (3 more)") in the user's language; its rows are data, kept as they are.
local function speak(text)
  local i18n = require "admit.i18n"
  if i18n.lang() == "en" then return text end
  local lines = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  for k, line in ipairs(lines) do
    if k == 1 or k == #lines or line:find("^%.%.%. %(") or line:find("^%(%d+ more column") then
      local fr, complete = i18n.translate(line, nil, true)
      if complete then lines[k] = fr end
    end
  end
  return table.concat(lines, "\n")
end

--- Prints each result on its own line, readably: a text of several lines (a table from
-- ds:table(), a message) as its lines, anything else pretty-printed; lines wider than the
-- terminal are cut with "…", and a last line says so.
function repl.show(...)
  local n = select("#", ...)
  local w, any_cut = width(), false
  for i = 1, n do
    local v = select(i, ...)
    local text = type(v) == "string" and v:find("\n", 1, true) and v or pretty.format(v)
    local mt = (type(v) == "userdata" or type(v) == "table") and getmetatable(v)
    if type(v) == "userdata" or (type(mt) == "table" and mt.__tostring) then text = speak(text) end
    local shown, cut = fit(text, w)
    any_cut = any_cut or cut
    io.stdout:write(shown, "\n")
  end
  if any_cut then
    io.stdout:write(require("admit.i18n").t("(lines cut at {n} columns; print(...) shows them whole)", { n = w }), "\n")
  end
  io.stdout:flush()
end

local KEYWORDS = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
  "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}

local MAX_INDEX_CHAIN = 10  -- __index tables followed, against cycles

--- The names of value v starting with prefix; methods_only keeps the functions.
local function names_of(v, prefix, methods_only)
  local out, seen = {}, {}
  local function add(k, item)
    if type(k) == "string" and k:sub(1, #prefix) == prefix and not seen[k]
       and k:match("^[%a_][%w_]*$") and not k:match("^__") then
      if methods_only and type(item) ~= "function" then return end
      seen[k] = true
      out[#out + 1] = k
    end
  end
  local t = v
  for _ = 1, MAX_INDEX_CHAIN do
    if type(t) == "table" then
      for k, item in next, t do add(k, item) end
    end
    local mt = getmetatable(t)
    if type(mt) ~= "table" then break end
    local index = rawget(mt, "__index")
    if type(index) == "table" then
      t = index
    else
      local fields = rawget(mt, "__fields")
      if type(index) == "function" and type(fields) == "function" then
        local ok, list = pcall(fields, v)
        if ok and type(list) == "table" then
          for _, k in ipairs(list) do
            local got, item = pcall(function() return v[k] end)
            add(k, got and item)
          end
        end
      end
      break
    end
  end
  table.sort(out)
  return out
end
repl.names_of = names_of

--- Whether text ends inside a quoted string literal ("..." or '...', with escapes).
local function in_string(text)
  local quote, i = nil, 1
  while i <= #text do
    local c = text:sub(i, i)
    if quote and c == "\\" then
      i = i + 1  -- skip the escaped character
    elseif quote then
      if c == quote then quote = nil end
    elseif c == '"' or c == "'" then
      quote = c
    end
    i = i + 1
  end
  return quote ~= nil
end

--- Tab completion. line: the text before the cursor; word: the part being completed
-- (readline breaks words at '.' and ':', so the candidates are bare names).
-- Completes globals and keywords, and the fields after `.` and the methods after `:`
-- of the value that the dotted path before them names: the path is indexed (which may
-- run an __index metamethod), nothing in it is called.
function repl.complete(line, word)
  local before = line:sub(1, #line - #word)
  if in_string(before) then return {} end  -- inside a string literal: nothing to offer
  local path, sep = before:match("([%a_][%w_]*[%w_%.:]*)([%.:])$")
  if not path then
    if before:match("[%.:]$") or before:match("[%]%)\"']$") then return {} end
    local out = names_of(_G, word, false)
    for _, k in ipairs(KEYWORDS) do
      if k:sub(1, #word) == word then out[#out + 1] = k end
    end
    table.sort(out)
    return out
  end
  if path:find(":", 1, true) then return {} end  -- a method call is never a value
  local value = _G
  for part in path:gmatch("[^%.]+") do
    local ok, v = pcall(function() return value[part] end)
    if not ok or v == nil then return {} end
    value = v
  end
  return names_of(value, word, sep == ":")
end

return repl
