// k6's `k6/http` over curl, one process per request: k6's calls are synchronous and so is execFileSync. The response
// has what k6's has for the scripts: status, headers under Go's canonical names (x-served-by as X-Served-By), body,
// json(selector). Its metrics are k6's http_reqs, http_req_duration and http_req_failed, tagged as k6 tags them.
// Stricter than k6 on purpose: a request that gets no HTTP answer at all (refused, timed out) throws, and run.mjs
// fails the script, where k6 would record status 0 and go on.
import { execFileSync } from 'node:child_process';
import { record } from './state.mjs';

function canonical(name) {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash, letter) => dash + letter.toUpperCase());
}

function parse(raw) {
  let text = raw.toString('utf8');
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) {
      throw new Error(`no HTTP answer: ${text.slice(0, 200)}`);
    }
    const lines = text.slice(0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    text = text.slice(end + 4);
    if (status >= 100 && status < 200) {
      continue; // 100 Continue before the answer
    }
    const headers = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = canonical(line.slice(0, colon).trim());
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    return { status, headers, body: text };
  }
}

function select(value, selector) {
  return selector.split('.').reduce((v, key) => (v === undefined || v === null ? undefined : v[key]), value);
}

export function request(method, url, body = null, params = {}) {
  // HEAD with -X would wait for a body that never comes: -I asks for the head only
  const args = ['-sS', '-i', '--max-time', '30', ...(method === 'HEAD' ? ['-I'] : ['-X', method]), '-H', 'User-Agent: k6-stand-in'];
  const headers = params.headers || {};
  for (const [name, value] of Object.entries(headers)) {
    args.push('-H', `${name}: ${value}`);
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    args.push('-H', 'Content-Type:'); // k6 sends a string body without one; curl would add its form type
  }
  const input = body === null || body === undefined ? '' : String(body);
  if (method !== 'GET' && method !== 'HEAD') {
    args.push('--data-binary', '@-'); // Content-Length: 0 for a POST without a body, as k6 (Go) sends it
  }
  args.push(url);
  const started = process.hrtime.bigint();
  const answer = parse(execFileSync('curl', args, { input, maxBuffer: 64 * 1024 * 1024 }));
  const duration = Number(process.hrtime.bigint() - started) / 1e6;
  const expected = answer.status >= 200 && answer.status < 400;
  const tags = { method, status: String(answer.status), url, name: url, expected_response: String(expected), ...(params.tags || {}) };
  record('http_reqs', 1, tags);
  record('http_req_duration', duration, tags);
  record('http_req_failed', expected ? 0 : 1, tags);
  return {
    ...answer,
    url,
    timings: { duration },
    json(selector) {
      const value = JSON.parse(answer.body);
      return selector ? select(value, selector) : value;
    },
  };
}

export function get(url, params) {
  return request('GET', url, null, params);
}

export function post(url, body, params) {
  return request('POST', url, body, params);
}

// only what the scripts call: a script that needs more fails at its import, naming the missing export
export default { request, get, post };
