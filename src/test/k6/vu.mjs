// One virtual user of run.mjs, in a worker thread of its own as k6 gives each VU its own JavaScript runtime: loads the
// script (its init code runs again here, as in k6), runs the scenario's function, sends its samples back.
import { register } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

register('./hooks.mjs', import.meta.url);
globalThis.__ENV = workerData.env;
globalThis.__VU = workerData.vu;
const { samples, run } = await import('./modules/state.mjs');
run.scenario = workerData.scenario;
const script = await import(workerData.url);
const problems = [];
for (let i = 0; i < workerData.iterations; i++) {
  globalThis.__ITER = i;
  try {
    script[workerData.exec]();
  } catch (e) { // k6 logs it and goes on with the next iteration; run.mjs fails the script
    problems.push(`scenario ${workerData.scenario}, VU ${workerData.vu}, iteration ${i}: ${e.message}`);
  }
}
parentPort.postMessage({ samples, problems });
