-- wrk script for k6/catalog-bench.sh: requests ROUTE ("{id}" becomes film ids 1..1000 in turn) and counts, per
-- thread, the X-Served-By header and the status of every response; done() prints the totals.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  route = os.getenv("ROUTE") or "/films"
  served = {}
  statuses = {}
  next_film = id
end

function request()
  local path = route
  if path:find("{id}", 1, true) then
    next_film = next_film % 1000 + 1
    path = path:gsub("{id}", tostring(next_film))
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  local node = headers["X-Served-By"] or headers["x-served-by"] or "(none)"
  served[node] = (served[node] or 0) + 1
  statuses[status] = (statuses[status] or 0) + 1
end

local function merge(into, name, thread)
  local counts = thread:get(name)
  for key, n in pairs(counts) do
    into[key] = (into[key] or 0) + n
  end
end

function done(summary, latency, requests)
  local served_total, status_total = {}, {}
  for _, thread in ipairs(threads) do
    merge(served_total, "served", thread)
    merge(status_total, "statuses", thread)
  end
  local line = "  served by:"
  for node, n in pairs(served_total) do line = line .. string.format(" %s=%d", node, n) end
  print(line)
  line = "  status:"
  for status, n in pairs(status_total) do line = line .. string.format(" %s=%d", status, n) end
  print(line)
end
