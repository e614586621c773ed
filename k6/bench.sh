#!/usr/bin/env bash
# The one-run benchmark (not a test; it prints figures and asserts nothing). In one run, against the packaged store
# (java -jar target/quarkus-app/quarkus-run.jar) on a cluster of its own:
#   1. the machine's limits: liveness requests/s (no database) and pgbench of the film page's own query on one standby;
#   2. every catalog route: requests/s, p50/p95/p99, with standby routing and with primary-only reads, interleaved
#      (one store, its reads sent to the primary and back between halves: PUT /api/cluster/reads), and the ratio per
#      route; with the page cache off, so every request reads the database;
#   2'. the same comparison for the database alone: pgbench of three routes' queries spread over the standbys vs all
#      on the primary, so the part of the ratio that is the nodes sharing the machine shows apart from the store;
#   2a. the same comparison with each PostgreSQL node on a CPU budget of its own (a cgroup with a quota, as if each had
#      its own quarter of the machine; needs a writable cgroup cpu controller, i.e. root), which is what routing is for;
#   2b. every catalog route as customers get it: a second store with the defaults (the 1 s page cache on);
#   3. the spread of reads over the nodes (X-Served-By of every response);
#   4. the rental API with 4 clients (HTTP Basic) and the replication lag sampled on the primary meanwhile, after half a
#      duration of the same load unmeasured (its lag recorded apart);
#   5. the storefront, popularity sort and film page at history x1 and after `cluster/pagila-cluster grow N`;
#   6. the store's resident memory under load.
# It writes target/bench/report.md, target/bench/*.svg and the raw target/bench/results.jsonl.
#
#   k6/bench.sh                                  # 10 s per measurement, 16 connections, history x10 (about 25 min)
#   DURATION=500ms WARMUP=250ms GROW=2 k6/bench.sh   # the short run CI does (BenchmarkIT)
# Settings (environment): DURATION (10s; whole seconds, or milliseconds such as 500ms), WARMUP (10s per route and store,
#   half of it at 2 connections; 0: none), RENTAL_WARMUP (15 times WARMUP of the rental load before it is measured), CONNECTIONS (16),
#   THREADS (2), GROW (10), BENCH_CLUSTER (bench), NODE_CPU (each node's CPU budget in 2a, in cores; a quarter of nproc),
#   BENCH_HOSTS (127.0.0.1:22432,...:22435), BENCH_PORT (22080; the store with the page cache uses +2, management
#   ports +10),
#   BENCH_DESTROY=1 (remove the cluster at the end; default: stop it, keep the data), PG_TOOLS (pgbench/psql folder),
#   STORE_JAR (default target/quarkus-app/quarkus-run.jar; a copy of the packaged app, so a build may run meanwhile),
#   STORE_JAVA_OPTS (the store's JVM options; default the README's, see "Performance").
# Needs: wrk (apt-get install wrk), pgbench + psql (postgresql-client, e.g. postgresql-15), python3, a JDK 17.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/k6"
out="$root/target/bench"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
grow="${GROW:-10}"
warmup="${WARMUP:-10s}"
warm_connections=2   # the second half of each route's warm-up (see the warm-up below)
duration_ms() { case "$1" in 0) echo 0 ;; *ms) echo "${1%ms}" ;; *s) echo $(( ${1%s} * 1000 )) ;; *) fail "a duration is 10s or 500ms, not $1" ;; esac; }
as_duration() { [ $(( $1 % 1000 )) = 0 ] && echo "$(( $1 / 1000 ))s" || echo "${1}ms"; }
# The rental path (HTTP Basic, JSON, two inserts, the fence) is code the catalog warm-up never runs: measured right after
# the catalog, a 10 s rental run gave 69 rentals/s with p99 655 ms while C2 compiled it, the same load 40 s later 203/s
# with p99 45 ms.
rental_warmup="${RENTAL_WARMUP:-$(as_duration $(( 15 * $(duration_ms "$warmup") )))}"
# The store's JVM options: README "Performance" (the store's memory) says why these.
java_opts="${STORE_JAVA_OPTS--Xmx192m -XX:MetaspaceSize=128m -XX:+UseSerialGC}"
export PAGILA_CLUSTER_NAME="${BENCH_CLUSTER:-bench}"
export PAGILA_CLUSTER_HOSTS="${BENCH_HOSTS:-127.0.0.1:22432,127.0.0.1:22433,127.0.0.1:22434,127.0.0.1:22435}"
port="${BENCH_PORT:-22080}"
served_port=$((port + 2))
started=$(date +%s)
say() { printf '[bench %4ds] %s\n' $(($(date +%s) - started)) "$*"; }
fail() { echo "bench: $*" >&2; exit 2; }

pg_tools="${PG_TOOLS:-}"
if [ -z "$pg_tools" ]; then
  if command -v pgbench >/dev/null; then pg_tools="$(dirname "$(command -v pgbench)")"; else pg_tools="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"; fi
fi
command -v wrk >/dev/null || fail "wrk is not installed (apt-get install wrk)"
[ -x "$pg_tools/pgbench" ] && [ -x "$pg_tools/psql" ] || fail "pgbench and psql not found (apt-get install postgresql-15, or set PG_TOOLS)"
command -v python3 >/dev/null || fail "python3 is not installed"
jar="${STORE_JAR:-$root/target/quarkus-app/quarkus-run.jar}"
if [ ! -f "$jar" ]; then
  say "building the store (./mvnw -DskipTests package)"
  (cd "$root" && ./mvnw -B -q -DskipTests package)
fi

mkdir -p "$out"
rm -f "$out"/*.svg "$out"/report.md
results="$out/results.jsonl"
: > "$results"
record() { echo "$1" >> "$results"; }
hosts=(${PAGILA_CLUSTER_HOSTS//,/ })
home="${PAGILA_CLUSTER_HOME:-$([ "$(id -u)" = 0 ] && echo /var/lib/pagila-store || echo "$HOME/.pagila-store")}"
secrets="$home/$PAGILA_CLUSTER_NAME/secrets.properties"
# the store's logins and staff passwords in secrets.properties, the tooling's (postgres) in admin-secrets.properties
secret() { cat "$secrets" "$(dirname "$secrets")/admin-secrets.properties" 2>/dev/null | grep "^$1=" | head -1 | cut -d= -f2-; }
sql() { # sql NODE_INDEX QUERY: one value, as the superuser
  local h="${hosts[$1]}"
  PGPASSWORD="$(secret postgres.password)" "$pg_tools/psql" -X -At -h "${h%:*}" -p "${h#*:}" -U postgres -d pagila -c "$2"
}

# ---- Each node on a CPU budget of its own (cgroups) -------------------------------------------------------------------
# On this one machine the four nodes share its cores: reading from three standbys gets no more CPU than reading from the
# primary, so routing vs primary-only compares two equal amounts of CPU and the ratio is noise around 1 (README
# "Benchmark"). Standby routing is for nodes on machines of their own. The budgeted comparison gives each PostgreSQL
# node a cgroup with a CPU quota of NODE_CPU cores, by default a quarter of the machine's (0.5 here: the cores split
# evenly among the four nodes): three standbys then have three budgets, the primary one. With 0.25 of a core routing
# came out 2.8x to 7.5x primary-only in a short run: the budget, not the routing, was most of what it measured.
node_cpu="$(python3 -c "import sys; v = float(sys.argv[1] or $(nproc) / 4); print(v if v > 0 else sys.exit(1))" "${NODE_CPU:-}" 2>/dev/null)" \
  || fail "NODE_CPU is a number of cores above 0, such as 0.5, not '${NODE_CPU:-}'"
cg_parent="" cg_version="" cg_why=""
if [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] && [ -w /sys/fs/cgroup/cpu/cgroup.procs ]; then
  cg_parent=/sys/fs/cgroup/cpu cg_version=v1
elif grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null && [ -w /sys/fs/cgroup/cgroup.procs ]; then
  # left enabled afterwards: it only lets child groups have a CPU quota
  if grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu 2>/dev/null > /sys/fs/cgroup/cgroup.subtree_control; then
    cg_parent=/sys/fs/cgroup cg_version=v2
  else cg_why="cgroup v2: the cpu controller cannot be enabled for child groups of /sys/fs/cgroup"; fi
else cg_why="no writable cgroup cpu controller (cgroup v1 /sys/fs/cgroup/cpu or v2 /sys/fs/cgroup with cpu; run as root)"; fi
node_names=(primary node1 node2 node3)
declare -A cg_home=()   # each node's group before the budget, to go back to
node_group() { echo "$cg_parent/pagila-$PAGILA_CLUSTER_NAME-$1"; }
group_of() { # group_of PID: the process's group under cg_parent (v1: its cpu hierarchy's line; v2: the unified one)
  if [ "$cg_version" = v1 ]; then sed -nE 's/^[0-9]+:([^:]*,)?cpu(,[^:]*)?:(.*)$/\3/p' "/proc/$1/cgroup" 2>/dev/null
  else sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; fi
}
in_group() { [ "$(group_of "$1")" = "${2#"$cg_parent"}" ]; }   # in_group PID GROUP
# running() PID: the process exists and is not a zombie. A backend that ended and was not yet reaped still answers
# kill -0 but can be moved into no group: once taken for a process left outside, it failed a full run's budget.
running() { local state; state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) && [ -n "$state" ] && [ "$state" != Z ]; }
set_quota() { # set_quota GROUP MICROSECONDS|off: per 10 ms period (the default 100 ms let a node out of quota stall
  # its queries for up to 75 ms at a time)
  if [ "$cg_version" = v1 ]; then
    if [ "$2" = off ]; then echo -1 > "$1/cpu.cfs_quota_us"; else echo 10000 > "$1/cpu.cfs_period_us" && echo "$2" > "$1/cpu.cfs_quota_us"; fi
  elif [ "$2" = off ]; then echo max > "$1/cpu.max"
  else echo "$2 10000" > "$1/cpu.max"; fi
}
budget_on() { # each node's postmaster, then its processes, into a group with a quota; false when any is left out
  local quota node cg pm p pids outside
  quota=$(python3 -c "print(round($node_cpu * 10000))")
  for node in "${node_names[@]}"; do
    cg=$(node_group "$node")
    mkdir -p "$cg" && set_quota "$cg" "$quota" || return 1
    pm=$(head -1 "$home/$PAGILA_CLUSTER_NAME/$node/data/postmaster.pid") || return 1
    cg_home[$node]=$(group_of "$pm")
    # the postmaster first: a backend it forks from then on starts in the group; then its children until none is
    # outside (one forked between the listing and the move is caught by the next round)
    echo "$pm" > "$cg/cgroup.procs" || return 1
    for _ in 1 2 3 4 5; do
      pids=$(pgrep -P "$pm") || true
      outside=0
      for p in $pids; do running "$p" && ! in_group "$p" "$cg" && { echo "$p" 2>/dev/null > "$cg/cgroup.procs"; outside=1; }; done
      [ "$outside" = 0 ] && break
    done
    # running again after in_group: a process that ends between the two has no group to read
    for p in "$pm" $pids; do running "$p" && ! in_group "$p" "$cg" && running "$p" && { echo "  $node: process $p stayed outside $cg" >&2; return 1; }; done
  done
  return 0
}
budget_record() { # each group's CPU accounting (cpu.stat), as a JSON object per node
  local node first=1
  printf '{'
  for node in "${node_names[@]}"; do
    [ -f "$(node_group "$node")/cpu.stat" ] || continue
    [ "$first" = 1 ] || printf ','
    first=0
    printf '"%s":{"processes":%s,%s}' "$node" "$(wc -l < "$(node_group "$node")/cgroup.procs")" \
      "$(awk '{printf "%s\"%s\":%s", (NR > 1 ? "," : ""), $1, $2}' "$(node_group "$node")/cpu.stat")"
  done
  printf '}'
}
budget_off() { # the quota lifted first (so nothing stays throttled if a move fails), every process back, the group
  # removed; safe to repeat, and run at the start too (a killed run leaves its groups, and nodes still in them)
  local node cg p back
  [ -n "$cg_parent" ] || return 0
  for node in "${node_names[@]}"; do
    cg=$(node_group "$node")
    [ -d "$cg" ] || continue
    set_quota "$cg" off 2>/dev/null || true
    back="$cg_parent${cg_home[$node]:-}"
    [ -w "$back/cgroup.procs" ] || back="$cg_parent"
    for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do echo "$p" 2>/dev/null > "$back/cgroup.procs" || true; done
    rmdir "$cg" 2>/dev/null || echo "bench: could not remove $cg (its quota is lifted)" >&2
  done
}
budget_off

store_pids=()
samplers=()
cleanup() {
  budget_off   # first: a second interrupt during the waits below must not leave the nodes throttled
  for pid in "${samplers[@]}" "${store_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # the stores are not this shell's children (started in $(...)): wait for them by pid, so none outlives the run
  for pid in "${store_pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "${BENCH_DESTROY:-0}" = 1 ]; then "$root/cluster/pagila-cluster" destroy >/dev/null 2>&1 || true
  else "$root/cluster/pagila-cluster" down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

say "load before: $(uptime)"
record "{\"label\":\"machine\",\"cores\":$(nproc),\"load_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"duration\":\"$duration\",\"warmup\":\"$warmup\",\"warmup_connections\":$warm_connections,\"rental_warmup\":\"$rental_warmup\",\"connections\":$connections,\"threads\":$threads,\"grow\":$grow,\"java_opts\":\"$java_opts\",\"commit\":\"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)\"}"

say "cluster '$PAGILA_CLUSTER_NAME' on $PAGILA_CLUSTER_HOSTS"
cluster_up() { # a second try: on a loaded machine a node can miss the first role check's timeout
  "$root/cluster/pagila-cluster" up > "$out/cluster-up.log" 2>&1 || "$root/cluster/pagila-cluster" up > "$out/cluster-up.log" 2>&1 \
    || { cat "$out/cluster-up.log"; fail "cluster up failed"; }
}
cluster_up
if [ "$(sql 0 "SELECT to_regclass('history_growth') IS NOT NULL")" = t ] && [ "$(sql 0 "SELECT count(*) FROM history_growth")" != 0 ]; then
  say "the cluster's history was grown by an earlier run: recreating it, so x1 is Pagila's own history"
  "$root/cluster/pagila-cluster" destroy > /dev/null
  cluster_up
fi

start_store() { # start_store PORT LOG [ENV...]: the packaged store; echoes its pid
  local p="$1" log="$2"
  shift 2
  # no scheduled base backup: each store would take one at its start, in the middle of the measurements
  env "$@" QUARKUS_HTTP_PORT="$p" QUARKUS_MANAGEMENT_PORT=$((p + 10)) PAGILA_BACKUP_EVERY=off \
    java $java_opts -jar "$jar" > "$log" 2>&1 &
  echo $!
}
await_ready() { # await_ready PORT LOG
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/q/health/ready" 2>/dev/null && return 0
    curl -fsS -o /dev/null "http://127.0.0.1:$(($1 + 10))/q/health/ready" 2>/dev/null && return 0
    sleep 0.5
  done
  tail -30 "$2" >&2
  fail "the store on :$1 did not become ready"
}
live_url() { # liveness on the HTTP port, or on the management interface where it moved
  if curl -fsS -o /dev/null "http://127.0.0.1:$1/q/health/live" 2>/dev/null; then echo "http://127.0.0.1:$1/q/health/live"
  else echo "http://127.0.0.1:$(($1 + 10))/q/health/live"; fi
}

primary="${hosts[0]}"
# Both at once (each start is mostly the JVM's own work, about 10 s here). The compared store keeps no page cache
# (PAGILA_CATALOG_PAGE_CACHE=0s): every request reads the database, which is what routing changes. Its reads are
# sent to the primary and back between the halves of each comparison (reads_from, below): one JVM both ways. Two
# stores, one per way, compared two JVMs' warm-up as much as the routing (README "Benchmark": an A/A control of two
# identical stores came out 0.88x to 1.06x). The second store runs the defaults, page cache on, for the figures
# customers get.
say "starting the store without the page cache (reads switched between the standbys and the primary) on :$port and the store as shipped (page cache on) on :$served_port"
store=$(start_store "$port" "$out/store.log" PAGILA_CATALOG_PAGE_CACHE=0s)
store_pids+=("$store")
served_store=$(start_store "$served_port" "$out/store-served.log")
store_pids+=("$served_store")
declare -A store_of=(["$port"]="$store" ["$served_port"]="$served_store")
await_ready "$port" "$out/store.log"
await_ready "$served_port" "$out/store-served.log"

rss_peak="$out/rss.txt"
: > "$rss_peak"
# the compared store and the one with the page cache: the peak of either
( while kill -0 "$store" 2>/dev/null; do ps -o rss= -p "$store","$served_store" >> "$rss_peak" 2>/dev/null || true; sleep 1; done ) &
samplers+=($!)

wrk_for() { # wrk_for DURATION WRK_ARGS...: wrk takes whole seconds; a shorter run (CI's 500ms) is stopped by SIGINT, on
  # which wrk ends the run as usual: its report and the script's done() count the time it actually ran
  local ms
  ms=$(duration_ms "$1")
  shift
  if [ $((ms % 1000)) = 0 ]; then wrk -d"$((ms / 1000))s" "$@"
  else timeout --preserve-status -s INT "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" wrk -d"$((ms / 1000 + 5))s" "$@"; fi
}

wrk_route() { # wrk_route LABEL PORT ROUTE DURATION: bench.lua's load on one route; prints wrk's report
  # {ID} in a route walks actor ids (1..200), {id} film ids (1..1000); bench.lua knows only {id} and ID_MAX
  local r="${3/'{ID}'/'{id}'}" idmax=1000
  [ "$r" != "$3" ] && idmax=200
  LABEL="$1" ROUTE="$r" ID_MAX=$idmax wrk_for "$4" --timeout 10s -t"$threads" -c"$connections" -s "$here/bench.lua" "http://127.0.0.1:$2"
}
settle() { # settle PORT ROUTE DURATION: the route's load, nothing recorded
  wrk_route settle "$1" "$2" "$3" > /dev/null
}
run_wrk() { # run_wrk LABEL PORT ROUTE [DURATION]: one wrk run, its RESULT line recorded, its SHOW line printed
  local output
  output=$(wrk_route "$1" "$2" "$3" "${4:-$duration}")
  record "$(grep '^RESULT ' <<< "$output" | sed 's/^RESULT //')"
  grep '^SHOW ' <<< "$output" | sed 's/^SHOW /  /'
}

routes=("/" "/films" "/films?sort=popularity" "/films?category=Horror&sort=popularity" "/films/{id}" "/actors/{ID}"
  "/categories" "/categories/Horror" "/search?q=dinosaur" "/search?q=acadamy+dinosuar" "/api/films" "/api/films/{id}")

# Every route on both stores before anything is measured: with a 2 s warm-up of four routes the first measurements
# still ran half-compiled code (a route's second half twice its first; history x10 "faster" than x1).
if [ "$(duration_ms "$warmup")" = 0 ]; then
  say "no warm-up (WARMUP=0): the first measurements run code the JIT has not compiled yet"
else
  say "warm-up (JIT) of the two stores: every route ${warmup} each, the first half at $connections connections, the second at $warm_connections"
  # The second half at two connections lets the JIT catch up: at 16 the compiler threads share 2 cores with every busy
  # request thread and node. Two fresh stores, 30 s of the film page each, one at 16 connections and one at 2 (about
  # the same requests: 1,131 and 1,094 req/s), then measured alternately at 16: 1,690 to 2,602 req/s and 2,197 to 3,156.
  # The first half stays at full load: the pools fill and the worker threads' bound is met as it will be measured.
  warm_half="$(as_duration $(( $(duration_ms "$warmup") / 2 )))"
  workers=()
  for p in "$port" "$served_port"; do
    for route in "${routes[@]}"; do
      r="${route/'{ID}'/'{id}'}"   # {ID}: actor ids (1..200); {id}: film ids (1..1000)
      LABEL=warmup ROUTE="$r" ID_MAX=200 wrk_for "$warm_half" -t"$threads" -c"$connections" -s "$here/bench.lua" "http://127.0.0.1:$p" > /dev/null
      LABEL=warmup ROUTE="$r" ID_MAX=200 wrk_for "$warm_half" -t1 -c"$warm_connections" -s "$here/bench.lua" "http://127.0.0.1:$p" > /dev/null
    done
    # The store's request threads right after its warm-up, which on a cold store is a run of bursts whose requests wrk
    # gives up on. With Quarkus' default of 200 such bursts once filled the heap (README "At most 64 requests at once").
    # Linux shows the first 15 characters of a thread's name. A thread that ends between the glob and grep's read
    # makes grep exit 2 after listing the others; under pipefail and set -e that ended the whole run (a CI run).
    workers+=("$({ grep -lx executor-thread /proc/"${store_of[$p]}"/task/*/comm 2>/dev/null || true; } | wc -l)")
  done
  record "{\"label\":\"workers\",\"compared\":${workers[0]},\"served\":${workers[1]}}"
  echo "  worker threads right after each store's warm-up: ${workers[0]} (compared store), ${workers[1]} (page cache)"
fi
stocked=$(sql 0 "SELECT string_agg(DISTINCT i.film_id::text, ',') FROM inventory i JOIN staff s USING (store_id) WHERE s.username = 'Mike'")
active=$(sql 0 "SELECT string_agg(customer_id::text, ',') FROM customer WHERE activebool AND active = 1")
rentals() { # rentals DURATION
  STAFF_USER=Mike STAFF_PASSWORD="$(secret staff.Mike.password)" FILM_IDS="$stocked" CUSTOMER_IDS="$active" \
    wrk_for "$1" --timeout 10s -t4 -c4 -s "$here/bench-rentals.lua" "http://127.0.0.1:$port"
}
# Before anything is measured too: the rental load shares the HTTP, Hibernate and pool code with the catalog, whose
# routes were measured faster at the end of a run that warmed only them (`/`: 49 to 78 %) than right after it.
if [ "$(duration_ms "$rental_warmup")" != 0 ]; then
  say "warm-up of the rental API: ${rental_warmup} (its rentals stay in the history, returned)"
  rentals "$rental_warmup" > /dev/null
fi

# Then one request to every route on each store, one at a time, each answer awaited. After a short warm-up (CI's) the
# stores are still working through the requests wrk gave up on, and a route's first request may still load classes
# and parse its templates and queries: either outlasted CI's 250 ms halves, which then had no answer at all. And a
# store that did not survive the warm-up's bursts (with 200 worker threads a cold store's heap filled with parser
# state; README "At most 64 requests at once") fails here.
say "one request to every route on both stores, each answer awaited"
touch_routes() { # touch_routes PORT
  for route in "${routes[@]}"; do
    local r="${route/'{ID}'/'7'}"
    r="${r/'{id}'/'7'}"
    curl -fsS -o /dev/null --max-time 60 "http://127.0.0.1:$1$r" || { echo "GET $r on :$1 failed" >&2; return 1; }
  done
}
touch_routes "$served_port" & touched_served=$!
touch_routes "$port" || fail "a catalog route failed on the compared store"
wait "$touched_served" || fail "a catalog route failed on the store with the page cache"

say "limits: liveness (no database) and pgbench of the film page query on node1"
live="$(live_url "$port")"
live_port="${live#http://127.0.0.1:}"
run_wrk limit-live "${live_port%%/*}" "/${live_port#*/}"
node1="${hosts[1]}"
ms=$(duration_ms "$duration")
seconds=$(( ms < 1000 ? 1 : ms / 1000 ))   # pgbench -T takes whole seconds
# -M prepared: the store's driver prepares a query it runs again (pgjdbc's prepareThreshold), so the film page's query
# is planned once per connection. pgbench's default (simple protocol) plans the view's joins on every run: 1,200 tx/s
# here, against 6,000 prepared, which made the "combined limit" a fifth of what the database can do.
pgb=$(PGPASSWORD="$(secret pagila_app.password)" "$pg_tools/pgbench" -n -M prepared -c "$connections" -j "$threads" -T "$seconds" \
  -h "${node1%:*}" -p "${node1#*:}" -U pagila_app -f "$here/film-page.pgbench.sql" pagila 2>&1 || true)
tps=$(echo "$pgb" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
lat=$(echo "$pgb" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' | head -1)
[ -n "$tps" ] || { echo "$pgb" | tail -3 >&2; echo "  (pgbench finished no transaction in ${duration}: counted as 0)"; tps=0; }
record "{\"label\":\"limit-pgbench\",\"route\":\"film_page query on node1\",\"rps\":$tps,\"latency_avg\":${lat:-0}}"
echo "  limit-pgbench  film page query on node1: $tps tx/s"

say "catalog routes: standby routing and primary-only, interleaved A-B-B-A (halves of ${duration} each way, merged in the report)"
# Each route runs routing, primary-only, primary-only, routing for half the duration each: a machine whose load drifts
# during a route's measurement (other work, a materialized-view refresh, pool connections renewed) weighs on both
# ways alike, so the ratio compares the ways and not the moments they were measured at.
# Before each route's four halves, the store runs it for a half unmeasured each way (primary-only, then routing). Without it
# a route's first half was the slowest of its four in 9 of 12 routes of a full run (f44544e: `/categories` 1,679 req/s,
# then 2,292, 2,293 and 2,592), and the A-B-B-A order gives that first half to standby routing every time.
half="$(as_duration $((ms / 2)))"
quarter="$(as_duration $((ms / 4)))"
served_only() { # served_only REGEX: true when the RESULT line of bench.lua on stdin has answers, each read from a node matching REGEX
  # (bash's own regexes: a python3 per check cost about 0.2 s on a loaded machine, and a run makes over a hundred)
  local line served
  line=$(grep '^RESULT ' | head -1)
  [[ $line =~ \"requests\":([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] || return 1
  [[ $line =~ \"served\":\{([^}]*)\} ]] || return 1
  served=${BASH_REMATCH[1]}
  while [[ $served =~ \"([^\"]*)\":[0-9]+ ]]; do
    [[ ${BASH_REMATCH[1]} =~ ^($1)$ ]] || return 1
    served=${served#*"${BASH_REMATCH[0]}"}
  done
}
reads_from() { # reads_from standbys|primary ROUTE: where the compared store reads (PUT /api/cluster/reads as Mike)
  # The store empties its read pool (Agroal does it on its own housekeeping thread, which on a saturated machine can
  # be seconds behind) and answers once none of its connections is left on the other side; the next reads open new
  # connections where they should go, each with its warm-up read. The route's load runs, unmeasured, in runs of a
  # quarter of a duration until one run's answers all came from the chosen side (the first, unless the store answered
  # "moved": false): that way the new connections open outside the measurement. Both ways get it, so each way has one
  # half right after a switch and one after a half of its own.
  local nodes='node[123]' runs=0
  [ "$1" = primary ] && nodes=primary
  printf 'user = "Mike:%s"\n' "$(secret staff.Mike.password)" | curl -fsS -o /dev/null --max-time 30 -K - -X PUT \
    -H 'Content-Type: application/json' -d "{\"from\":\"$1\"}" "http://127.0.0.1:$port/api/cluster/reads" \
    || fail "could not send the compared store's reads to the $1"
  until wrk_route settle "$port" "$2" "$quarter" | served_only "$nodes( ?, ?$nodes)*"; do
    runs=$((runs + 1))
    [ "$runs" -lt 40 ] || fail "the compared store still read from other nodes than the $1 after 40 runs of $2"
  done
  record "{\"label\":\"switch\",\"to\":\"$1\",\"route\":\"$2\",\"runs\":$((runs + 1))}"
}
compare_routes() { # compare_routes LABEL_SUFFIX [settle]: every route A-B-B-A, the store's reads on the standbys (A) and on the primary (B)
  for route in "${routes[@]}"; do
    if [ "${2:-}" = settle ]; then
      reads_from primary "$route"
      settle "$port" "$route" "$half"
      reads_from standbys "$route"
      settle "$port" "$route" "$half"
    else
      reads_from standbys "$route"
    fi
    run_wrk "routing$1" "$port" "$route" "$half"
    reads_from primary "$route"
    run_wrk "primary-only$1" "$port" "$route" "$half"
    run_wrk "primary-only$1" "$port" "$route" "$half"
    reads_from standbys "$route"
    run_wrk "routing$1" "$port" "$route" "$half"
  done
}
compare_routes "" settle

# ---- The database alone: reads spread over three standbys that share the cores, vs all on the primary ----------------
# No store in between: one pgbench per standby at once (the connections split among them), then the same three all on
# the primary, A-B-B-A, each with a route's own queries. Three servers on one machine each keep their own copy of the
# pages, plans and processes in the same CPU caches; what that costs with no store involved is the floor under the
# store's routing ratio above (by hand, on the bench cluster after 150 s of rentals, two or three rounds each: the
# popularity list 0.94x and 0.97x, a copy's open-rental count 0.87x and 0.96x, the film page 0.94x to 1.04x).
spread_tps() { # spread_tps SCRIPT SECONDS HOST...: the summed tx/s of one pgbench per HOST, all at once
  local script="$1" secs="$2" i=0 n h pids=() files=()
  shift 2
  for h in "$@"; do
    n=$(( connections / $# + (i < connections % $# ? 1 : 0) ))
    files+=("$out/pgbench-spread-$i.txt")
    PGPASSWORD="$(secret pagila_app.password)" "$pg_tools/pgbench" -n -M prepared -c "$n" -j 1 -T "$secs" \
      -h "${h%:*}" -p "${h#*:}" -U pagila_app -f "$script" pagila > "${files[$i]}" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" && grep -q '^tps = ' "${files[$i]}" || { tail -3 "${files[$i]}" >&2; fail "pgbench of $script on $*: no result"; }
  done
  sed -n 's/^tps = \([0-9.]*\).*/\1/p' "${files[@]}" | awk '{ s += $1 } END { printf "%.1f", s }'
  rm -f "${files[@]}"
}
spread_half=$(( seconds / 2 < 1 ? 1 : seconds / 2 ))
say "the database alone: each route's queries by pgbench, spread over the three standbys vs all on the primary, A-B-B-A (${spread_half} s each)"
for query in film-page popularity actor-page; do
  script="$here/$query.pgbench.sql"
  s1=$(spread_tps "$script" "$spread_half" "${hosts[1]}" "${hosts[2]}" "${hosts[3]}")
  p1=$(spread_tps "$script" "$spread_half" "$primary" "$primary" "$primary")
  p2=$(spread_tps "$script" "$spread_half" "$primary" "$primary" "$primary")
  s2=$(spread_tps "$script" "$spread_half" "${hosts[1]}" "${hosts[2]}" "${hosts[3]}")
  record "{\"label\":\"db-spread\",\"query\":\"$query\",\"standbys\":[$s1,$s2],\"primary\":[$p1,$p2]}"
  echo "  db-spread $query: standbys $s1 / $s2 tx/s, primary $p1 / $p2 tx/s"
done

# The same comparison with each node on its CPU budget (see budget_on). The stores ran every route just before: no
# settling half.
if [ -n "$cg_parent" ] && ! budget_on; then
  budget_off
  cg_why="could not put the nodes into cgroups with a quota under $cg_parent (cgroup $cg_version)" cg_parent=""
fi
if [ -z "$cg_parent" ]; then
  record "{\"label\":\"node-budget\",\"unavailable\":\"$cg_why\"}"
  say "catalog routes with a CPU budget per node: not measured ($cg_why)"
else
  record "{\"label\":\"node-budget\",\"cpu\":$node_cpu,\"cgroup\":\"$cg_version\"}"
  say "catalog routes, each PostgreSQL node on a CPU budget of $node_cpu of a core (cgroup $cg_version): standby routing and primary-only, interleaved A-B-B-A"
  compare_routes -budget
  record "{\"label\":\"node-throttling\",\"nodes\":$(budget_record)}"
  budget_off
fi

say "catalog routes as customers get them: the store as shipped, page cache on (${duration} each)"
for route in "${routes[@]}"; do
  settle "$served_port" "$route" "$half"
  run_wrk served "$served_port" "$route"
done
# The page cache's background refreshes over all of it (the warm-up's included): a refresh without an answer leaves a
# copy to expire, and then a customer's request renders it (PageRefresh).
refreshes=$(curl -fsS --max-time 10 "http://127.0.0.1:$((served_port + 10))/q/metrics" | sed -n 's/^pagila_page_refreshes_total{outcome="\([a-z]*\)",\{0,1\}} \([0-9.E]*\)$/\1 \2/p' \
  | python3 -c 'import json, sys; print(json.dumps({k: int(float(v)) for k, v in (l.split() for l in sys.stdin)}))')
record "{\"label\":\"page-refreshes\",\"outcomes\":$refreshes}"
echo "  background refreshes of stale copies (the store as shipped, since its start): $refreshes"

say "rental API: 4 clients (HTTP Basic as Mike; films his store stocks, active customers), replication lag sampled on the primary; first ${half} unmeasured, as every route"
# One psql session that runs the query every 0.2 s (\watch): a new psql process and login per sample took about a fifth
# of the rental figure it sampled beside (4 clients: 206 and 237 rentals/s with it, 270 to 296 with this one), and
# managed 2.5 samples a second.
sample_lag() { # sample_lag FILE: replay_lag sampled into FILE in the background; the sampler's pid in lag_sampler
  : > "$1"
  PGCONNECT_TIMEOUT=5 PGPASSWORD="$(secret postgres.password)" "$pg_tools/psql" -X -At -h "${primary%:*}" -p "${primary#*:}" -U postgres -d pagila \
    <<< "SELECT coalesce(extract(epoch FROM max(replay_lag)) * 1000, 0) FROM pg_stat_replication \\watch 0.2" >> "$1" 2>/dev/null &
  lag_sampler=$!
  samplers+=("$lag_sampler")
  # the first sample before the load: \watch has begun, so the load's whole run is sampled, and stop_lag's interrupt
  # ends a \watch (one that came while psql was still signing in was lost, and psql then watched for 17 minutes)
  for _ in $(seq 1 100); do [ -s "$1" ] || ! kill -0 "$lag_sampler" 2>/dev/null && break; sleep 0.1; done
}
stop_lag() { # stop_lag LABEL FILE: ends the sampler and records its samples under LABEL
  kill -INT "$lag_sampler" 2>/dev/null || true   # psql ends its \watch on an interrupt, with a blank line
  for _ in $(seq 1 50); do kill -0 "$lag_sampler" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$lag_sampler" 2>/dev/null || true   # still watching after 5 s: the interrupt was lost after all
  wait "$lag_sampler" 2>/dev/null || true
  local running=() pid
  for pid in "${samplers[@]}"; do [ "$pid" = "$lag_sampler" ] || running+=("$pid"); done
  samplers=("${running[@]}")   # reaped: the exit trap must not signal a pid the system may have reused
  record "{\"label\":\"$1\",\"samples_ms\":[$(grep -E '^[0-9.]+$' "$2" | paste -sd,)]}"
}
# The rental load last ran in the warm-up, twenty minutes of catalog load ago. Its first second here had most of the
# lag of a full run (556b3bb: 24 to 51 ms in the first 1.6 s, then at most 3.3 ms), while the catalog routes are
# each measured after a half of their own load. So the rental load gets that half too, its lag recorded apart and
# printed, not judged.
sample_lag "$out/lag-start.txt"
rentals "$half" > /dev/null
stop_lag lag-start "$out/lag-start.txt"
sample_lag "$out/lag.txt"
line=$(rentals "$duration" | grep '^RESULT ' | sed 's/^RESULT //')
stop_lag lag "$out/lag.txt"
record "$line"
echo "  $line"

# What the generator must keep true, recorded before and after: the rentals of one copy that overlap in time (Pagila's
# own data has some; each generation may repeat those but add none), open rentals (generated ones are all returned),
# payments outside their month's partition.
history_facts() {
  sql 0 "SELECT json_build_object('rentals', (SELECT count(*) FROM rental), 'payments', (SELECT count(*) FROM payment),
    'open', (SELECT count(*) FROM rental WHERE return_date IS NULL),
    'in_default_partition', (SELECT count(*) FROM payment_p_default),
    'overlapping_pairs', (SELECT count(*) FROM rental a JOIN rental b ON a.inventory_id = b.inventory_id AND a.rental_id < b.rental_id
       AND tstzrange(a.rental_date, coalesce(a.return_date, 'infinity')) && tstzrange(b.rental_date, coalesce(b.return_date, 'infinity'))),
    'generated', (SELECT coalesce(sum(rentals), 0) FROM history_growth),
    'rental_vacuums', (SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'rental'),
    'originals', (SELECT count(*) FROM rental r, (SELECT original_start s, original_end e FROM history_growth LIMIT 1) g
       WHERE r.rental_date BETWEEN g.s AND g.e))"
}
if [ "$grow" -gt 1 ]; then
  # x1 measured again right before the growth, so both sides of the comparison run equally warm code
  for route in "/" "/films?sort=popularity" "/films/{id}"; do
    run_wrk "grown-x1" "$port" "$route"
  done
  say "history x$grow (cluster/pagila-cluster grow $grow)"
  before=$(sql 0 "SELECT json_build_object('rentals', (SELECT count(*) FROM rental), 'open', (SELECT count(*) FROM rental WHERE return_date IS NULL),
    'overlapping_pairs', (SELECT count(*) FROM rental a JOIN rental b ON a.inventory_id = b.inventory_id AND a.rental_id < b.rental_id
       AND tstzrange(a.rental_date, coalesce(a.return_date, 'infinity')) && tstzrange(b.rental_date, coalesce(b.return_date, 'infinity'))))")
  "$root/cluster/pagila-cluster" grow "$grow" | sed 's/^/  /'
  record "{\"label\":\"history\",\"grow\":$grow,\"before\":$before,\"after\":$(history_facts)}"
  target=$(sql 0 "SELECT pg_current_wal_lsn()")
  for _ in $(seq 1 120); do
    behind=$(sql 0 "SELECT count(*) FROM pg_stat_replication WHERE replay_lsn < '$target'")
    [ "$behind" = 0 ] && break
    sleep 0.5
  done
  for route in "/" "/films?sort=popularity" "/films/{id}"; do
    run_wrk "grown-x$grow" "$port" "$route"
  done
fi

sort -n "$rss_peak" | tail -1 | xargs -I{} echo "{\"label\":\"rss\",\"peak_kb\":{}}" >> "$results"
record "{\"label\":\"machine-after\",\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"seconds\":$(($(date +%s) - started))}"
say "load after: $(uptime)"
python3 "$here/bench_report.py" "$out"
say "report: $out/report.md"
