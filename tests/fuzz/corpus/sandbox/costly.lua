-- luacheck: ignore
-- costly C calls under the fuzzer's small budget
local s = ("a"):rep(99999)
print(pcall(s.find, s, ".-b"))
print(pcall(string.find, ("("):rep(200000), "%b()"))
local t = {} for i = 1, 9e5 do t[i] = i end
while true do table.insert(t, 1, 0) end
