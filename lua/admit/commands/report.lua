--- admit report DIR: report.html made again from an output folder's files.
local admit = require "admit"
local cli = require "admit.cli"

local usage = [[
usage: admit report DIR [--lang fr|en]
Rebuilds DIR/report.html from the files admit wrote in DIR (summary.json, formations.csv,
groups.csv, provenance.json, and comparison.json after admit compare): after a change of
admit, or in the other language. The other files of DIR are left as they are.
  --lang fr|en   the language of the page (default: French)]]

return {
  summary = "rebuild DIR/report.html from an output folder (allocate, compare, make run)",
  usage = usage,
  run = function(args)
    local opts, rest = cli.parse(args, { ["--lang"] = "value" }, usage)
    if #rest ~= 1 then
      admit.fail((#rest == 0 and "the output folder DIR is required" or ("unexpected argument '" .. rest[2] .. "'"))
        .. "\n" .. usage)
    end
    local lang = opts.lang or admit.report_lang or "fr"
    if lang ~= "fr" and lang ~= "en" then admit.fail("--lang: '" .. lang .. "' is not fr or en\n" .. usage) end
    local path = admit.check(admit.rebuild_report(rest[1], { lang = lang }))
    io.stdout:write(require("admit.i18n").t("Report rebuilt: {path}", { path = path }), "\n")
    return 0
  end,
}
