--- Helpers shared by the specs: run the admit binary as a user would.
local helpers = {}

helpers.admit = os.getenv("ADMIT") or "./build/admit"
helpers.root = os.getenv("PWD")

local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
helpers.quote = quote

local function slurp(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end
helpers.slurp = slurp

function helpers.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

function helpers.tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(os.execute("mkdir -p " .. quote(p)))
  return p
end

--- A temporary directory removed by helpers.remove_scratch() (call it in a teardown).
local scratch_dirs = {}
function helpers.scratch()
  local dir = helpers.tmpdir()
  scratch_dirs[#scratch_dirs + 1] = dir
  return dir
end

function helpers.remove_scratch()
  for _, dir in ipairs(scratch_dirs) do os.execute("rm -rf " .. quote(dir)) end
  scratch_dirs = {}
end

--- The absolute path of the admit binary under test.
function helpers.exe()
  local exe = helpers.admit
  if exe:sub(1, 1) ~= "/" then exe = helpers.root .. "/" .. exe end
  return exe
end

--- Runs admit with a list of arguments (strings, quoted for the shell), optional stdin
-- text and options {cwd=, env=}; returns stdout, stderr, exit status.
function helpers.run(args, stdin, opts)
  opts = opts or {}
  local out, err = os.tmpname(), os.tmpname()
  local parts = {}
  for _, a in ipairs(args) do parts[#parts + 1] = quote(a) end
  local exe = helpers.admit
  if exe:sub(1, 1) ~= "/" then exe = helpers.root .. "/" .. exe end
  local cmd = quote(exe) .. " " .. table.concat(parts, " ")
  local infile
  if stdin then
    infile = os.tmpname()
    helpers.write(infile, stdin)
    cmd = cmd .. " < " .. quote(infile)
  else
    cmd = cmd .. " < /dev/null"
  end
  cmd = cmd .. " > " .. quote(out) .. " 2> " .. quote(err)
  if opts.env then cmd = opts.env .. " " .. cmd end
  if opts.cwd then cmd = "cd " .. quote(opts.cwd) .. " && " .. cmd end
  local ok, how, code = os.execute(cmd)
  local o, e = slurp(out), slurp(err)
  os.remove(out); os.remove(err)
  if infile then os.remove(infile) end
  if how == "signal" then code = 128 + code end
  return o, e, ok and 0 or code
end

return helpers
