--- admit.fields — checking the table a constructor receives (admit.formation{...},
-- admit.policy{...}): every key must be known and of the declared type, so that a typo in
-- an officer's script is named instead of silently ignored.
local core = require "admit.core"

local fields = {}

--- " (did you mean 'x'?)" when a name of the list is close to word, else "".
function fields.did_you_mean(word, names)
  local near = type(word) == "string" and core.suggest(word, names)
  return near and string.format(" (did you mean '%s'?)", near) or ""
end

--- spec: the table given; known: name -> "type" or "type|type".
-- Returns true, or nil and a message naming the field.
function fields.check(spec, known)
  for k, v in pairs(spec) do
    local want = known[k]
    if not want then
      local names = {}
      for n in pairs(known) do names[#names + 1] = n end
      table.sort(names)
      return nil, string.format("unknown field '%s'%s (fields: %s)", tostring(k),
        fields.did_you_mean(k, names), table.concat(names, ", "))
    end
    if not want:find(type(v), 1, true) then
      return nil, string.format("'%s' must be a %s, got %s", k, (want:gsub("|", " or ")), type(v))
    end
  end
  return true
end

return fields
