--- admit.cli — `admit COMMAND args`: each lua/admit/commands/<name>.lua is a command,
-- a table { summary = "one line", usage = "text", run = function(args) -> status }.
-- Input errors raise admit.fail (exit 2); run returns the exit status (0 when nil).
local lfs = require "lfs"
local admit = require "admit"
local i18n = require "admit.i18n"

local cli = {}

local commands_dir = admit.lua_dir .. "/admit/commands"

function cli.names()
  local names = {}
  for file in lfs.dir(commands_dir) do
    local name = file:match("^([%w_%-]+)%.lua$")
    if name then names[#names + 1] = name end
  end
  table.sort(names)
  return names
end

function cli.load(name)
  return require("admit.commands." .. name)
end

function cli.command_list()
  local lines = {}
  for _, name in ipairs(cli.names()) do
    -- a broken command must not hide the others (nor break `admit --help`)
    local ok, cmd = pcall(cli.load, name)
    local summary
    if not ok then
      summary = "(cannot be loaded: " .. tostring(cmd):match("^[^\n]*") .. ")"
    else
      summary = type(cmd) == "table" and cmd.summary or ""
    end
    lines[#lines + 1] = string.format("  %-16s %s\n", name, summary)
  end
  return table.concat(lines)
end

local function known(name)
  for _, n in ipairs(cli.names()) do if n == name then return true end end
  return false
end

--- Takes --lang fr|en (or --lang=fr) out of a command's arguments (before any --) and
-- applies it: every command accepts it.
function cli.take_lang(args)
  local kept, i = {}, 1
  while i <= #args do
    local a = args[i]
    local inline = a:match("^%-%-lang=(.*)$")
    if a == "--" then
      table.move(args, i, #args, #kept + 1, kept)
      break
    elseif a == "--lang" or inline then
      local v = inline or args[i + 1]
      if v == nil then admit.fail("option --lang needs a value (fr or en)") end
      admit.check(i18n.set(v))
      if not inline then i = i + 1 end
    else
      kept[#kept + 1] = a
    end
    i = i + 1
  end
  return kept
end

--- An argument that is not UTF-8 text is a usage error (exit 2), found before any
-- command sees it: the text functions (fold, find, the annex search) all expect UTF-8.
-- The bad bytes are shown as \xHH so that the message itself is valid text.
local function check_utf8(args, what)
  for i, a in ipairs(args) do
    local ok, at = utf8.len(a)
    if not ok then
      local shown = a:gsub("[\128-\255]", function(c) return string.format("\\x%02X", c:byte()) end)
      admit.fail(string.format("%s ('%s') is not valid UTF-8 text (at byte %d): give it in UTF-8",
                               what or ("argument " .. i), shown, at))
    end
  end
end

--- Runs command `name` with the list of its arguments; returns the exit status.
function cli.run(name, args)
  check_utf8({ name }, "the command name")
  check_utf8(args)
  args = cli.take_lang(args)
  if not known(name) then
    local hint = "(a script must contain '/' or end in .lua)"
    if lfs.attributes(name, "mode") == "file" then
      hint = string.format("(to run the file '%s' as a script, write ./%s)", name, name)
    end
    local near = admit.suggest(name, cli.names())
    if near then hint = string.format("(did you mean '%s'?)", near) end
    admit.fail(string.format("unknown command '%s' %s\ncommands:\n%s", name, hint,
                             (cli.command_list():gsub("\n$", ""))))
  end
  local cmd = cli.load(name)
  for _, a in ipairs(args) do
    if a == "--help" or a == "-h" then
      io.stdout:write(i18n.tr(cmd.usage or cmd.summary or ""), "\n")
      return 0
    end
  end
  return cmd.run(args) or 0
end

--- A small option parser shared by the commands.
-- spec: { ["--out"] = "value", ["--allow-ties"] = "flag", ... }
-- Returns opts (keys without the dashes, '-' → '_') and the positional arguments.
function cli.parse(args, spec, usage)
  local opts, positional = {}, {}
  local i = 1
  while i <= #args do
    local a = args[i]
    local name, inline = a:match("^(%-%-[%w%-]+)=(.*)$")
    name = name or a
    local kind = spec[name]
    local key = name:gsub("^%-+", ""):gsub("%-", "_")
    if name == "--max-input" and kind == nil then kind = "max_input" end
    if a == "--" then
      for j = i + 1, #args do positional[#positional + 1] = args[j] end
      break
    elseif kind == "flag" then
      opts[key] = true
    elseif kind == "value" then
      local v = inline
      if v == nil then
        i = i + 1
        v = args[i]
      end
      if v == nil then admit.fail(string.format("option %s needs a value\n%s", name, usage or "")) end
      opts[key] = v
    elseif kind == "max_input" then   -- every command takes it: the bound on each input
      local v = inline
      if v == nil then
        i = i + 1
        v = args[i]
      end
      if v == nil then admit.fail(string.format("option %s needs a value\n%s", name, usage or "")) end
      admit.check(admit.max_input(v))
    elseif a:match("^%-%-?%w") then
      local names = {}
      for n in pairs(spec) do names[#names + 1] = n end
      table.sort(names)
      local near = admit.suggest(name, names)
      admit.fail(string.format("unknown option '%s'%s\n%s", a,
        near and string.format(" (did you mean '%s'?)", near) or "", usage or ""))
    else
      positional[#positional + 1] = a
    end
    i = i + 1
  end
  return opts, positional
end

return cli
