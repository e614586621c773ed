// Shared by the k6 scripts (https://k6.io): the catalog routes of k6/bench.sh, the rental API, and counters of
// which node served each read (X-Served-By). The wrk benchmark k6/bench.sh is the load CI measures; these are the same
// loads, with pass/fail thresholds, for users who have k6. The test suite runs them without k6 (K6ScriptsTest, on a
// stand-in of k6's modules in src/test/k6): their requests, checks and count thresholds, not their speed.
import http from 'k6/http';
import encoding from 'k6/encoding';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

export const BASE = __ENV.BASE_URL || 'http://localhost:8080';
const AUTH = 'Basic ' + encoding.b64encode(`${__ENV.STAFF || 'Mike'}:${__ENV.STAFF_PASSWORD || ''}`);

export const servedBy = {
  node1: new Counter('served_by_node1'),
  node2: new Counter('served_by_node2'),
  node3: new Counter('served_by_node3'),
  primary: new Counter('served_by_primary'),
};
// answers the store sent from its page cache (X-Cache: hit): they name no node, having read none
export const keptAnswers = new Counter('served_from_page_cache');
export const rentalsDone = new Counter('rentals_done_201');
export const rentalsPaused = new Counter('rentals_paused_503');

const WORDS = ['dinosaur', 'acadamy dinosuar', 'boring drama', '"mad scientist"', 'shark', 'canadian rockies'];
const id = (max) => 1 + Math.floor(Math.random() * max);
export const ROUTES = [
  () => '/',
  () => `/films?page=${id(42)}`,
  () => '/films?sort=popularity',
  () => '/films?category=Horror&sort=popularity',
  () => `/films/${id(1000)}`,
  () => `/actors/${id(200)}`,
  () => '/categories',
  () => '/categories/Horror',
  () => `/search?q=${encodeURIComponent(WORDS[id(WORDS.length) - 1])}`,
  () => '/api/films',
  () => `/api/films/${id(1000)}`,
];

/** One catalog page, tagged by its route (ids and query values folded), counted by the node that served it. */
export function browseOnce() {
  const path = ROUTES[id(ROUTES.length) - 1]();
  const res = http.get(BASE + path, { tags: { route: path.replace(/\/\d+$/, '/{id}').replace(/page=\d+/, 'page={n}') } });
  check(res, { 'catalog answers 200': (r) => r.status === 200 });
  (res.headers['X-Served-By'] || '').split(', ').forEach((node) => servedBy[node] && servedBy[node].add(1));
  if (res.headers['X-Cache'] === 'hit') {
    keptAnswers.add(1);
  }
}

/** Rent any in-stock copy of a random film to a random customer, then return it. */
export function rentAndReturnOnce() {
  const headers = { Authorization: AUTH, 'Content-Type': 'application/json' };
  const rent = http.post(`${BASE}/api/rentals`, JSON.stringify({ customerId: id(599), filmId: id(1000) }), { headers, tags: { route: 'rent' } });
  if (rent.status === 201) {
    rentalsDone.add(1);
    const back = http.post(`${BASE}/api/rentals/${rent.json('rentalId')}/return`, null, { headers, tags: { route: 'return' } });
    check(back, { 'return answers 200': (r) => r.status === 200 });
  } else if (rent.status === 503) {
    rentalsPaused.add(1);
    check(rent, { 'a paused rental says when to retry': (r) => r.headers['Retry-After'] !== undefined });
  } else {
    // 409: no copy of that film in stock at Mike's store, or an inactive customer
    check(rent, { 'rental is 201, 409 or 503': (r) => r.status === 409 });
  }
}
