// k6's `k6/metrics`: each kind records its samples under its name, with its type for the thresholds' check.
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

export class Gauge extends Metric {
  constructor(name) {
    super(name, 'gauge');
  }
}

export class Rate extends Metric {
  constructor(name) {
    super(name, 'rate');
  }

  add(value, tags = {}) {
    record(this.name, value ? 1 : 0, tags);
  }
}

export class Trend extends Metric {
  constructor(name) {
    super(name, 'trend');
  }
}

export default { Counter, Gauge, Rate, Trend };
