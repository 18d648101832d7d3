-- luacheck: ignore
return load("return " .. ("("):rep(1e6) .. "1" .. (")"):rep(1e6))