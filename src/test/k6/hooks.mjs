// Module resolution for the stand-in: `k6` and `k6/...` are the files in modules/; everything else as Node resolves it.
const MODULES = new Map([['k6', 'k6.mjs'], ['k6/http', 'http.mjs'], ['k6/metrics', 'metrics.mjs'], ['k6/encoding', 'encoding.mjs']]);

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    if (!MODULES.has(specifier)) {
      throw new Error(`the k6 stand-in has no module ${specifier}`);
    }
    return { url: new URL(`./modules/${MODULES.get(specifier)}`, import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
