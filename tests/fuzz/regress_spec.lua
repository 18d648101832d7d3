-- Regression specs for what fuzzing found (the raw inputs are in tests/fuzz/regress/<name>/
-- and are replayed by tests/fuzz/run before every fuzzing pass).
local h = require "helpers"

describe("fuzz findings: csvread", function()
  local dir
  before_each(function() dir = h.tmpdir() end)

  -- regress/csvread/cr-only-line-ends: a CR alone ends a record (old Mac exports), and
  -- used to leave every record on line 1.
  it("counts lines ended by a lone CR", function()
    local path = h.write(dir .. "/mac.csv", "a,b\r1,2\r3,4\r")
    local header, rows = admit.read_csv(path)
    assert.are.same({ "a", "b" }, header)
    assert.are.equal(2, rows[1]._line)
    assert.are.equal(3, rows[2]._line)
    path = h.write(dir .. "/mac-ragged.csv", "a,b\r1,2\r3\r")
    local ok, err = admit.read_csv(path)
    assert.is_nil(ok)
    assert.are.equal(path .. ":3:1: 1 field where the header has 2", err)
  end)

  it("mixes CRLF, LF and lone CR line ends", function()
    local path = h.write(dir .. "/mixed.csv", "a,b\r\n1,2\n3,4\r5,6\r\n")
    local _, rows = admit.read_csv(path)
    assert.are.same({ 2, 3, 4 }, { rows[1]._line, rows[2]._line, rows[3]._line })
  end)

  -- regress/csvread/tab-separator-leading-empty-field: with a tab separator, a record
  -- starting with an empty field was located on a later line.
  it("locates a tab-separated record that starts with an empty field", function()
    local path = h.write(dir .. "/tab.tsv", "a\tb\n\t\"x\ny\"\n3\t4\n")
    local _, rows = admit.read_csv(path, { delim = "\t" })
    assert.are.equal(2, rows[1]._line)
    assert.are.equal("", rows[1].a)
    assert.are.equal("x\ny", rows[1].b)
    assert.are.equal(4, rows[2]._line)
    path = h.write(dir .. "/tab-ragged.tsv", "a\tb\n\t\"x\ny\"\t9\n")
    local ok, err = admit.read_csv(path, { delim = "\t" })
    assert.is_nil(ok)
    assert.matches(":3:4: 3 fields where the header has 2$", err)
  end)
end)

describe("fuzz findings: sim_load", function()
  local dir
  before_each(function() dir = h.tmpdir() end)

  -- regress/sim_load/header-only-instance: three files with a header and no rows (here
  -- Windows-1252, with extra columns) load as an empty instance. The harness compared the
  -- NULL arrays of the empty instance with memcmp (its own bug, fixed there); admit must
  -- keep accepting such an instance and allocate nothing.
  it("loads and allocates an instance with no rows", function()
    local f = h.write(dir .. "/f.csv", "formation_id,capacity,min_\233\233y\n")
    local c = h.write(dir .. "/c.csv", "id,bac,boursier,resident,notex,\153\153np\n")
    local w = h.write(dir .. "/w.csv", "candidate_id,formation_id,preference,rank\n")
    local p = assert(admit.sim_load(f, c, w))
    assert.are.equal("admit.problem (0 formations, 0 candidates, 0 vœux)", tostring(p))
    local _, err, code = h.run({ "allocate", "--formations", f, "--candidates", c, "--wishes", w,
                                 "--out", dir .. "/out" })
    assert.are.equal(0, code, err)
    assert.are.equal("candidate_id,formation_id\n", h.slurp(dir .. "/out/assignments.csv"))
  end)
end)

describe("fuzz findings: sim_load, inputs read once (issue 9 §5)", function()
  local dir
  before_each(function() dir = h.tmpdir() end)

  -- regress/sim_load/fast-path-gives-up-late: the fast path reads two vœux, then meets a
  -- lone CR and hands the same text (read once, never re-opened) to csvread, which must
  -- see it unchanged: the fast path no longer writes into the text.
  it("hands csvread the text unchanged when the fast path gives up after some rows", function()
    local f = h.write(dir .. "/f.csv", "formation_id,capacity\nA,2\nB,1\n")
    local c = h.write(dir .. "/c.csv", "id,bac,boursier,resident\nx,general,0,0\ny,pro,1,0\n")
    local w = h.write(dir .. "/w.csv", "candidate_id,formation_id,preference,rank\nx,A,1,1\nx,B,2,1\ny,A,1\r2\n")
    local ok, err = admit.sim_load(f, c, w)
    assert.is_nil(ok)
    assert.are.equal(w .. ":4:5: 3 fields where the header has 4", err)
    local _, cerr, code = h.run({ "allocate", "--formations", f, "--candidates", c, "--wishes", "-",
                                  "--out", dir .. "/out" }, h.slurp(w))
    assert.are.equal(2, code)
    assert.are.equal("admit: stdin:4:5: 3 fields where the header has 4\n", cerr)
  end)
end)

describe("fuzz findings: recueil", function()
  local dir
  before_each(function() dir = h.tmpdir() end)
  local VALID = h.slurp("tests/fuzz/corpus/recueil/valid")

  -- regress/recueil/lone-cr-inside-a-cell: a CR alone in the middle of a table row stayed
  -- inside the establishment label and was written to bts-pro.csv. A lone CR now ends a
  -- line, as in csvread: the row is cut there, and refused where it is cut.
  it("ends a line at a lone CR, never keeps it in a label", function()
    local text = VALID:gsub("| Lycée Cesar Baggio |", "| Lycée\rCesar Baggio |")
    h.write(dir .. "/cr.txt", text)
    local out, err, code = h.run({ "import-recueil", "cr.txt", "--out", "out" }, nil, { cwd = dir })
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("admit: cr.txt:37:8: truncated table row: expected '|' at the end of the line\n", err)
    assert.is_nil(h.slurp(dir .. "/out/bts-pro.csv"))
  end)

  it("reads a recueil whose lines all end with a lone CR (old Mac text)", function()
    h.write(dir .. "/mac.txt", (VALID:gsub("\n", "\r")))
    local _, err, code = h.run({ "import-recueil", "mac.txt", "--out", "out" }, nil, { cwd = dir })
    assert.are.equal(0, code, err)
    assert.are.equal(h.slurp(dir .. "/out/bts-pro.csv"), (function()
      h.write(dir .. "/unix.txt", VALID)
      h.run({ "import-recueil", "unix.txt", "--out", "out2" }, nil, { cwd = dir })
      return h.slurp(dir .. "/out2/bts-pro.csv")
    end)())
  end)
end)

describe("fuzz findings: callorder", function()
  -- regress/callorder/first-tie-in-input-order: the harness expected the second holder of
  -- the lowest duplicated rank, while callorder.h (and the CLI's message) name the first
  -- candidate, in input order, whose rank an earlier one has. The harness was wrong; this
  -- pins the documented culprit.
  it("names the first repeated rank in input order, not the lowest one", function()
    local out, err, code = h.run({ "callorder" },
      "id,rank,boursier,resident\na,5,0,0\nb,3,0,0\nc,5,0,0\nd,3,0,0\n")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("admit: stdin:4: duplicate rank 5 (already on line 2): ranks must be distinct, "
      .. "or use --allow-ties for the documented tie rule\n", err)
  end)
end)
