#!/usr/bin/env python3
"""Turns k6/bench.sh's results.jsonl into report.md and five SVG plots (standard library only: the plots are plain
horizontal bars with their figures written on them, so nothing is hidden by a charting library's defaults)."""
import json
from bisect import bisect_right
import sys
from html import escape
from pathlib import Path

out = Path(sys.argv[1])
rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]


def one(label):
    return next((r for r in rows if r.get("label") == label), None)


def runs(label):
    return [r for r in rows if r.get("label") == label]


machine, after = one("machine") or {}, one("machine-after") or {}
live, pgbench = one("limit-live"), one("limit-pgbench")
combined = 1 / (1 / live["rps"] + 1 / pgbench["rps"]) if live and pgbench and live["rps"] > 0 and pgbench["rps"] > 0 else None


def merged_quantile(parts, p):
    """The p-th percentile of the union of several runs' latencies, each given by its quantile table (every 0.1 %)
    and weighted by its request count: the smallest latency at which the merged distribution reaches p."""
    tables = [(r["requests"], r["quantiles"]) for r in parts if r.get("quantiles") and r["requests"]]
    total = sum(n for n, _ in tables)
    if not total:
        return max(r[f"p{p}"] for r in parts)
    tables = [(n, sorted(qs)) for n, qs in tables]
    candidates = sorted({q for _, qs in tables for q in qs})
    reached = lambda x: sum(n * bisect_right(qs, x) / len(qs) for n, qs in tables) / total >= p / 100 - 1e-9
    low, high = 0, len(candidates) - 1
    while low < high:  # the merged distribution only grows with x: bisect over the candidate latencies
        mid = (low + high) // 2
        low, high = (low, mid) if reached(candidates[mid]) else (mid + 1, high)
    return candidates[low]


def merge(parts):
    """One measurement of a route from its interleaved halves: requests over seconds, merged percentiles, counts summed."""
    if len(parts) == 1:
        return parts[0]
    requests, seconds = sum(r["requests"] for r in parts), sum(r["seconds"] for r in parts)
    counts = lambda key: {k: sum(r[key].get(k, 0) for r in parts) for r in parts for k in r[key]}
    return {"label": parts[0]["label"], "route": parts[0]["route"], "requests": requests, "seconds": seconds,
            "rps": requests / seconds if seconds else 0, "p50": merged_quantile(parts, 50), "p95": merged_quantile(parts, 95),
            "p99": merged_quantile(parts, 99), "max": max(r["max"] for r in parts), "statuses": counts("statuses"),
            "served": counts("served"), "halves": [round(r["rps"]) for r in parts]}


def by_route(label):
    routes = {}
    for r in runs(label):
        routes.setdefault(r["route"], []).append(r)
    return {route: merge(parts) for route, parts in routes.items()}


routing = by_route("routing")
primary_only = by_route("primary-only")
# the same store, both ways, with each PostgreSQL node on a CPU budget of its own (cgroups; bench.sh budget_on)
budget = one("node-budget") or {}
routing_budget, primary_only_budget = by_route("routing-budget"), by_route("primary-only-budget")


def ratios_of(a, b):
    """routing / primary-only req/s per route measured both ways"""
    return {r: a[r]["rps"] / b[r]["rps"] for r in a if r in b and b[r]["rps"]}


shared_ratios, budget_ratios = ratios_of(routing, primary_only), ratios_of(routing_budget, primary_only_budget)
COMPARISON_HEAD = ["| route | req/s routing | p50 | p95 | p99 (ms) | req/s primary-only | p99 (ms) | routing / primary-only | "
                   "served by | non-2xx | halves r/p/p/r |", "|---|---|---|---|---|---|---|---|---|---|---|"]
# the store as shipped, page cache on: what customers get
served = by_route("served")


def kept_share(r):
    """The share of answers sent from the page cache: those that name no node (X-Served-By absent)."""
    total = sum(r.get("served", {}).values())
    return r.get("served", {}).get("none", 0) / total if total else 0
rentals, lag, lag_start, rss = one("rentals"), one("lag"), one("lag-start"), one("rss")
grown = [r for r in rows if str(r.get("label", "")).startswith("grown-x") and r.get("label") != "grown-x1"]
# x1 for the growth comparison: measured right before the growth when the run did (equally warm), else the catalog runs
grown_x1 = {r["route"]: r["rps"] for r in rows if r.get("label") == "grown-x1"}
grow = machine.get("grow", 1)


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def non_2xx(r):
    return sum(n for status, n in r.get("statuses", {}).items() if not status.startswith("2"))


def fmt(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"


def standby_share(runs_):
    counts = {}
    for r in runs_:
        for node, n in r.get("served", {}).items():
            for part in node.split(", "):
                counts[part] = counts.get(part, 0) + n
    return counts


# ---- plots -----------------------------------------------------------------------------------------------------
def bars(name, title, unit, groups, series, markers=(), digits=None):
    """groups: [(label, [value per series])]; series: [(name, colour)]; markers: [(value, label)] as vertical lines."""
    width, left, bar_h, gap = 980, 300, 14, 10
    top = 50
    height = top + len(groups) * (len(series) * bar_h + gap) + 40 + 14 * len(markers)
    peak = max([v for _, values in groups for v in values if v] + [m for m, _ in markers] + [1])
    scale = (width - left - 120) / peak
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="15" font-weight="bold">{escape(title)}</text>']
    x = left
    for i, (sname, colour) in enumerate(series):
        svg.append(f'<rect x="{x}" y="30" width="12" height="12" fill="{colour}"/><text x="{x + 16}" y="40">{escape(sname)}</text>')
        x += 20 + 8 * len(sname)
    y = top
    for label, values in groups:
        svg.append(f'<text x="{left - 8}" y="{y + bar_h * len(series) / 2 + 4}" text-anchor="end">{escape(label)}</text>')
        for value, (_, colour) in zip(values, series):
            if value is not None:
                svg.append(f'<rect x="{left}" y="{y}" width="{max(1, value * scale):.1f}" height="{bar_h - 2}" fill="{colour}"/>')
                svg.append(f'<text x="{left + value * scale + 4:.1f}" y="{y + bar_h - 4}">{fmt(value, digits if digits is not None else 1 if value < 100 else 0)}{unit}</text>')
            y += bar_h
        y += gap
    for i, (value, label) in enumerate(markers):
        mx = left + value * scale
        # each marker's label on a line of its own: two limits close together would print over each other
        svg.append(f'<line x1="{mx:.1f}" y1="{top - 4}" x2="{mx:.1f}" y2="{y + 14 * i}" stroke="#c00" stroke-dasharray="4 3"/>')
        svg.append(f'<text x="{mx + 3:.1f}" y="{y + 14 + 14 * i}" fill="#c00">{escape(label)}</text>')
    svg.append("</svg>")
    (out / name).write_text("\n".join(svg))


order = list(routing)
bars("throughput.svg", "Requests/s per route, as shipped and with every request reading (dashed: the machine's limits)", " /s",
     [(r, [served[r]["rps"], routing[r]["rps"], primary_only.get(r, {}).get("rps")]) for r in order],
     [("as shipped, page cache 1 s", "#38a169"), ("standby routing, no cache", "#2b6cb0"), ("primary only, no cache", "#a0aec0")],
     [m for m in [(combined, f"combined limit {fmt(combined)}/s") if combined else None,
                  (pgbench["rps"], f"pgbench film page {fmt(pgbench['rps'])}/s") if pgbench else None] if m])
bars("latency.svg", f"Latency per route, {machine.get('connections')} connections (ms): as shipped and every request reading", " ms",
     [(r, [served[r]["p50"], served[r]["p99"], routing[r]["p50"], routing[r]["p99"]]) for r in order],
     [("p50 as shipped", "#9ae6b4"), ("p99 as shipped", "#276749"), ("p50 no cache", "#fbd38d"), ("p99 no cache", "#e53e3e")],
     [(50, "p99 target 50 ms")])
spread = standby_share(runs("routing"))
reads = sum(n for node, n in spread.items() if node != "none")
nodes = sorted(n for n in spread if n != "none")
bars("spread.svg", "Share of catalog reads per node, all routing runs (target: each standby 1/3 +-20%)", " %",
     [(n, [100 * spread[n] / reads if reads else 0]) for n in nodes], [("share of reads", "#2b6cb0")],
     [(100 / 3 * 0.8, "-20%"), (100 / 3 * 1.2, "+20%")])
if budget_ratios:
    bars("routing.svg", "Routing / primary-only, req/s per route (dashed: 1.0x, the target)", "x",
         [(r, [shared_ratios.get(r), budget_ratios.get(r)]) for r in order],
         [("nodes sharing the machine's cores", "#a0aec0"), (f"each node on {budget.get('cpu')} of a core", "#2b6cb0")],
         [(1.0, "1.0x")], digits=2)
x1 = {r: routing[r]["rps"] for r in routing} | grown_x1
bars("growth.svg", f"Requests/s at history x1 and x{grow}", " /s",
     [(g["route"], [x1.get(g["route"]), g["rps"]]) for g in grown],
     [("history x1", "#2b6cb0"), (f"history x{grow}", "#dd6b20")])

# ---- report -------------------------------------------------------------------------------------------------------
film = routing.get("/films/{id}")
lag_samples = (lag or {}).get("samples_ms", [])
lag_p50, lag_p99 = percentile(lag_samples, 50), percentile(lag_samples, 99)
lag_start_samples = (lag_start or {}).get("samples_ms", [])
rss_mb = rss["peak_kb"] / 1024 if rss else None
# runs from before the warm-up's second half at fewer connections did not record it
warm_half_note = f" (its second half at {machine['warmup_connections']} connections)" if machine.get("warmup_connections") else ""
lines = [
    "# Benchmark report (k6/bench.sh)", "",
    f"Commit `{machine.get('commit')}`, {machine.get('cores')} cores, load average before {machine.get('load_before')} and after "
    f"{after.get('load_after')} (1, 5, 15 min; other work on the machine shares the cores), wrk `-t{machine.get('threads')} "
    f"-c{machine.get('connections')} -d{machine.get('duration')}` per measurement after a warm-up of {machine.get('warmup', '?')} "
    f"per route and store{warm_half_note} and {machine.get('rental_warmup', '?')} of the rental load, run took {after.get('seconds')} s.",
    "Store, the four PostgreSQL nodes and the load generator all run on this machine; the store's JVM options: "
    f"`{machine.get('java_opts') or '(none)'}`.", "",
    "## Limits of this machine", "",
    "| what | figure |", "|---|---|",
    f"| `/q/health/live` (no database) | {fmt(live['rps'] if live else None)} req/s |",
    f"| pgbench, the film page's query on node1 ({machine.get('connections')} clients, prepared as the store's driver runs it) | {fmt(pgbench['rps'] if pgbench else None)} tx/s |",
    f"| combined limit (1 / (1/live + 1/pgbench)) | {fmt(combined)} req/s |", "",
    "## Catalog routes as customers get them (the store as shipped: page cache 1 s)", "",
    "A second store with the defaults. A page asked for again within a second is sent from memory (`X-Cache: hit`, no "
    "database read); an older copy, for a few seconds more (`pagila.catalog.page-cache-stale`), is sent too while the store renders it again in the background "
    "(`X-Cache: stale`); \"kept\" is the share of answers sent from memory. The last column compares with the same route "
    "when every request reads the database (the compared store below, reading from the standbys). Each route ran half the duration "
    "unmeasured first.", "",
    "| route | req/s | p50 | p95 | p99 (ms) | kept | non-2xx | vs every request reading |", "|---|---|---|---|---|---|---|---|"]
for r in order:
    a = served[r]
    lines.append(f"| `{r}` | {fmt(a['rps'])} | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | {100 * kept_share(a):.0f} % | "
                 f"{non_2xx(a)} | {fmt(a['rps'] / routing[r]['rps'] if routing[r]['rps'] else None, 2)}x |")
refreshed = one("page-refreshes")
if refreshed:
    outcomes = refreshed["outcomes"]
    lines += ["", f"Background refreshes of stale copies on this store since its start (warm-up included): "
              f"{fmt(outcomes.get('answered', 0))} answered, {fmt(outcomes.get('failed', 0))} without an answer "
              "(`pagila_page_refreshes_total`). A copy whose refresh got no answer expires, and a customer's request renders it."]
switches = [r["runs"] for r in runs("switch")]
switch_note = (f"{len(switches)} switches, {sum(1 for n in switches if n == 1)} of them after one run, at most {max(switches)}"
               if switches else "this run has no record of the switches")
lines += [
    "", "## Catalog routes, every request reading the database: standby routing vs primary-only", "",
    "One store without the page cache, its reads sent to the standbys (routing) or to the primary (primary-only) "
    "between halves (`PUT /api/cluster/reads`; it empties the read pool), so both ways run the same JVM and its compiled "
    "code. After each switch the route's load ran unmeasured, a quarter of the duration at a time, until one such run "
    f"was served wholly from the chosen side ({switch_note}). Each route ran "
    "half the duration unmeasured each way (primary-only, then routing), then interleaved routing, primary-only, "
    "primary-only, routing (half the "
    "duration each); the figures merge the halves (req/s over both, percentiles of all requests); the halves' req/s are "
    "in the last column.", "",
    *COMPARISON_HEAD]


def halves(a, b):
    if "halves" not in a or not b or "halves" not in b:
        return "-"
    return " / ".join(fmt(v) for v in [a["halves"][0], *b["halves"], *a["halves"][1:]])


def comparison_rows(routed, primary, ratios):
    """One row per route of a routing vs primary-only comparison (sharing the cores, or on the CPU budgets)."""
    rows = []
    for r in order:
        a, b = routed.get(r), primary.get(r)
        if not a:
            continue
        by_node = " / ".join(f"{n} {c}" for n, c in sorted(a["served"].items()))
        rows.append(f"| `{r}` | {fmt(a['rps'])} | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | {fmt(b['rps'] if b else None)} | "
                    f"{fmt(b['p99'] if b else None, 1)} | {fmt(ratios.get(r), 2)}x | {by_node} | "
                    f"{non_2xx(a) + (non_2xx(b) if b else 0)} | {halves(a, b)} |")
    return rows


lines += comparison_rows(routing, primary_only, shared_ratios)
# the database alone (bench.sh spread_tps): the same A-B-B-A with no store, so the nodes' sharing shows apart from it
db_spread = {r["query"]: r for r in runs("db-spread")}
db_ratios = {q: sum(r["standbys"]) / sum(r["primary"]) for q, r in db_spread.items() if sum(r["primary"])}
DB_ROUTES = {"film-page": "/films/{id}", "popularity": "/films?sort=popularity", "actor-page": "/actors/{id}"}
if db_spread:
    lines += ["", "## The database alone: reads spread over the standbys vs all on the primary", "",
              "No store in between: each route's own queries (`k6/*.pgbench.sql`: the film page's row of `film_page`, the "
              "popularity list's and an actor page's queries as Hibernate sends them), one pgbench "
              f"per standby at once with the {machine.get('connections')} connections split among them, then the same three "
              "pgbench all on the primary; interleaved standbys, primary, primary, standbys. Where the nodes share the "
              "machine's cores, three servers keep three copies of the pages, plans and processes in the same CPU caches: "
              "this is the database's own ratio, under the store's in the table above (printed, not judged).", "",
              "| queries of | tx/s spread over the standbys | tx/s all on the primary | standbys / primary | store's routing / primary-only | halves s/p/p/s |",
              "|---|---|---|---|---|---|"]
    for q, r in db_spread.items():
        route = DB_ROUTES.get(q, q)
        lines.append(f"| `{route}` | {fmt(sum(r['standbys']) / 2)} | {fmt(sum(r['primary']) / 2)} | {fmt(db_ratios.get(q), 2)}x | "
                     f"{fmt(shared_ratios.get(route), 2)}x | {' / '.join(fmt(v) for v in [r['standbys'][0], *r['primary'], r['standbys'][1]])} |")
lines += ["", "## Standby routing vs primary-only, each node on a CPU budget of its own", ""]
if budget.get("cpu"):
    lines += [
        f"The table above compares two equal amounts of CPU: the four nodes share this machine's cores, so three standbys "
        f"have no more to give than the primary. Standby routing is for nodes on machines of their own. Here the same "
        f"store ran every route again, both ways, with each PostgreSQL node in a cgroup of its own, its CPU quota "
        f"{budget.get('cpu')} of a core (cgroup {budget.get('cgroup')}, 10 ms period; by default a quarter of the machine's "
        f"{machine.get('cores')} cores, as if they were split evenly among the four nodes): three standbys then have three such "
        f"budgets, the primary one. Interleaved routing, primary-only, primary-only, routing, half the duration each; "
        f"the store had run every route just before. Printed, not judged: three budgets against one could hardly "
        f"lose, so this shows what routing buys where the nodes have machines of their own, and the routing target "
        f"stays judged on the table above.", "",
        *COMPARISON_HEAD]
    lines += comparison_rows(routing_budget, primary_only_budget, budget_ratios)
    throttling = (one("node-throttling") or {}).get("nodes", {})
    if throttling:
        # primary: the store's reads while sent to the primary; standbys: while sent to the standbys. A node throttled in most of its
        # periods had its budget as its limit.
        lines += ["", "Each node's group over both ways' runs (`cpu.stat`): " + "; ".join(
            f"{n} {t.get('processes')} processes, throttled in {t.get('nr_throttled', 0):,} of {t.get('nr_periods', 0):,} "
            f"10 ms periods" for n, t in throttling.items()) + "."]
    lines += ["", "![routing](routing.svg)"]
else:
    lines += [f"Not measured: {budget.get('unavailable', 'this run has no record of it')}."]
lines += ["", "## Spread of reads over the nodes (all routing runs)", "", "| node | reads | share |", "|---|---|---|"]
lines += [f"| {n} | {spread[n]} | {100 * spread[n] / reads:.1f} % |" for n in nodes] if reads else []
if film:
    film_reads = sum(v for k, v in film["served"].items() if k.startswith("node"))
    lines += ["", "Film page run alone: " + ", ".join(
        f"{k} {100 * v / film_reads:.1f} %" for k, v in sorted(film["served"].items()) if film_reads)]
if rentals:
    lines += ["", "## Rental API (4 clients, HTTP Basic) and replication lag", "",
              f"{rentals['rentals_per_s']:.1f} rentals/s and {rentals['returns_per_s']:.1f} returns/s "
              f"({rentals['rps']:.1f} requests/s; p50 {rentals['p50']:.1f} ms, p99 {rentals['p99']:.1f} ms; statuses "
              f"{rentals['statuses']}). Replication lag (`replay_lag` on the primary, {len(lag_samples)} samples every 0.2 s): "
              f"p50 {fmt(lag_p50, 1)} ms, p99 {fmt(lag_p99, 1)} ms, max {fmt(percentile(lag_samples, 100), 1)} ms."]
    if lag_start:  # older results measured the lag from the load's first second and have none
        lines += ["", f"Measured after the same load ran unmeasured for half the duration, as every catalog route. The lag "
                      f"while it started, printed and not judged ({len(lag_start_samples)} samples): p50 "
                      f"{fmt(percentile(lag_start_samples, 50), 1)} ms, max "
                      f"{fmt(percentile(lag_start_samples, 100), 1)} ms."]
if grown:
    lines += ["", f"## History x1 vs x{grow}", "", f"| route | req/s x1 | req/s x{grow} | x1 / x{grow} |", "|---|---|---|---|"]
    for g in grown:
        base = x1.get(g["route"])
        lines.append(f"| `{g['route']}` | {fmt(base)} | {fmt(g['rps'])} | {fmt(base / g['rps'] if base and g['rps'] else None, 2)}x |")
lines += ["", f"Store resident memory, peak sampled each second under load: {fmt(rss_mb)} MB.", ""]


def target(what, measured, goal, met):
    return f"| {what} | {measured} | {goal} | {'yes' if met else 'NO'} |"


lines += ["## Targets (printed, never asserted)", "", "| target | measured | goal | met |", "|---|---|---|---|"]
# Throughput and latency are judged as customers get them (the store as shipped, page cache on); the figures with
# every request reading the database are printed beside them.
# Except the film page against the combined limit: the limit is that of reading the database, so the page is judged with
# every request reading it (as shipped, most answers come from the page cache and read nothing).
served_film = served.get("/films/{id}")
if film and combined:
    lines.append(target("film page vs combined limit", f"every request reading: {100 * film['rps'] / combined:.0f} % "
                        f"({fmt(film['rps'])}/s); as shipped: {100 * served_film['rps'] / combined:.0f} % "
                        f"({fmt(served_film['rps'])}/s)" if served_film else f"{100 * film['rps'] / combined:.0f} %",
                        ">= 50 %", film["rps"] >= combined / 2))
for route, goal in (("/films", 5000), ("/", 2000)):
    lines.append(target(f"`{route}` req/s", f"as shipped: {fmt(served[route]['rps'])}; every request reading: "
                        f"{fmt(routing[route]['rps'])}", f">= {goal:,}", served[route]["rps"] >= goal))
worst = max(order, key=lambda r: served[r]["p99"])
slowest = max(order, key=lambda r: routing[r]["p99"])
lines.append(target("p99 of every catalog route", f"as shipped: worst {served[worst]['p99']:.1f} ms (`{worst}`); every request "
                    f"reading: worst {routing[slowest]['p99']:.1f} ms (`{slowest}`)", "< 50 ms", served[worst]["p99"] < 50))
# Judged as the issue measured it, the nodes sharing the machine's cores (on one machine, noise around 1.0x); the
# budgeted comparison, which shows what routing is for, is printed beside it and not judged: with three budgets
# against one it could hardly fail.
if shared_ratios:
    low = min(shared_ratios, key=shared_ratios.get)
    if budget_ratios:
        blow = min(budget_ratios, key=budget_ratios.get)
        beside = f"each node on {budget.get('cpu')} of a core: lowest {budget_ratios[blow]:.2f}x (`{blow}`)"
    else:
        beside = "with a CPU budget per node: not measured"
    if db_ratios:
        dlow = min(db_ratios, key=db_ratios.get)
        beside += f"; the database alone, spread over the standbys / all on the primary: lowest {db_ratios[dlow]:.2f}x (`{DB_ROUTES.get(dlow, dlow)}`)"
    lines.append(target("routing / primary-only, every route", f"nodes sharing the cores: lowest {shared_ratios[low]:.2f}x "
                        f"(`{low}`); {beside}", ">= 1.0x", shared_ratios[low] >= 1.0))
if reads:
    shares = {n: spread[n] / reads for n in nodes if n.startswith("node")}
    lines.append(target("each standby's share of reads", ", ".join(f"{n} {100 * s:.1f} %" for n, s in shares.items()),
                        "33.3 % +-20 %", len(shares) == 3 and all(abs(s * 3 - 1) <= 0.2 for s in shares.values())))
for g in grown:
    if g["route"] in ("/", "/films?sort=popularity") and x1.get(g["route"]):
        ratio = x1[g["route"]] / g["rps"]
        lines.append(target(f"`{g['route']}` at x{grow} vs x1", f"{ratio:.2f}x slower", "<= 1.2x", ratio <= 1.2))
if rentals:
    lines.append(target("rentals/s with 4 clients", f"{rentals['rentals_per_s']:.1f}", ">= 200", rentals["rentals_per_s"] >= 200))
if lag_p99 is not None:
    lines.append(target("replication lag p99 under the rental load", f"{lag_p99:.1f} ms", "< 50 ms", lag_p99 < 50))
if rss_mb:
    lines.append(target("store resident memory under load", f"{rss_mb:.0f} MB", "<= 512 MB", rss_mb <= 512))
lines += ["", "## Plots", "", "![throughput](throughput.svg)", "", "![latency](latency.svg)", "", "![spread](spread.svg)", "",
          "![growth](growth.svg)", ""]
(out / "report.md").write_text("\n".join(lines))
print("\n".join(lines))
