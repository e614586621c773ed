-- wrk script of k6/bench.sh: GETs ROUTE ("{id}" walks ids 1..ID_MAX in turn, from a different start per thread) and
-- counts the status and the X-Served-By header of every response; done() prints one RESULT line of JSON that
-- bench_report.py reads (requests/s, latency percentiles in ms, statuses, nodes) and one SHOW line for the console.
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  route = os.getenv("ROUTE") or "/"
  id_max = tonumber(os.getenv("ID_MAX") or "1000")
  served = {}
  statuses = {}
  next_id = (id * 97) % id_max
end

function request()
  local path = route
  if path:find("{id}", 1, true) then
    next_id = next_id % id_max + 1
    path = path:gsub("{id}", tostring(next_id))
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  local node = headers["X-Served-By"] or headers["x-served-by"] or "none"
  served[node] = (served[node] or 0) + 1
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
end

local function json_counts(counts)
  local parts = {}
  for key, n in pairs(counts) do
    table.insert(parts, string.format("%q:%d", key, n))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

local function merged(name)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get(name)) do
      total[key] = (total[key] or 0) + n
    end
  end
  return total
end

function done(summary, latency, requests)
  -- done() runs in the main Lua state, where init() never ran
  local route = os.getenv("ROUTE") or "/"
  local seconds = math.max(summary.duration / 1e6, 0.001)
  local e = summary.errors
  -- the latency at every 0.1 % (ms), so that bench_report.py can merge the halves of an interleaved measurement
  local quantiles = {}
  for i = 1, 1000 do quantiles[i] = string.format("%.3f", latency:percentile(i / 10) / 1000) end
  print(string.format('RESULT {"label":%q,"route":%q,"requests":%d,"seconds":%.3f,"rps":%.1f,'
    .. '"p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f,"socket_errors":%d,"statuses":%s,"served":%s,"quantiles":[%s]}',
    os.getenv("LABEL") or "", route, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, json_counts(merged("statuses")), json_counts(merged("served")),
    table.concat(quantiles, ",")))
  local nodes = {}
  for node, n in pairs(merged("served")) do table.insert(nodes, node .. "=" .. n) end
  table.sort(nodes)
  print(string.format("SHOW %-14s %-46s %8.0f req/s  p50 %6.2f  p95 %6.2f  p99 %6.2f ms  %s", os.getenv("LABEL") or "",
    route, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, table.concat(nodes, " ")))
end
