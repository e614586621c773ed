// Load for the failover demo: customers browse the catalog while the counter keeps renting and returning.
// Run it, then kill / promote / rejoin with cluster/pagila-cluster and watch the counters:
//   k6 run -e BASE=http://localhost:8080 -e STAFF=Mike -e STAFF_PASSWORD=<from the secrets file> k6/failover.js
// Browsing must never fail; rentals answer 201, or 503 with Retry-After while no primary takes writes.
import http from 'k6/http';
import encoding from 'k6/encoding';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';

const BASE = __ENV.BASE || 'http://localhost:8080';
const AUTH = 'Basic ' + encoding.b64encode(`${__ENV.STAFF || 'Mike'}:${__ENV.STAFF_PASSWORD || ''}`);

export const rentalsPaused = new Counter('rentals_paused_503');
export const rentalsDone = new Counter('rentals_done_201');

export const options = {
  scenarios: {
    customers: { executor: 'constant-vus', vus: 8, duration: __ENV.DURATION || '2m', exec: 'browse' },
    counter: { executor: 'constant-vus', vus: 1, duration: __ENV.DURATION || '2m', exec: 'rentAndReturn' },
  },
  thresholds: {
    'checks{scenario:customers}': ['rate==1.0'],
    'http_req_duration{scenario:customers}': ['p(99)<1000'],
  },
};

export function browse() {
  const id = 1 + Math.floor(Math.random() * 1000);
  for (const path of ['/', `/films?page=${1 + (id % 42)}`, `/films/${id}`, '/search?q=dinosaur']) {
    const res = http.get(BASE + path);
    check(res, { 'catalog answers 200': (r) => r.status === 200 });
  }
  sleep(0.2);
}

export function rentAndReturn() {
  const headers = { Authorization: AUTH, 'Content-Type': 'application/json' };
  const film = 1 + Math.floor(Math.random() * 1000);
  const rent = http.post(`${BASE}/api/rentals`, JSON.stringify({ customerId: 1, filmId: film }), { headers });
  if (rent.status === 503) {
    rentalsPaused.add(1);
    check(rent, { 'a paused rental says when to retry': (r) => r.headers['Retry-After'] !== undefined });
  } else if (rent.status === 201) {
    rentalsDone.add(1);
    http.post(`${BASE}/api/rentals/${rent.json('rentalId')}/return`, null, { headers });
  } else {
    check(rent, { 'rental is 201, 409 (no copy in stock) or 503': (r) => r.status === 409 });
  }
  sleep(0.5);
}
