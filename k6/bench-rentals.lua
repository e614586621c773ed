-- wrk script of k6/bench.sh: the rental API at the counter. One connection per thread (wrk -tN -cN), each renting
-- any in-stock copy of a random film to a random customer (POST /api/rentals) and returning it with the next
-- request (POST /api/rentals/{id}/return), so stock never runs out. HTTP Basic as STAFF_USER / STAFF_PASSWORD.
-- FILM_IDS and CUSTOMER_IDS (comma-separated): the films the staff member's store stocks and the active customers, as
-- a counter rents them; without them any of 1..1000 and 1..599 (some not stocked there or inactive: 409).
-- done() prints a RESULT line: rentals/s (201s), returns/s, statuses, latency percentiles.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function base64(data)
  local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

function init(args)
  auth = "Basic " .. base64((os.getenv("STAFF_USER") or "Mike") .. ":" .. (os.getenv("STAFF_PASSWORD") or ""))
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  films = {}
  for id in string.gmatch(os.getenv("FILM_IDS") or "", "%d+") do table.insert(films, tonumber(id)) end
  customers = {}
  for id in string.gmatch(os.getenv("CUSTOMER_IDS") or "", "%d+") do table.insert(customers, tonumber(id)) end
  pending = nil
  rentals, returns = 0, 0
  statuses = {}
end

function request()
  local headers = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
  if pending then
    local path = "/api/rentals/" .. pending .. "/return"
    pending = nil
    returning = true
    return wrk.format("POST", path, headers, "")
  end
  returning = false
  local body = string.format('{"customerId": %d, "filmId": %d}',
    #customers > 0 and customers[math.random(1, #customers)] or math.random(1, 599),
    #films > 0 and films[math.random(1, #films)] or math.random(1, 1000))
  return wrk.format("POST", "/api/rentals", headers, body)
end

function response(status, headers, body)
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  if status == 201 then
    rentals = rentals + 1
    local location = headers["Location"] or headers["location"] or ""
    pending = location:match("/api/rentals/(%d+)")
  elseif returning and status == 200 then
    returns = returns + 1
  end
end

function done(summary, latency, requests)
  local seconds = math.max(summary.duration / 1e6, 0.001)
  local total_rentals, total_returns, total_statuses = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_rentals = total_rentals + thread:get("rentals")
    total_returns = total_returns + thread:get("returns")
    for key, n in pairs(thread:get("statuses")) do total_statuses[key] = (total_statuses[key] or 0) + n end
  end
  local parts = {}
  for key, n in pairs(total_statuses) do table.insert(parts, string.format("%q:%d", key, n)) end
  print(string.format('RESULT {"label":"rentals","route":"POST /api/rentals + return","requests":%d,"seconds":%.3f,'
    .. '"rps":%.1f,"rentals_per_s":%.1f,"returns_per_s":%.1f,"p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f,"statuses":{%s}}',
    summary.requests, seconds, summary.requests / seconds, total_rentals / seconds, total_returns / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(parts, ",")))
end
