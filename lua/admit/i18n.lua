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

-- {name}: kept as it is; {name*}: translated too (the template does not apply when that
-- part has no translation); {name?}: translated when it can be, else kept as it is and, in
-- strict mode, reported (a policy's own error message, which admit cannot know, inside an
-- admit message that must still be shown in French).
local PLACEHOLDER = "{([%w_]+)([%*%?]?)}"

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
    parts[#parts + 1] = { name = name, translate = star == "*", optional = star == "?" }
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
  local c = { entries = {}, exact = {}, templates = {}, kept = {} }
  for _, pair in ipairs(source.messages) do
    local en, target = pair[1], pair[2]
    if en:find(PLACEHOLDER) then
      c.templates[en] = c.templates[en] or target
      local pattern, parts = compile(en)
      c.entries[#c.entries + 1] = { pattern = pattern, parts = parts, target = target, en = en }
    else
      c.exact[en] = target
    end
  end
  -- templates of texts admit builds in the language (i18n.t): looked up, never matched
  for _, pair in ipairs(source.built or {}) do
    c.templates[pair[1]] = c.templates[pair[1]] or pair[2]
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
  local values, kept = {}, {}
  for i, part in ipairs(entry.parts) do
    local v = caps[i]
    if part.translate then
      v = translate_line(v, c, depth + 1)
      if not v then return nil end
    elseif part.optional then
      local got = translate_line(v, c, depth + 1)
      if got then v = got else kept[#kept + 1] = v end
    end
    values[part.name] = v
  end
  for _, k in ipairs(kept) do c.kept[#c.kept + 1] = k end
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
  -- a location first, so that no template ("{word}: {rest*}") takes it for a name
  for _, loc in ipairs(LOCATIONS) do
    local where, rest = text:match(loc)
    -- a location has no ": " in it: "policy 'p' (f.lua:3): ... f.lua:3: msg" is a message
    if where and not where:sub(1, -3):find(": ", 1, true) then
      local got = translate_line(rest, c, depth + 1)
      if got then return where .. got end
    end
  end
  for _, entry in ipairs(c.entries) do
    local got = apply(entry, text, c, depth)
    if got then return got end
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
-- the translation and whether all of it was translated; untranslated lines stay in English
-- (and are recorded, see i18n.missing).
-- quiet: a text that may well be the user's own (a title they gave): not recorded as missing.
function i18n.translate(text, lang, quiet)
  lang = lang or i18n.lang()
  text = tostring(text)
  if lang == "en" then return text, true end
  local c = catalogue(lang)
  c.kept = {}
  local whole = translate_line(text, c, 0)
  -- {name?} parts kept in English: the text is shown, the part recorded as missing
  local function report_kept()
    if lang == "fr" and not quiet then
      for _, k in ipairs(c.kept) do i18n.missing(k) end
    end
    c.kept = {}
  end
  if whole then report_kept() return whole, true end
  c.kept = {}
  -- line by line (a message followed by a usage, a list of commands, a traceback)
  local out, complete = {}, true
  local rest = text
  while rest ~= "" do
    do
      local line, nl, after = rest:match("^([^\n]*)(\n?)(.*)$")
      local got = translate_line(line, c, 0)
      if not got then
        got = line
        if not is_traceback_frame(line) then
          complete = false
          if lang == "fr" and not quiet then i18n.missing(line) end
        end
      end
      out[#out + 1] = got .. nl
      rest = after
      report_kept()
    end
  end
  return table.concat(out), complete
end

-- ------------------------------------------------------------ strict mode

-- ADMIT_I18N_STRICT=1: every text shown in French that has no catalogue entry is reported
-- on standard error ("admit: i18n-strict: no French for: ..."), once per text, so that a
-- run of every command finds the texts left in English (tests/22-lang_strict_spec.lua).
local strict = os.getenv("ADMIT_I18N_STRICT")
strict = strict ~= nil and strict ~= "" and strict ~= "0"
local missed = {}

--- Records a text that has no French: reported at once in strict mode. Returns nothing.
function i18n.missing(text)
  text = tostring(text)
  if missed[text] then return end
  missed[text] = true
  missed[#missed + 1] = text
  if strict then pcall(io.stderr.write, io.stderr, "admit: i18n-strict: no French for: ", text, "\n") end
end

--- The texts recorded as missing a French translation so far (a list, in order).
function i18n.missed()
  return table.move(missed, 1, #missed, 1, {})
end

--- Whether strict mode is on (ADMIT_I18N_STRICT set, not 0).
function i18n.strict()
  return strict
end

--- The translation only (for print(i18n.tr(...))).
function i18n.tr(text, lang)
  return (i18n.translate(text, lang))
end

--- string.format, then translated.
function i18n.format(fmt, ...)
  return (i18n.translate(string.format(fmt, ...)))
end

-- ------------------------------------------------------------ messages built in a language

--- A message from its English template: i18n.t("{a} of {b} admitted", {a = 3, b = 4}
-- [, lang]). In French the template's catalogue entry gives the French template (looked up
-- by the template itself, so that the values never need to match a pattern: names with
-- spaces, numbers already written the French way); a template with no entry stays English
-- and is recorded (strict mode). {name*} values are translated.
function i18n.t(template, values, lang)
  lang = lang or i18n.lang()
  values = values or {}
  local target = template
  if lang ~= "en" then
    local c = catalogue(lang)
    local entry = c.exact[template] or c.templates[template]
    if entry then target = entry else i18n.missing(template) end
  end
  return (target:gsub(PLACEHOLDER, function(name, star)
    local v = values[name]
    if v == nil then return "{" .. name .. star .. "}" end
    v = tostring(v)
    if lang ~= "en" and template:find("{" .. name .. "*}", 1, true) then v = i18n.t(v, nil, lang) end
    return v
  end))
end

--- i18n.t of the singular or the plural template for n, by the language's rule: English
-- takes the singular for 1 only, French for 0 and 1 ("0 candidat", "1 candidat", "2 candidats").
function i18n.count(n, one, many, lang)
  lang = lang or i18n.lang()
  local singular = lang == "fr" and (n == 0 or n == 1) or (lang ~= "fr" and n == 1)
  return i18n.t(singular and one or many, { n = n }, lang)
end

--- Whether the catalogue of lang has an entry for template (as i18n.t looks it up).
function i18n.has(template, lang)
  if lang == "en" then return true end
  local c = catalogue(lang)
  return c.exact[template] ~= nil or c.templates[template] ~= nil
end

-- ------------------------------------------------------------ numbers in text

-- French text (terminal and report.html in French, never CSV/JSON/XLSX cell values, which
-- stay machine numbers): a decimal comma, and a narrow no-break space (U+202F, as CLDR
-- writes fr) before % and between thousands. English: a decimal point, % glued to the number.
local NNBSP = "\u{202F}"
i18n.NNBSP = NNBSP

--- x with `decimals` digits after the separator (string.format rounding), in lang.
function i18n.decimal(x, decimals, lang)
  local s = string.format("%." .. (decimals or 1) .. "f", x)
  if (lang or i18n.lang()) == "fr" then s = s:gsub("%.", ",") end
  return s
end

--- A number already written with a point (e.g. "97.3") followed by %, in lang: "97.3%" or
-- "97,3 %" (narrow no-break space).
function i18n.percent_text(s, lang)
  if (lang or i18n.lang()) == "fr" then return (tostring(s):gsub("%.", ",")) .. NNBSP .. "%" end
  return tostring(s) .. "%"
end

--- 100 * part / whole with one decimal and %, in lang; "—" when whole is 0.
function i18n.percent(part, whole, lang)
  if whole == 0 then return "—" end
  return i18n.percent_text(string.format("%.1f", 100 * part / whole), lang)
end

-- ------------------------------------------------------------ terminal columns

--- The width of s on a terminal, in characters (code points; bytes where s is not UTF-8):
-- "Besançon" is 8 wide, not 9.
function i18n.width(s)
  s = tostring(s)
  return utf8.len(s) or #s
end

--- s padded with spaces to width characters, on the right (align "l", default) or the left ("r").
function i18n.pad(s, width, align)
  s = tostring(s)
  local fill = string.rep(" ", math.max(0, width - i18n.width(s)))
  if align == "r" then return fill .. s end
  return s .. fill
end

--- Lines of a table whose columns are as wide as their widest cell (in characters):
-- rows is a list of lists of cells, align a list of "l" / "r" per column; indent before each
-- line, sep between cells (default two spaces). The last cell of a left-aligned column at the
-- end of a line is not padded.
function i18n.columns(rows, align, indent, sep)
  local widths = {}
  for _, row in ipairs(rows) do
    for k, cell in ipairs(row) do widths[k] = math.max(widths[k] or 0, i18n.width(cell)) end
  end
  local lines = {}
  for i, row in ipairs(rows) do
    local cells = {}
    for k, cell in ipairs(row) do
      local a = align[k] or "l"
      cells[k] = (k == #row and a ~= "r") and tostring(cell) or i18n.pad(cell, widths[k], a)
    end
    lines[i] = (indent or "") .. table.concat(cells, sep or "  ")
  end
  return lines
end

return i18n
