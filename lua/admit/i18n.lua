--- admit.i18n — the language admit speaks to its user (en or fr) and the translation of
-- its English texts into French.
--
-- Every message, summary and help text is written in English at its source; the single
-- points where admit shows text to a person (error reports of the host, `--help`, the
-- commands' summaries) pass it through i18n.translate. The French catalogue
-- (admit/i18n/fr.lua) maps English templates, whose variable parts are written {name}, to
-- French ones; a {name*} part is itself translated (a reason inside a message). Machine
-- formats (CSV headers, JSON keys, the values of the Lua API) are never translated.
local i18n = {}

local LANGS = { en = true, fr = true }
local chosen            -- set by --lang; nil: from the environment

--- The language of the environment: the first of LC_ALL, LC_MESSAGES, LANG that is set
-- (POSIX precedence); fr* gives French, anything else English.
function i18n.from_env()
  for _, var in ipairs { "LC_ALL", "LC_MESSAGES", "LANG" } do
    local v = os.getenv(var)
    if v and v ~= "" then return v:match("^fr") and "fr" or "en" end
  end
  return "en"
end

--- The chosen language: "en" or "fr".
function i18n.lang()
  return chosen or i18n.from_env()
end

--- The language given with --lang, or nil (then it comes from the environment).
function i18n.chosen()
  return chosen
end

--- Chooses the language (from --lang); returns it, or nil and a message for a bad value.
function i18n.set(lang)
  if not LANGS[lang] then
    return nil, string.format("--lang: '%s' is not fr or en", tostring(lang))
  end
  chosen = lang
  return lang
end

-- ------------------------------------------------------------ templates

local PLACEHOLDER = "{([%w_]+)(%*?)}"

-- Variable parts that are numbers match digits only (so that a split is never ambiguous).
local NUMERIC = { n = true, line = true, count = true, min = true, max = true, pct = true,
                  m = true }
-- Variable parts that are one word (a column, an option, a path without spaces).
local WORD = { col = true, word = true, option = true, key = true }

--- Compiles an English template into an anchored Lua pattern and the list of its parts.
local function compile(template)
  local parts, pattern, pos = {}, { "^" }, 1
  while true do
    local s, e, name, star = template:find(PLACEHOLDER, pos)
    if not s then break end
    pattern[#pattern + 1] = template:sub(pos, s - 1):gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
    local kind = name:gsub("%d+$", "")
    pattern[#pattern + 1] = NUMERIC[kind] and "(%-?[%d%.]+)" or WORD[kind] and "([^%s]+)" or "([^\n]-)"
    parts[#parts + 1] = { name = name, translate = star == "*" }
    pos = e + 1
  end
  pattern[#pattern + 1] = template:sub(pos):gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  pattern[#pattern + 1] = "$"
  return table.concat(pattern), parts
end

local catalogues = {}

--- The compiled catalogue of a language: { entries = {{pattern, parts, target}}, exact = {} }.
local function catalogue(lang)
  if catalogues[lang] then return catalogues[lang] end
  local source = require("admit.i18n." .. lang)
  local c = { entries = {}, exact = {} }
  for _, pair in ipairs(source.messages) do
    local en, target = pair[1], pair[2]
    if en:find(PLACEHOLDER) then
      local pattern, parts = compile(en)
      c.entries[#c.entries + 1] = { pattern = pattern, parts = parts, target = target, en = en }
    else
      c.exact[en] = target
    end
  end
  catalogues[lang] = c
  return c
end

local translate_line

--- One template applied to text: the translation, or nil when it does not match or one of
-- its translated parts has no translation.
local function apply(entry, text, c, depth)
  local caps = { text:match(entry.pattern) }
  if #caps == 0 then return nil end
  local values = {}
  for i, part in ipairs(entry.parts) do
    local v = caps[i]
    if part.translate then
      v = translate_line(v, c, depth + 1)
      if not v then return nil end
    end
    values[part.name] = v
  end
  return (entry.target:gsub(PLACEHOLDER, function(name) return values[name] end))
end

-- A location that prefixes a message: file:line:col: or file:line: (kept as it is: editors
-- and scripts read it).
local LOCATIONS = { "^([^\n]-:%d+:%d+: )(.+)$", "^([^\n]-:%d+: )(.+)$" }

--- Translates one line (no newline): the exact catalogue, then the templates, then the
-- location prefix off. Returns nil when nothing translates it.
function translate_line(text, c, depth)
  if depth > 8 then return nil end
  if text == "" then return "" end
  local exact = c.exact[text]
  if exact then return exact end
  for _, entry in ipairs(c.entries) do
    local got = apply(entry, text, c, depth)
    if got then return got end
  end
  for _, loc in ipairs(LOCATIONS) do
    local where, rest = text:match(loc)
    if where then
      local got = translate_line(rest, c, depth + 1)
      if got then return where .. got end
    end
  end
  -- a path or a name before a message ("my folder: ..."): kept, the message translated
  local from = 1
  while true do
    local at = text:find(": ", from, true)
    if not at then break end
    local path = text:sub(1, at - 1)
    if not path:find(": ", 1, true) then
      local got = translate_line(text:sub(at + 2), c, depth + 1)
      if got then return path .. " : " .. got end
    end
    from = at + 2
  end
  -- help texts: a line of option syntax ([--mode student|school]) is kept; an indented
  -- line is its description, after a label of one or two words (an option and its value,
  -- a file name) kept as it is
  if text:match("^%s+%[.*%]$") then return text end
  local indent, body = text:match("^(%s+)(%S.*)$")
  if indent then
    local got = translate_line(body, c, depth + 1)
    if got then return indent .. got end
    for _, label in ipairs { "^(%S+%s%s+)(%S.*)$", "^(%S+ %S+%s%s+)(%S.*)$" } do
      local head, rest = body:match(label)
      if head then
        got = translate_line(rest, c, depth + 1)
        if got then return indent .. head .. got end
      end
    end
  end
  return nil
end

-- Lines of a Lua traceback name code, not things a user reads as a sentence: kept.
local function is_traceback_frame(line)
  return line:match("^\t") ~= nil
end

--- Translates text (one or more lines) into lang (default: the chosen language). Returns
-- the translation and whether all of it was translated; untranslated lines stay in English.
function i18n.translate(text, lang)
  lang = lang or i18n.lang()
  text = tostring(text)
  if lang == "en" then return text, true end
  local c = catalogue(lang)
  local whole = translate_line(text, c, 0)
  if whole then return whole, true end
  -- line by line (a message followed by a usage, a list of commands, a traceback)
  local out, complete = {}, true
  local rest = text
  while rest ~= "" do
    do
      local line, nl, after = rest:match("^([^\n]*)(\n?)(.*)$")
      local got = translate_line(line, c, 0)
      if not got then
        got = line
        if not is_traceback_frame(line) then complete = false end
      end
      out[#out + 1] = got .. nl
      rest = after
    end
  end
  return table.concat(out), complete
end

--- The translation only (for print(i18n.tr(...))).
function i18n.tr(text, lang)
  return (i18n.translate(text, lang))
end

--- string.format, then translated.
function i18n.format(fmt, ...)
  return (i18n.translate(string.format(fmt, ...)))
end

return i18n
