--- admit.lang() and admit.tr(text): the language admit speaks to its user ("en" or "fr",
-- from --lang or LC_ALL / LC_MESSAGES / LANG) and admit's English texts in it (lua/admit/i18n.lua).
local i18n = require "admit.i18n"

return function(admit)
  admit.lang = i18n.lang
  admit.tr = i18n.tr
end
