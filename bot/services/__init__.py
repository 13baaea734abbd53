"""The domain: plain async functions over a unit of work, taking an explicit `now`."""
