-- luacheck configuration: `luacheck lua scripts tests` must be clean (run by .ci/run).
std = "lua54"
max_line_length = false          -- long lines are allowed (tables of messages, SQL-like specs)
codes = true
-- admit's own global, given to every script by the host.
read_globals = { "admit" }

-- Specs may add fields to admit (spec helpers); they run under busted.
files["tests"] = { std = "+busted", globals = { "admit" } }
files["tests/tap.lua"] = { unused_args = false }
-- Scripts run by admit receive `arg` like lua(1) scripts do.
files["scripts"] = { read_globals = { "admit", "arg" } }
