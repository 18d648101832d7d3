--- admit help [COMMAND]: the list of commands, or one command's usage.
local cli = require "admit.cli"
local admit = require "admit"
local i18n = require "admit.i18n"

return {
  summary = "list the commands, or show how to use one: admit help COMMAND",
  usage = "usage: admit help [COMMAND]",
  run = function(args)
    local name = args[1]
    if not name then
      io.stdout:write(i18n.tr("Commands:\n" .. cli.command_list()
                      .. "Run 'admit help COMMAND' or 'admit COMMAND --help' for its options.\n"))
      return 0
    end
    for _, n in ipairs(cli.names()) do
      if n == name then
        local cmd = cli.load(name)
        io.stdout:write(i18n.tr(cmd.usage or cmd.summary), "\n")
        return 0
      end
    end
    admit.fail(string.format("unknown command '%s'\ncommands:\n%s", name,
                             (cli.command_list():gsub("\n$", ""))))
  end,
}
