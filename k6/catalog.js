// Catalog load test for k6 (https://k6.io): `k6 run -e BASE_URL=http://localhost:8080 k6/catalog.js`.
// The same routes as k6/catalog-bench.sh (wrk); prints latency percentiles and counts which node served reads.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const BASE = __ENV.BASE_URL || 'http://localhost:8080';
const servedBy = {
  node1: new Counter('served_by_node1'),
  node2: new Counter('served_by_node2'),
  node3: new Counter('served_by_node3'),
  primary: new Counter('served_by_primary'),
};

export const options = {
  scenarios: {
    films: { executor: 'constant-vus', vus: 8, duration: '30s', exec: 'films' },
    film: { executor: 'constant-vus', vus: 8, duration: '30s', exec: 'film' },
    search: { executor: 'constant-vus', vus: 8, duration: '30s', exec: 'search' },
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(90)', 'p(99)', 'max'],
  thresholds: { checks: ['rate>0.99'], served_by_primary: ['count==0'] },
};

function get(path) {
  const res = http.get(`${BASE}${path}`, { tags: { route: path.replace(/\d+$/, '{id}').split('?')[0] } });
  check(res, { 'status is 200': (r) => r.status === 200 });
  (res.headers['X-Served-By'] || '').split(', ').forEach((node) => servedBy[node] && servedBy[node].add(1));
}

export function films() {
  get('/films?page=' + (1 + Math.floor(Math.random() * 42)));
}

export function film() {
  get('/films/' + (1 + Math.floor(Math.random() * 1000)));
}

const WORDS = ['dinosaur', 'boring drama', '"mad scientist"', 'acadamy dinosuar', 'shark', 'canadian rockies'];
export function search() {
  get('/search?q=' + encodeURIComponent(WORDS[Math.floor(Math.random() * WORDS.length)]));
}
