-- luacheck: ignore
-- a limit reached stays reached
print(pcall(string.rep, "x", 2^62))
for i = 1, 3 do pcall(table.move, {}, 1, math.maxinteger, 2) end
print("went on")
