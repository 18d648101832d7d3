-- luacheck: ignore
return (("a"):rep(1e5)):match(("(a)"):rep(31) .. ("a?"):rep(300))