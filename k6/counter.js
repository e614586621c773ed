// The counter: 4 staff clients renting and returning through the JSON API (HTTP Basic).
//   k6 run -e BASE_URL=http://localhost:8080 -e STAFF=Mike -e STAFF_PASSWORD=<secrets file> k6/counter.js
// Thresholds: 200 rentals/s (the target), no unexpected status, p99 under 500 ms.
import { rentAndReturnOnce } from './lib.js';

export const options = {
  scenarios: { counter: { executor: 'constant-vus', vus: 4, duration: __ENV.DURATION || '30s', exec: 'counter' } },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
  thresholds: {
    checks: ['rate==1.0'],
    rentals_done_201: ['rate>=200'],
    rentals_paused_503: ['count==0'],
    http_req_duration: ['p(99)<500'],
  },
};

export function counter() {
  rentAndReturnOnce();
}
