#!/usr/bin/env bash
# Catalog benchmark (not a test): drives a running store with concurrent clients using wrk (apt-get install wrk)
# and prints requests/s, latency percentiles, and which standby served the reads (X-Served-By counts).
#
#   k6/catalog-bench.sh [BASE_URL]            default http://localhost:8080
#   DURATION=20s CONNECTIONS=32 THREADS=2 k6/catalog-bench.sh http://localhost:8180
set -euo pipefail
base="${1:-${BASE_URL:-http://localhost:8080}}"
duration="${DURATION:-15s}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
curl -fsS -o /dev/null "$base/q/health/ready" || { echo "no ready store at $base (start it first)" >&2; exit 2; }

echo "Catalog benchmark against $base: $connections connections, $threads threads, $duration per route"
for route in "/films" "/films?category=Horror&sort=popularity" "/films/{id}" "/search?q=dinosaur" "/search?q=acadamy+dinosuar"; do
  echo
  echo "=== GET $route"
  # /films/{id} walks through all 1000 films, so the page cache of one film does not flatter the figures.
  ROUTE="$route" wrk --latency -t"$threads" -c"$connections" -d"$duration" -s "$here/served-by.lua" "$base" \
    | grep -E "Requests/sec|Latency |50%|75%|90%|99%|requests in|Non-2xx|Socket errors|served by|node|primary|status"
done
