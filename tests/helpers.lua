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

-- ------------------------------------------------------------ thread counts (tests 21, 26)

--- helpers.run with ADMIT_THREADS set to threads (a count, or a count followed by more
-- environment, e.g. "2 ADMIT_FAST_PATH=0").
function helpers.run_threads(threads, args, stdin)
  return helpers.run(args, stdin, { env = "ADMIT_THREADS=" .. threads })
end

--- admit callorder --min-boursiers 20 --min-residents 30 [extra...] file on that many threads.
function helpers.callorder_threads(threads, file, extra)
  local args = { "callorder", "--min-boursiers", "20", "--min-residents", "30" }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  args[#args + 1] = file
  return helpers.run_threads(threads, args)
end

-- ------------------------------------------------------------ French output checks (tests 22, 27)

-- English words that a French text never holds (matched as whole ASCII words, after the
-- machine tokens are taken out: paths, snake_case names, options, quoted names).
helpers.ENGLISH = {
  "applied", "needed", "of", "placed", "admitted", "resident", "seats", "seat", "formations with",
  "rows", "row", "column", "columns", "round", "rounds", "offers", "offer", "filled", "overfilled",
  "underfilled", "results", "Results", "candidates", "candidate", "unassigned", "the", "with", "and",
  "not met", "met", "policy", "policies", "changed", "before", "after", "days", "behaviour", "open",
  "read", "skipped", "encoding", "separator", "header", "Report", "rebuilt", "share", "written",
  "error", "cannot", "missing", "expected", "got", "file", "folder", "is", "are", "has", "have",
  "empty", "left", "more", "minimum rates", "Minimum", "Totals", "fill", "annex", "lines", "cut",
  "June", "July", "day", "end", "phase:", "Commands", "usage", "needs", "unknown", "wrote",
}

--- The English words left in text (machine tokens taken out first).
function helpers.english_in(text)
  local found, seen = {}, {}
  for line in text:gmatch("[^\n]+") do
    line = line:gsub("^(%s*)%S+(%s+<%-)", "%1%2")            -- --explain: the field's machine name
      :gsub("%S+,%S+", " ")                                 -- a header, a list of columns
      :gsub("'[^']*'", " ")                                 -- quoted names (headers, columns)
      :gsub("%S*[/_]%S*", " ")                              -- paths, snake_case, file names
      :gsub("%-%-?[%w%-]+", " ")                            -- options
      :gsub("%S+%.%a%a%a?%a?", " ")                         -- file names (report.html)
    for _, w in ipairs(helpers.ENGLISH) do
      local pattern = "%f[%a]" .. w:gsub("%p", "%%%0") .. "%f[%A]"
      if line:find(pattern) and not seen[w] then
        seen[w] = true
        found[#found + 1] = w .. " in: " .. line
      end
    end
  end
  return found
end

--- The strict reports of stderr (ADMIT_I18N_STRICT=1: the texts with no French).
function helpers.i18n_misses(err)
  local list = {}
  for text in err:gmatch("admit: i18n%-strict: no French for: ([^\n]*)") do list[#list + 1] = text end
  return list
end

--- Asserts that a run in French said everything in French (no strict report, no common
-- English word left).
function helpers.all_french(out, err, what)
  local misses = helpers.i18n_misses(err)
  if #misses > 0 then
    error(what .. ": no French for:\n  " .. table.concat(misses, "\n  "), 2)
  end
  local words = helpers.english_in(out .. "\n" .. err)
  if #words > 0 then
    error(what .. ": English left in the French output:\n  " .. table.concat(words, "\n  "), 2)
  end
end

return helpers
