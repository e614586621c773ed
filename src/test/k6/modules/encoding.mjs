// k6's `k6/encoding`, the part the scripts use.
export function b64encode(input) {
  return Buffer.from(String(input), 'utf8').toString('base64');
}

export function b64decode(input, _encoding, format) {
  const bytes = Buffer.from(String(input), 'base64');
  return format === 's' ? bytes.toString('utf8') : bytes;
}

export default { b64encode, b64decode };
