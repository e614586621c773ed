// Load for the failover demo: customers browse the catalog while the counter keeps renting and returning.
// Run it, then kill / promote / rejoin with cluster/pagila-cluster and watch the counters:
//   k6 run -e BASE_URL=http://localhost:8080 -e STAFF=Mike -e STAFF_PASSWORD=<from the secrets file> k6/failover.js
// Browsing must never fail; rentals answer 201, or 503 with Retry-After while no primary takes writes.
import { sleep } from 'k6';
import { browseOnce, rentAndReturnOnce } from './lib.js';

export const options = {
  scenarios: {
    customers: { executor: 'constant-vus', vus: 8, duration: __ENV.DURATION || '2m', exec: 'browse' },
    counter: { executor: 'constant-vus', vus: 1, duration: __ENV.DURATION || '2m', exec: 'rentAndReturn' },
  },
  thresholds: {
    'checks{scenario:customers}': ['rate==1.0'],
    'http_req_duration{scenario:customers}': ['p(99)<1000'],
    rentals_done_201: ['count>0'],
  },
};

export function browse() {
  browseOnce();
  sleep(0.05);
}

export function rentAndReturn() {
  rentAndReturnOnce();
  sleep(0.5);
}
