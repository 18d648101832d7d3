--- tests/tap.lua — busted output handler: TAP, as busted's own, except that an error
-- outside a test (a spec file that does not load) is reported as a "not ok" line instead
-- of crashing busted's TAP handler (it reads a trace.currentline that such errors lack).
-- tests/run counts these lines for its closing "tests: N passed, N failed".
return function(options)
  local busted = require "busted"
  local handler = require "busted.outputHandlers.base"()
  local counter = 0

  local function say(line)
    io.write(line, "\n")
    io.flush()
  end

  local function report(kind, t)
    local message = t.message
    if message == nil then
      message = "Nil error"
    elseif type(message) ~= "string" then
      message = require("pl.pretty").write(message)
    end
    say(string.format("not ok %d - %s", counter, t.name or "?"))
    local trace = t.element and t.element.trace
    if trace and trace.short_src then
      say("# " .. trace.short_src .. " @ " .. tostring(trace.currentline or "?"))
    end
    say("# " .. kind .. ": " .. message:gsub("\n", "\n# "))
  end

  handler.suiteReset = function()
    counter = 0
    return nil, true
  end

  handler.suiteEnd = function()
    say("1.." .. counter)
    return nil, true
  end

  handler.testEnd = function(element, parent, status)
    counter = counter + 1
    if status == "success" then
      say(string.format("ok %d - %s", counter, handler.successes[#handler.successes].name))
    elseif status == "pending" then
      local t = handler.pendings[#handler.pendings]
      say(string.format("ok %d - # SKIP %s", counter, t.message or t.name))
    elseif status == "failure" then
      report("Failure message", handler.failures[#handler.failures])
    else
      report("Error", handler.errors[#handler.errors])
    end
    return nil, true
  end

  handler.error = function(element)
    if element.descriptor ~= "it" then
      counter = counter + 1
      report("Error", handler.errors[#handler.errors])
    end
    return nil, true
  end

  busted.subscribe({ "suite", "reset" }, handler.suiteReset)
  busted.subscribe({ "suite", "end" }, handler.suiteEnd)
  busted.subscribe({ "test", "end" }, handler.testEnd, { predicate = handler.cancelOnPending })
  busted.subscribe({ "error" }, handler.error)
  return handler
end
