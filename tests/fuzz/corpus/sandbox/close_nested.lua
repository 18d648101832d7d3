-- luacheck: ignore
local function f(n) local x <close> = setmetatable({}, {__close = function() if n > 0 then f(n - 1) end end}) end f(1e6)