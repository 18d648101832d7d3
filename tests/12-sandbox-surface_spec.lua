-- The sandbox's surface (issue 9 §1, §2, §7): what a sandboxed script or policy can call
-- is exactly the list of SCRIPTING.md §6, none of it writes a file, none of it is shared
-- writable state of admit, and a policy's failures are blamed on its own lines.
package.path = "tests/?.lua;" .. package.path
local h = require "helpers"
local walk = require "surface_walk"
local sandbox = admit.sandbox

local function try(source, ...)
  local fn = sandbox.load(source, "=policy")
  return pcall(fn, ...)
end

local function rows() return { { id = "1", rank = 1, bac = "techno", boursier = true, resident = false, maths = 12 },
               { id = "2", rank = 2, bac = "general", boursier = false, resident = true, maths = 15 } } end

-- Objects the host may hand to a policy (made trusted, seen through the sandbox's view).
local function host_objects()
  local c = admit.check(admit.candidates("tests/fixtures/callorder/candidates.csv"))
  local r = c:rank { by = "moyenne", desc = true }
  local d = "tests/fixtures/sim/hand"
  local p = admit.check(admit.sim_load(d .. "/formations.csv", d .. "/candidates.csv", d .. "/wishes.csv"))
  local s = p:run("student")
  local view = sandbox.readonly { candidates = c, ranking = r, problem = p, simulation = s }
  return { ["admit.candidates"] = view.candidates, ["admit.ranking"] = view.ranking,
           ["admit.problem"] = view.problem, ["admit.simulation"] = view.simulation }
end

-- How the spec calls each admit function and method it finds ("kind.name" -> function(obj)
-- -> list of argument lists; fails = true: the call is expected to raise, and its error is
-- walked). A function of admit reachable from the sandbox with no row here fails the spec.
local function self_and(...) local extra = table.pack(...) return function(obj)
  return { table.pack(obj, table.unpack(extra, 1, extra.n)) } end end
local function samples() return {
  ["admit.annexes"] = function() return { {} } end,
  ["admit.bac_of"] = function() return { { { bac = "techno" } }, { {} } } end,
  ["admit.call_order"] = function() return { { rows(), { boursier = 50 } } } end,
  ["admit.check"] = function() return { { 1, "m" } } end,
  ["admit.fail"] = function() return { { "no", 2, fails = true } } end,
  ["admit.fold"] = function() return { { "Lycée" } } end,
  ["admit.nfc"] = function() return { { "e\u{301}" } } end,
  ["admit.groups_split"] = function() return { { 10, 20, 30 } } end,
  ["admit.id_before"] = function() return { { "1", "2" } } end,
  ["admit.is_policy"] = function() return { { {} } } end,
  ["admit.policy"] = function() return { { { name = "x", rank = function(c) return c.maths end,
    groups = function(_, caps) return caps end } } } end,
  ["admit.error.__tostring"] = self_and(),
  ["admit.policy.__tostring"] = self_and(),
  ["admit.policy.matches"] = self_and { establishment = "Lille" },
  ["admit.policy.classement"] = self_and({}, rows()),
  ["admit.policy.capacities"] = self_and({}, { techno = 1, pro = 1, other = 1 }, rows()),
  ["admit.policy.scorer"] = self_and(),
  ["admit.policy.rank"] = function() return { { rows()[1] } } end,
  ["admit.policy.groups"] = function() return { { {}, { techno = 1, pro = 0, other = 2 }, rows() } } end,
  ["admit.callorder.rows"] = self_and(),
  ["admit.callorder.ids"] = self_and(),
  ["admit.dataset.rows"] = self_and(),
  ["admit.dataset.find"] = self_and("informatique"),
  ["admit.dataset.min_rate"] = self_and("IUT d'Amiens", "BUT - Informatique"),
  ["admit.dataset.table"] = self_and(2),
  ["admit.candidates.rows"] = self_and(),
  ["admit.candidates.column"] = self_and("maths"),
  ["admit.candidates.columns"] = self_and(),
  ["admit.candidates.filter"] = self_and(function(row) return row.boursier end),
  ["admit.candidates.find"] = function(c) return { { c, c[1].id } } end,
  ["admit.candidates.rank"] = self_and(function(row) return row.maths or 0 end),
  ["admit.ranking.rows"] = self_and(),
  ["admit.ranking.ids"] = self_and(),
  ["admit.ranking.filter"] = self_and(function(row) return row.boursier end),
  ["admit.ranking.bac"] = self_and("techno"),
  ["admit.ranking.candidates"] = self_and(),
  ["admit.problem.formation"] = self_and(1),
  ["admit.problem.applicants"] = self_and(1),
  ["admit.simulation.assignments"] = self_and(),
  ["admit.simulation.formations"] = self_and(),
  ["admit.simulation.wishes"] = self_and(),
} end

-- The list of SCRIPTING.md §6 "Everything a sandboxed script can call": kind -> names.
local function documented()
  local doc = h.slurp(h.root .. "/SCRIPTING.md")
  local section = doc:match("\n### Everything a sandboxed script can call\n(.-)\n###")
  assert(section, "SCRIPTING.md §6 has no section 'Everything a sandboxed script can call'")
  local list = {}
  for kind, names in section:gmatch("\n| `([^`]+)`[^|]*| ([^\n]-) |") do
    if kind ~= "Kind" then
      list[kind] = {}
      for name in names:gmatch("`([^`]+)`") do list[kind][name] = true end
    end
  end
  return list
end

local function names_of(set)
  local out = {}
  for n in pairs(set or {}) do out[#out + 1] = n end
  table.sort(out)
  return out
end

describe("the sandbox's surface is the documented list", function()
  local surface, missing = walk.surface(sandbox.env(), samples(), host_objects())
  local doc = documented()

  it("every admit function and method reachable is called by this walk", function()
    assert.are.same({}, missing)
  end)

  it("finds the kinds of things a script can reach", function()
    for _, kind in ipairs { "_G", "string", "table", "math", "utf8", "coroutine", "os", "admit",
                            '("")', "admit.policy", "admit.error", "admit.callorder", "admit.dataset",
                            "admit.candidates", "admit.ranking", "admit.problem", "admit.simulation" } do
      assert.is_truthy(surface[kind], kind)
    end
  end)

  local kinds = {}
  for k in pairs(surface) do kinds[k] = true end
  for k in pairs(doc) do kinds[k] = true end
  for _, kind in ipairs(names_of(kinds)) do
    it("what a script can call on " .. kind .. " is what SCRIPTING.md §6 lists", function()
      assert.are.same(names_of(doc[kind]), names_of(surface[kind]))
    end)
  end

  it("the proxies' methods are the C allow-list (src/sandbox_view.c)", function()
    for class, methods in pairs(sandbox.confined_classes()) do
      for _, m in ipairs(methods) do
        assert.is_true(doc[class] ~= nil and doc[class][m] == true, class .. ":" .. m)
      end
    end
  end)

  it("nothing reachable is named like a writer", function()
    local WRITERS = { write = true, export = true, write_dir = true, write_file = true,
      save = true, dump = true, remove = true, rename = true, open = true, popen = true,
      execute = true, output = true, input = true, lines = true, tmpname = true, exit = true }
    for kind, set in pairs(surface) do
      for name in pairs(set) do
        -- (table.remove removes from a table)
        assert.is_true(not WRITERS[name] or (kind == "table" and name == "remove"), kind .. "." .. name)
      end
    end
  end)
end)

describe("nothing the sandbox reaches is shared writable state", function()
  -- Two fresh environments, each walked: a table both reach is shared (admit's, or the
  -- host's); writing it, by assignment or rawset, must fail in each.
  local env1, env2 = sandbox.env(), sandbox.env()
  local _, _, tables1 = walk.surface(env1, samples(), host_objects())
  local _, _, tables2 = walk.surface(env2, samples(), host_objects())
  local shared = {}
  for t in pairs(tables1) do if tables2[t] then shared[#shared + 1] = t end end

  it("walks a surface with many tables", function()
    local n = 0
    for _ in pairs(tables1) do n = n + 1 end
    assert.is_true(n > 20, "only " .. n .. " tables")
  end)

  it("no table is reached from two environments unless it refuses writes", function()
    for _, t in ipairs(shared) do
      local label = tostring(t)
      local kv = {} for k, v in pairs(t) do kv[#kv + 1] = tostring(k) .. "=" .. tostring(v) end
      label = label .. " {" .. table.concat(kv, ", ") .. "} mt " .. tostring(debug.getmetatable(t) and debug.getmetatable(t).__name)
      assert.is_false(pcall(function() t.__sandbox_probe = true end), label)
      assert.is_false(pcall(env1.rawset, t, "__sandbox_probe", true), label)
      assert.is_nil(rawget(t, "__sandbox_probe"), label)
    end
  end)
end)
