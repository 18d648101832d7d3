--- admit.lang() and admit.tr(text): the language admit speaks to its user ("en" or "fr",
-- from --lang or LC_ALL / LC_MESSAGES / LANG) and admit's English texts in it (lua/admit/i18n.lua).
local i18n = require "admit.i18n"

-- The report's language from the environment: French for a French locale, English for
-- another named language (en_GB, de_DE...), nil for none or the C / POSIX locale, where
-- the report stays in French, the officers' language.
local function report_lang_from_env()
  for _, var in ipairs { "LC_ALL", "LC_MESSAGES", "LANG" } do
    local v = os.getenv(var)
    if v and v ~= "" then
      if v:match("^fr") then return "fr" end
      if v:match("^%l%l%l?[_.@]") or v:match("^%l%l%l?$") then return "en" end
      return nil
    end
  end
  return nil
end

return function(admit)
  admit.lang = i18n.lang
  admit.tr = i18n.tr
  -- report.html and results.xlsx are French unless asked otherwise (admit.report_lang,
  -- api/report.lua); --lang asks for their language too
  local set = i18n.set
  function i18n.set(lang)
    local ok, err = set(lang)
    if ok then admit.report_lang = lang end
    return ok, err
  end
  admit.report_lang = i18n.chosen() or report_lang_from_env()
end
