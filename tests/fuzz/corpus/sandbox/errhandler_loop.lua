-- luacheck: ignore
local function loop() assert(pcall(loop)) end return xpcall(loop, loop)