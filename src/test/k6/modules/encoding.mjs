// k6's `k6/encoding`, the part the scripts use.
export function b64encode(input) {
  return Buffer.from(String(input), 'utf8').toString('base64');
}

export default { b64encode };
