local h = require "helpers"

describe("admit command line", function()
  it("runs -e chunks and exits 0", function()
    local out, err, code = h.run({ "-e", "print(1 + 2)" })
    assert.are.equal("3\n", out)
    assert.are.equal("", err)
    assert.are.equal(0, code)
  end)

  it("reports a runtime error with admit: and a traceback, exit 1", function()
    local out, err, code = h.run({ "-e", "error('boom')" })
    assert.are.equal("", out)
    assert.matches("^admit: %(command line%):1: boom\nstack traceback:\n", err)
    assert.are.equal(1, code)
  end)
end)
