--- rows(admit, what, name, fn) -> a table of rows: read from a CSV path (admit.read_csv) or
-- the rows given (a table, or a dataset). fn names the API function in the error raised for
-- anything else, at the level of its caller (call this directly from that function).
return function(admit, what, name, fn)
  if type(what) == "string" then
    local _, rows = admit.read_csv(what)
    if not rows then admit.fail(select(2, admit.read_csv(what))) end
    return rows
  end
  if type(what) ~= "table" and type(what) ~= "userdata" then
    error(string.format("%s: %s must be a CSV path or a list of rows, got %s", fn, name, type(what)), 3)
  end
  return what
end
