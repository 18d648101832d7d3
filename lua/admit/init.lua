--- admit — the module every script sees as the global `admit` (and `require "admit"`).
-- Its core is C (admit.core: datasets, loaders, the call-order and allocation engines);
-- each file of lua/admit/api/ adds the Lua-side part of one area, in name order.
local core = require "admit.core"
local lfs = require "lfs"

local admit = {}
for name, value in pairs(core) do admit[name] = value end

admit.lua_dir = core.home .. "/lua"
admit.data_dir = core.home .. "/data"
admit.scripts_dir = core.home .. "/scripts"

--- Structured error for bad input: the host prints "admit: message" (no traceback)
-- and exits with `code` (2 by default, the status of every input error).
-- (No __index: e.__index must not hand out the class to a policy that caught e.)
local InputError = {}
InputError.__tostring = function(e) return e.message end
InputError.__name = "admit.error"
admit.InputError = InputError

function admit.fail(message, code)
  error(setmetatable({ message = tostring(message), exit = code or 2 }, InputError), 0)
end

--- Returns its arguments when the first is not nil, else fails with the message
-- (for the `nil, message` convention of every loader).
function admit.check(value, message, ...)
  if value == nil then admit.fail(message) end
  return value, message, ...
end

-- Areas: lua/admit/api/<area>.lua returns a function(admit) that adds to the module.
local api_dir = admit.lua_dir .. "/admit/api"
local areas = {}
for file in lfs.dir(api_dir) do
  local area = file:match("^([%w_]+)%.lua$")
  if area then areas[#areas + 1] = area end
end
table.sort(areas)
for _, area in ipairs(areas) do
  local install = require("admit.api." .. area)
  install(admit)
end

return admit
