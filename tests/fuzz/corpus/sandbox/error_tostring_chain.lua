-- luacheck: ignore
local mt = {} mt.__tostring = function() error(setmetatable({}, mt)) end error(setmetatable({}, mt))