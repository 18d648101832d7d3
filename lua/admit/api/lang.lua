--- admit.lang() and admit.tr(text): the language admit speaks to its user ("en" or "fr",
-- from --lang or LC_ALL / LC_MESSAGES / LANG) and admit's English texts in it (lua/admit/i18n.lua).
local i18n = require "admit.i18n"

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
  if i18n.chosen() then admit.report_lang = i18n.chosen() end
end
