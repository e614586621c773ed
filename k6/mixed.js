// A mixed day: 80 % of the iterations browse the catalog, 20 % rent and return at the counter.
//   k6 run -e BASE_URL=http://localhost:8080 -e STAFF_PASSWORD=<secrets file> k6/mixed.js
// Thresholds: every answer as expected, catalog p99 under 50 ms while rentals run, rentals keep flowing.
import { browseOnce, rentAndReturnOnce } from './lib.js';

export const options = {
  scenarios: { day: { executor: 'constant-vus', vus: 16, duration: __ENV.DURATION || '30s', exec: 'day' } },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
  thresholds: {
    checks: ['rate==1.0'],
    'http_req_duration{route:/}': ['p(99)<50'],
    'http_req_duration{route:/films/{id}}': ['p(99)<50'],
    rentals_done_201: ['count>0'],
    served_by_primary: ['count==0'],
  },
};

export function day() {
  if (Math.random() < 0.8) {
    browseOnce();
  } else {
    rentAndReturnOnce();
  }
}
