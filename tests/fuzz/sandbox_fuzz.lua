-- tests/fuzz/sandbox_fuzz.lua — a fuzzer for the sandbox itself (issue 9 §8), run by the
-- trusted admit:  admit tests/fuzz/sandbox_fuzz.lua SECONDS [SEED]
--
-- It builds random Lua programs out of what the sandbox exposes (every function reachable
-- from admit.sandbox.env(), found at run time, so that what the sandbox gains is fuzzed
-- too), with hostile arguments (edge numbers, long texts, costly patterns, tables with
-- metamethods that recurse, coroutines, <close> variables, paths into a watched folder),
-- and runs each with `admit --sandbox` under small limits, in an empty watched folder.
-- Each run must:
--   - end by itself within a bound (no signal, no timeout): an exit status 0..125;
--   - say why it failed: a non-zero status comes with "admit: ..." on stderr;
--   - give a limit's own message when one fires (instruction, memory, time);
--   - create no file: the folder it runs in and the folder its arguments name stay empty.
-- The seed corpus (tests/fuzz/corpus/sandbox/*.lua) runs first. A failing program is
-- saved as tests/fuzz/crashes/sandbox-<seed>-<n>.lua. Prints one summary line and ends
-- with "tests: N passed, N failed" (one test: the whole run).
local seconds = tonumber(arg[1]) or 20
local seed = tonumber(arg[2]) or os.time()
math.randomseed(seed)

local function realpath(p)
  local h = io.popen("readlink -f '" .. p:gsub("'", "'\\''") .. "'")
  local r = h:read("l") h:close()
  return r
end
local exe = realpath(arg[-1])                                  -- the admit running this
local root = realpath((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/../..")
local INSTRUCTIONS, MEMORY, SECONDS, WALL = 1000000, 32, 3, 30

local function sh(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
local function slurp(p)
  local f = io.open(p, "rb") if not f then return "" end
  local s = f:read("a") f:close() return s
end
local function tmpdir()
  local p = os.tmpname() os.remove(p)
  assert(os.execute("mkdir -p " .. sh(p)))
  return p
end
local function empty(dir)
  local p = io.popen("ls -A " .. sh(dir))
  local s = p:read("a") p:close()
  return s == ""
end

-- ------------------------------------------------------------ what to call
-- Every function reachable from a fresh sandbox environment, as a path ("string.rep").
local FUNCTIONS = {}
do
  local env = admit.sandbox.env()
  local seen = {}
  local function walk(t, prefix, depth)
    if depth > 2 then return end
    for k, v in pairs(t) do
      if type(k) == "string" and k:match("^[%a_][%w_]*$") then
        local path = prefix and (prefix .. "." .. k) or k
        if type(v) == "function" and not seen[path] then
          seen[path] = true
          FUNCTIONS[#FUNCTIONS + 1] = path
        elseif type(v) == "table" and k ~= "_G" then
          walk(v, path, depth + 1)
        end
      end
    end
  end
  walk(env, nil, 0)
  table.sort(FUNCTIONS)
end

local METHODS = { "write", "save", "export", "rows", "column", "columns", "filter", "find",
  "sort", "close", "classement", "scorer", "matches", "rank", "groups", "to_csv", "csv",
  "json", "xlsx", "dir", "path", "open", "remove", "rename" }

local function pick(t) return t[math.random(#t)] end

-- ------------------------------------------------------------ values
local INTEGERS = { "0", "1", "-1", "2", "3", "7", "100", "2^31", "2^53", "2^62", "1e6",
  "math.maxinteger", "math.mininteger", "math.maxinteger - 1", "-2^63", "1e308", "0/0",
  "1/0", "-1/0", "0.5", "-0.0" }
local STRINGS = { '""', '"a"', '"abc"', '"%b()"', '".-b"', '"(.-)%1"', '"[%a-z]+"', '"%f[%w]%w+"',
  '"^(.*)$"', '"["', '"%"', '"(()"', '"%s*(.-)%s*$"', '"(a*)*b"', '"\\0\\255"', '"\\xff\\xfe"',
  '"é"', '"Lycée"', '"général"', '"techno"', '"pro"', '"%d"', '"%s%s%s"', '"%99999d"', '"<i4"',
  '("a"):rep(1e5)', '("("):rep(1e4)', '("é"):rep(1e4)', '("x"):rep(2^20)', 'W', 'W .. "/f"',
  'W .. "/../x"', '"/tmp"', '"."', '"out.csv"', '"$(touch x)"' }
local FUNCTION_VALUES = { "function() end", "function(...) return ... end",
  "function() error('e') end", "function() error({}) end", "function() while true do end end",
  "function(a, b) return a < b end", "function(x) return x end", "R", "print", "tostring",
  "coroutine.yield", "function() return coroutine.yield(1) end" }
local METAMETHODS = { "__index", "__newindex", "__call", "__eq", "__lt", "__le", "__len",
  "__concat", "__tostring", "__close", "__unm", "__add", "__pairs", "__metatable", "__name",
  "__mode", "__gc", "__idiv", "__mod" }

local value
local function table_value(depth)
  local n = math.random(0, 4)
  local parts = {}
  for _ = 1, n do
    if math.random() < 0.5 then parts[#parts + 1] = value(depth + 1)
    else parts[#parts + 1] = "[" .. pick(STRINGS) .. "] = " .. value(depth + 1) end
  end
  local t = "{" .. table.concat(parts, ", ") .. "}"
  if math.random() < 0.3 then
    local mm = pick(METAMETHODS)
    local v = math.random() < 0.5 and pick(FUNCTION_VALUES) or "T"
    t = "setmetatable(" .. t .. ", {" .. mm .. " = " .. v .. "})"
  end
  return t
end

value = function(depth)
  depth = depth or 0
  local r = math.random()
  if depth > 2 or r < 0.3 then return pick(INTEGERS) end
  if r < 0.6 then return pick(STRINGS) end
  if r < 0.75 then return pick(FUNCTION_VALUES) end
  if r < 0.9 then return table_value(depth) end
  if r < 0.95 then return "coroutine.create(" .. pick(FUNCTION_VALUES) .. ")" end
  return "R[" .. math.random(1, 8) .. "]"
end

-- ------------------------------------------------------------ statements
local function call_parts(depth)
  local args = {}
  for i = 1, math.random(0, 4) do args[i] = value(depth) end
  return pick(FUNCTIONS), table.concat(args, ", ")
end
local function call_expr(depth)
  local fn, args = call_parts(depth)
  return fn .. "(" .. args .. ")"
end

local statement
local function block(depth)
  local out = {}
  for _ = 1, math.random(1, 4) do out[#out + 1] = statement(depth + 1) end
  return table.concat(out, "\n")
end

local STATEMENTS = {
  function(d) return "R[#R % 8 + 1] = select(2, pcall(function() return " .. call_expr(d) .. " end))" end,
  function(d) local fn, args = call_parts(d) return "pcall(" .. fn .. (args ~= "" and ", " .. args or "") .. ")" end,
  function() return "pcall(function() return R[" .. math.random(1, 8) .. "]:" .. pick(METHODS) .. "(W .. '/m" .. math.random(9) .. "') end)" end,
  function(d) return "for i = 1, " .. pick { "3", "100", "1e4", "1e9" } .. " do\n" .. block(d) .. "\nend" end,
  function(d) return "do local c <close> = setmetatable({}, {__close = " .. pick(FUNCTION_VALUES) .. "})\n" .. block(d) .. "\nend" end,
  function(d) return "pcall(coroutine.wrap(function()\n" .. block(d) .. "\nend))" end,
  function(d) return "local co = coroutine.create(function()\n" .. block(d) .. "\ncoroutine.yield()\nend) coroutine.resume(co) pcall(coroutine.close, co)" end,
  function(d) return "xpcall(function()\n" .. block(d) .. "\nend, " .. pick(FUNCTION_VALUES) .. ")" end,
  function() return "local function rec(n) " .. pick { "return rec(n + 1) + 1", "return pcall(rec, n + 1)", "local t <close> = setmetatable({}, {__close = function() rec(n + 1) end})", "return (tostring(n):gsub('.', function() return rec(n + 1) end))" } .. " end pcall(rec, 1)" end,
  function() return "pcall(load(" .. pick { '"return " .. ("("):rep(1e5)', '("x = 1 "):rep(1e4)', '"while true do end"', '"return ..."', '"\\27Lua"', 'string.rep("{", 1e5)' } .. "))" end,
  function(d) return "T = " .. table_value(d) end,
  function() return "S = (S or '') .. " .. pick(STRINGS) end,
  function() return "pcall(string.rep, S or 'x', " .. pick(INTEGERS) .. ")" end,
}

statement = function(depth)
  if depth > 3 then return STATEMENTS[1](depth) end
  return pick(STATEMENTS)(depth)
end

local function program()
  return "local W = ...\nR = {}\n" .. block(0) .. "\n"
end

-- ------------------------------------------------------------ one run
local crashes = root .. "/tests/fuzz/crashes"
local failures, runs = 0, 0

local function check(source, label)
  runs = runs + 1
  local cwd, watched = tmpdir(), tmpdir()
  local prog = os.tmpname()
  local f = assert(io.open(prog, "wb")) f:write(source) f:close()
  local out, err = os.tmpname(), os.tmpname()
  local cmd = string.format("cd %s && timeout %d %s --sandbox --max-instructions %d --max-memory %d "
    .. "--max-seconds %d %s %s > %s 2> %s < /dev/null", sh(cwd), WALL, sh(exe), INSTRUCTIONS,
    MEMORY, SECONDS, sh(prog), sh(watched), sh(out), sh(err))
  local ok, how, code = os.execute(cmd)
  if how == "signal" then code = 128 + code end
  code = ok and 0 or code
  local e = slurp(err)
  local why
  if code == 124 then why = "did not end within " .. WALL .. " s"
  elseif code > 125 then why = "ended by a signal (status " .. code .. ")"
  elseif code ~= 0 and not e:match("^admit: ") then why = "failed without an 'admit: ' message"
  elseif e:find("instruction limit reached", 1, true)
    and not e:find("instruction limit reached (" .. INSTRUCTIONS .. " instructions): the script was stopped", 1, true) then
    why = "a wrong instruction-limit message"
  elseif e:find("time limit reached", 1, true)
    and e ~= "admit: time limit reached (" .. SECONDS .. " s of CPU time): the run was stopped\n" then
    why = "a wrong time-limit message"
  elseif e:find("runtime error:", 1, true) or e:find("Sanitizer", 1, true) then
    why = "a sanitizer report"
  elseif not empty(cwd) or not empty(watched) then why = "created a file" end
  os.execute("rm -rf " .. sh(cwd) .. " " .. sh(watched))
  os.remove(prog) os.remove(out) os.remove(err)
  if why then
    failures = failures + 1
    os.execute("mkdir -p " .. sh(crashes))
    local saved = string.format("%s/sandbox-%d-%d.lua", crashes, seed, runs)
    local s = assert(io.open(saved, "wb")) s:write(source) s:close()
    print(string.format("fuzz sandbox: %s: %s (status %d; saved as %s)\n%s", label, why, code,
                        saved, e:sub(1, 400)))
  end
end

-- the seed corpus first
local corpus = root .. "/tests/fuzz/corpus/sandbox"
local list = io.popen("ls " .. sh(corpus) .. " 2>/dev/null")
for name in list:lines() do check(slurp(corpus .. "/" .. name), "corpus " .. name) end
list:close()

local start = os.time()
while os.time() - start < seconds do
  check(program(), "generated #" .. runs)
end
print(string.format("fuzz sandbox: %d programs (seed %d, %d functions) in %d s, %d failing",
                    runs, seed, #FUNCTIONS, os.time() - start, failures))
print(string.format("tests: %d passed, %d failed", failures == 0 and 1 or 0, failures == 0 and 0 or 1))
os.exit(failures == 0 and 0 or 1)
