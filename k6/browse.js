// Customers browsing: every catalog route of k6/bench.sh, 16 virtual users.
//   k6 run -e BASE_URL=http://localhost:8080 k6/browse.js
// Thresholds: every page 200, p99 under 50 ms, no read served by the primary while standbys are up, reads on all
// three standbys.
import { browseOnce } from './lib.js';

export const options = {
  scenarios: { customers: { executor: 'constant-vus', vus: 16, duration: __ENV.DURATION || '30s', exec: 'browse' } },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
  thresholds: {
    checks: ['rate==1.0'],
    http_req_duration: ['p(99)<50'],
    served_by_primary: ['count==0'],
    served_by_node1: ['count>0'],
    served_by_node2: ['count>0'],
    served_by_node3: ['count>0'],
  },
};

export function browse() {
  browseOnce();
}
