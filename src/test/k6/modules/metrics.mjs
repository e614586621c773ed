// k6's `k6/metrics`, the kind the scripts use (Counter): its samples under its name, its type for the thresholds' check.
import { declare, record } from './state.mjs';

class Metric {
  constructor(name, type) {
    if (!/^[A-Za-z0-9_]{1,128}$/.test(name)) {
      throw new Error(`k6 refuses the metric name "${name}"`);
    }
    declare(name, type);
    this.name = name;
  }

  add(value, tags = {}) {
    record(this.name, Number(value), tags);
  }
}

export class Counter extends Metric {
  constructor(name) {
    super(name, 'counter');
  }
}

export default { Counter };
