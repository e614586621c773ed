// Runs the k6 scripts of k6/ without k6 (no k6 binary can be had here): each script is loaded as k6 loads it (ES
// modules, k6's modules replaced by the stand-in in modules/), its options are checked as k6 would parse them (every
// scenario's exec is an exported function; every threshold names a known metric, with an aggregation that metric's
// type has), and each scenario runs against a real store (BASE_URL) with its virtual users at once, each a worker
// thread (vu.mjs) running the scenario's function ITERATIONS times. Then the scripts' own checks must all have passed,
// and the thresholds that say what must happen (counts, and rates of Rate metrics such as `checks`) are evaluated;
// those on speed (latency, per-second rates) are k6's and the benchmark's, and printed as not evaluated. k6's engine
// itself (durations, pacing, its summary) does not run here.
//   BASE_URL=http://localhost:8080 STAFF_PASSWORD=... node src/test/k6/run.mjs k6/browse.js k6/counter.js
// Prints one JSON line per script ("K6 {...}") and exits 1 when a script fails any of that.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import { samples, types } from './modules/state.mjs';

register('./hooks.mjs', import.meta.url);
globalThis.__ENV = { ...process.env };
globalThis.__VU = 1;

const AGGREGATIONS = { counter: ['count', 'rate'], gauge: ['value'], rate: ['rate'], trend: ['avg', 'min', 'max', 'med', 'p'] };
const EXPRESSION = /^\s*(count|rate|value|avg|min|max|med|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;
const iterations = Number(process.env.ITERATIONS || 10);
const MAX_VUS = 16;

function parseThreshold(key, expression, problems) {
  // as k6 reads it: the name up to the first '{', the tags up to the last '}' (a value may hold braces: /films/{id})
  const open = key.indexOf('{');
  const metric = open < 0 ? key : key.slice(0, open);
  const filter = open < 0 ? '' : key.slice(open + 1, key.lastIndexOf('}'));
  if (!/^[A-Za-z0-9_]+$/.test(metric) || (open >= 0 && !key.endsWith('}'))) {
    problems.push(`threshold key ${key}: not a metric name with an optional {tag:value}`);
    return null;
  }
  const type = types.get(metric);
  if (!type) {
    problems.push(`threshold on ${metric}: no such metric (neither k6's nor one the script creates)`);
    return null;
  }
  const e = EXPRESSION.exec(expression);
  if (!e) {
    problems.push(`threshold ${key}: "${expression}" is no k6 threshold expression`);
    return null;
  }
  const aggregation = e[1].startsWith('p(') ? 'p' : e[1];
  if (!AGGREGATIONS[type].includes(aggregation)) {
    problems.push(`threshold ${key}: a ${type} has no ${e[1]} (only ${AGGREGATIONS[type].join(', ')})`);
    return null;
  }
  const tags = {};
  if (filter) {
    for (const pair of filter.split(',')) {
      const colon = pair.indexOf(':');
      const unquote = (t) => t.trim().replace(/^["']|["']$/g, '').trim();
      tags[unquote(pair.slice(0, colon))] = unquote(pair.slice(colon + 1));
    }
  }
  return { key, expression, metric, type, tags, aggregation, operator: e[3], limit: Number(e[4]) };
}

/** Counts and the rates of Rate metrics say what happened; the rest (latency, per-second rates) is speed: not here. */
function evaluate(threshold) {
  const { metric, type, tags, aggregation, operator, limit } = threshold;
  if (!((type === 'counter' && aggregation === 'count') || (type === 'rate' && aggregation === 'rate'))) {
    return { ...threshold, evaluated: false };
  }
  const chosen = samples.filter((s) => s.metric === metric && Object.entries(tags).every(([k, v]) => s.tags[k] === v));
  const sum = chosen.reduce((total, s) => total + s.value, 0);
  const value = aggregation === 'count' ? sum : chosen.length === 0 ? NaN : sum / chosen.length;
  const holds = { '<': value < limit, '<=': value <= limit, '>': value > limit, '>=': value >= limit, '==': value === limit,
    '===': value === limit, '!=': value !== limit }[operator];
  return { ...threshold, evaluated: true, value, holds };
}

let failed = false;
for (const file of process.argv.slice(2)) {
  samples.length = 0;
  const problems = [];
  const scriptUrl = pathToFileURL(resolvePath(file)).href;
  const script = await import(scriptUrl);
  const options = script.options || {};
  // a scenario without exec runs the script's default function, as in k6
  const scenarios = Object.entries(options.scenarios || { default: {} })
    .map(([name, scenario]) => [name, { ...scenario, exec: scenario.exec || 'default' }]);
  for (const [name, scenario] of scenarios) {
    const exec = scenario.exec;
    if (typeof script[exec] !== 'function') {
      problems.push(`scenario ${name}: exec ${exec} is not a function the script exports`);
    }
  }
  const thresholds = [];
  for (const [key, expressions] of Object.entries(options.thresholds || {})) {
    for (const expression of expressions) {
      const t = parseThreshold(key, typeof expression === 'string' ? expression : expression.threshold, problems);
      if (t) {
        thresholds.push(t);
      }
    }
  }
  if (problems.length === 0) { // every scenario's VUs at once, as k6 runs a script's scenarios side by side
    const vus = scenarios.flatMap(([name, scenario]) => Array.from({ length: Math.min(scenario.vus || 1, MAX_VUS) }, (_, i) =>
      new Promise((done, failedVu) => {
        const worker = new Worker(new URL('./vu.mjs', import.meta.url), { workerData: { url: scriptUrl, exec:
          scenario.exec, scenario: name, vu: i + 1, iterations, env: globalThis.__ENV } });
        worker.once('message', done);
        worker.once('error', failedVu);
        // after its message a VU's exit changes nothing; before it, the VU died without its samples
        worker.once('exit', (code) => failedVu(new Error(`scenario ${name}, VU ${i + 1} exited (${code}) without its samples`)));
      })));
    for (const vu of await Promise.all(vus)) {
      samples.push(...vu.samples);
      problems.push(...vu.problems);
    }
  }
  const checks = {};
  for (const s of samples.filter((x) => x.metric === 'checks')) {
    const c = (checks[s.tags.check] ||= { passes: 0, fails: 0 });
    s.value ? c.passes++ : c.fails++;
  }
  const counts = {};
  for (const s of samples.filter((x) => types.get(x.metric) === 'counter')) {
    counts[s.metric] = (counts[s.metric] || 0) + s.value;
  }
  const judged = problems.length === 0 ? thresholds.map(evaluate) : [];
  for (const [name, c] of Object.entries(checks)) {
    if (c.fails > 0) {
      problems.push(`check "${name}" failed ${c.fails} of ${c.passes + c.fails} times`);
    }
  }
  for (const t of judged.filter((x) => x.evaluated && !x.holds)) {
    problems.push(`threshold ${t.key}: ${t.expression} does not hold (${t.value})`);
  }
  failed ||= problems.length > 0;
  console.log('K6 ' + JSON.stringify({
    script: file, iterations: scenarios.map(([name, sc]) => `${name}: ${Math.min(sc.vus || 1, MAX_VUS)} VUs x ${iterations}`), checks, counts,
    thresholds: judged.map((t) => ({ threshold: `${t.key} ${t.expression}`, evaluated: t.evaluated, value: t.value, holds: t.holds })),
    problems,
  }));
}
process.exit(failed ? 1 : 0);
