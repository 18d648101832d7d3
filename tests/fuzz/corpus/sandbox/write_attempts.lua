-- luacheck: ignore
-- every way to name a file the sandbox might be talked into writing
local W = ...
for _, path in ipairs { W .. "/p.sh", W .. "/../p.sh", "p.sh", "./out" } do
  pcall(function() return admit.call_order({{id = "$(touch x)", rank = 1}}, {}):write(path) end)
  pcall(function() return io.open(path, "w") end)
  pcall(function() return os.remove(path) end)
  pcall(function() return require("io") end)
end
