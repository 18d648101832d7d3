-- French and English (issue 10 §2): --lang fr|en on every command, the default from
-- LC_ALL / LC_MESSAGES / LANG, every bad-input row of tests/11-badinput_spec.lua shown
-- translated to a French user, help texts and summaries in both languages, machine
-- formats unchanged.
local h = require "helpers"
local admit = require "admit"
local i18n = require "admit.i18n"

local EN = "LC_ALL= LC_MESSAGES= LANG=C.UTF-8"
local FR = "LC_ALL= LC_MESSAGES= LANG=fr_FR.UTF-8"

--- The rows of the bad-input table (the spec file returns them; its describe/it do nothing here).
local function badinput_table()
  local env = setmetatable({
    describe = function() end, it = function() end, pending = function() end,
    after_each = function() end, before_each = function() end, setup = function() end,
    teardown = function() end,
  }, { __index = _G })
  return assert(loadfile(h.root .. "/tests/11-badinput_spec.lua", "t", env))()
end

--- The message of an "admit: message" report.
local function message_of(err)
  return (err:gsub("^admit: ", ""):gsub("\n$", ""))
end

--- Asserts that text has a complete French translation and returns it.
local function french(text)
  local fr, complete = i18n.translate(text, "fr")
  if not complete then
    local missing = {}
    for line in (text .. "\n"):gmatch("([^\n]*)\n") do
      local _, ok = i18n.translate(line, "fr")
      if not ok then missing[#missing + 1] = line end
    end
    error("no French translation for:\n  " .. table.concat(missing, "\n  "), 2)
  end
  return fr
end

describe("every bad-input row, in French", function()
  after_each(h.remove_scratch)
  local t = badinput_table()
  for _, case in ipairs(t.cases) do
    local K = t.kinds[case.kind]
    local args = case.cli or K.cli
    if args and not case.ok and not case.pending then
      it(case.kind .. " × " .. case[1] .. " (CLI)", function()
        local dir = t.prepare(case)
        local stdin = K.stdin and case.text or nil
        local _, err_en, code_en = h.run(args, stdin, { cwd = dir, env = EN })
        local out, err, code = h.run(args, stdin, { cwd = dir, env = FR })
        assert.are.equal("", out)
        assert.are.equal(code_en, code)
        local en = message_of(err_en)
        local fr = french(en)
        assert.are_not.equal(en, fr)
        assert.are.equal("admit: " .. fr .. "\n", err)
        -- --lang fr says the same whatever the environment
        local args_fr = { "--lang", "fr" }
        for _, a in ipairs(args) do args_fr[#args_fr + 1] = a end
        local _, err2 = h.run(args_fr, stdin, { cwd = dir, env = EN })
        assert.are.equal(err, err2)
      end)
    end
    if K.api and not case.no_api and not case.ok and not case.pending then
      it(case.kind .. " × " .. case[1] .. " (API message, translated for display)", function()
        local dir = t.prepare(case)
        local ok, v, msg = pcall(K.api, dir)
        local got = not ok and (type(v) == "table" and v.message or tostring(v)) or msg
        assert.is_string(got)
        -- the API itself answers in English (scripts match its messages)
        assert.are_not.equal(french(got), got)
      end)
    end
  end
end)

describe("help texts in both languages", function()
  local cli = require "admit.cli"
  local function check(args)
    local en, err_en, code_en = h.run(args, nil, { env = EN })
    assert.are.equal("", err_en)
    assert.are.equal(0, code_en)
    local fr = french(en)
    assert.are_not.equal(en, fr)
    local got, err, code = h.run(args, nil, { env = FR })
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.are.equal(fr, got)
    return en, fr
  end
  it("admit --help, in French from LANG, every line translated", function()
    local _, fr = check { "--help" }
    assert.matches("^utilisation : admit %[options%]", fr)
    assert.matches("\nCommandes :\n  allocate +affecte les places", fr)
  end)
  it("admit help", function() check { "help" } end)
  for _, name in ipairs(cli.names()) do
    it("admit " .. name .. " --help", function() check { name, "--help" } end)
    it("admit help " .. name, function() check { "help", name } end)
  end
end)

describe("choosing the language", function()
  local cases = {
    { "LANG=fr_FR.UTF-8", "fr" }, { "LANG=fr_CA.UTF-8", "fr" }, { "LANG=fr", "fr" },
    { "LANG=en_GB.UTF-8", "en" }, { "LANG=C", "en" }, { "LANG=de_DE.UTF-8", "en" }, { "", "en" },
    { "LANG=fr_FR.UTF-8 LC_ALL=C", "en" }, { "LANG=C LC_ALL=fr_BE.UTF-8", "fr" },
    { "LANG=C LC_MESSAGES=fr_FR.UTF-8", "fr" }, { "LANG=fr_FR.UTF-8 LC_MESSAGES=en_US.UTF-8", "en" },
    { "LC_ALL= LANG=fr_FR.UTF-8", "fr" },
  }
  for _, c in ipairs(cases) do
    it("env [" .. c[1] .. "] → " .. c[2], function()
      local out, err, code = h.run({ "-e", "io.write(require('admit.i18n').lang())" }, nil,
        { env = "env -u LC_ALL -u LC_MESSAGES -u LANG " .. c[1] })
      assert.are.equal("", err)
      assert.are.equal(0, code)
      assert.are.equal(c[2], out)
    end)
  end
  it("--lang wins over the environment, before a script or on a command", function()
    local out = h.run({ "--lang", "en", "-e", "io.write(require('admit.i18n').lang())" }, nil, { env = FR })
    assert.are.equal("en", out)
    out = h.run({ "--lang=fr", "-e", "io.write(require('admit.i18n').lang())" }, nil, { env = EN })
    assert.are.equal("fr", out)
    local _, err, code = h.run({ "callorder", "--lang", "fr", "--min-boursiers", "x" }, "", { env = EN })
    assert.are.equal(2, code)
    assert.are.equal("admit: --min-boursiers : le taux doit être un entier de 0 à 100, lu 'x'\n", err)
    _, err, code = h.run({ "callorder", "--min-boursiers", "x", "--lang=en" }, "", { env = FR })
    assert.are.equal(2, code)
    assert.are.equal("admit: --min-boursiers: the rate must be an integer from 0 to 100, got 'x'\n", err)
  end)
  local bad = {
    { { "--lang", "de", "-e", "" }, "admit: --lang : 'de' n'est ni fr ni en\n" },
    { { "--lang" }, "admit: '--lang' demande un argument\n" },
    { { "annexes", "--lang", "es" }, "admit: --lang : 'es' n'est ni fr ni en\n" },
    { { "annexes", "--lang" }, "admit: l'option --lang demande une valeur (fr ou en)\n" },
  }
  for _, b in ipairs(bad) do
    it("a bad --lang is an input error: " .. table.concat(b[1], " "), function()
      local out, err, code = h.run(b[1], nil, { env = FR })
      assert.are.equal("", out)
      assert.are.equal(2, code)
      assert.are.equal(b[2], err:match("^[^\n]*\n"))
    end)
  end
  it("a script reads the choice: i18n.lang(), i18n.tr()", function()
    local out = h.run({ "--lang", "fr", "-e",
      "local i = require 'admit.i18n' io.write(i.lang(), '|', i.tr('Commands:'), '|', i.tr('Commands:', 'en'))" })
    assert.are.equal("fr|Commandes :|Commands:", out)
  end)
end)
