-- luacheck: ignore
local co = coroutine.create(function() end)
for i = 1, 200000 do local prev = co
  co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() assert(coroutine.close(prev)) end}) coroutine.yield() end)
  coroutine.resume(co) end
assert(coroutine.close(co))