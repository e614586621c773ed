// What the stand-in's k6 modules record: every metric sample with its tags, and each metric's type (k6's built-in
// metrics first, then those the scripts create).
export const types = new Map([
  ['http_reqs', 'counter'], ['iterations', 'counter'], ['data_sent', 'counter'], ['data_received', 'counter'],
  ['checks', 'rate'], ['http_req_failed', 'rate'],
  ['http_req_duration', 'trend'], ['http_req_waiting', 'trend'], ['http_req_connecting', 'trend'],
  ['http_req_blocked', 'trend'], ['http_req_sending', 'trend'], ['http_req_receiving', 'trend'],
  ['http_req_tls_handshaking', 'trend'], ['iteration_duration', 'trend'],
  ['vus', 'gauge'], ['vus_max', 'gauge'],
]);
export const samples = [];
export const run = { scenario: 'default' };

export function declare(name, type) {
  const known = types.get(name);
  if (known && known !== type) {
    throw new Error(`metric ${name} is a ${known}, declared again as a ${type}`);
  }
  types.set(name, type);
}

export function record(metric, value, tags = {}) {
  samples.push({ metric, value, tags: { scenario: run.scenario, ...tags } });
}
