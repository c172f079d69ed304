// Cold start in workerd (Miniflare): RUNS fresh workerd instances per worker,
// edgetext beside a bare JS worker building the same request. Measured from
// Node: start-up (new Miniflare → ready: workerd loads the script, compiling
// the wasm module), first response (instantiate + first request built +
// answer), and a second response for comparison. Medians.
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { root, median, round, save, log } from "./lib.mjs";

const RUNS = Number(process.env.COLDSTART_RUNS || 15);
const workers = {
  edgetext: join(root, "bench", "workers", "coldstart-edgetext.mjs"),
  bare: join(root, "bench", "workers", "coldstart-bare.mjs"),
};

async function once(scriptPath) {
  const t0 = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: root,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }, { type: "ESModule", include: ["**/*.js", "**/*.mjs"] }],
    compatibilityDate: "2025-09-01",
  });
  try {
    const url = await mf.ready;
    const t1 = performance.now();
    const first = await (await fetch(url)).json();
    const t2 = performance.now();
    await (await fetch(url)).json();
    const t3 = performance.now();
    if (first.request?.method !== "POST") throw new Error("no request built");
    return { startup: t1 - t0, firstResponse: t2 - t1, secondResponse: t3 - t2, insideInstantiate: first.instantiateMs, insideFirstRequest: first.firstRequestMs };
  } finally {
    await mf.dispose();
  }
}

const samples = { edgetext: [], bare: [] };
for (let i = 0; i < RUNS; i++) for (const [k, path] of Object.entries(workers)) samples[k].push(await once(path));

const result = { runs: RUNS, workers: {} };
for (const [k, xs] of Object.entries(samples)) {
  result.workers[k] = Object.fromEntries(Object.keys(xs[0]).map((f) => [f, round(median(xs.map((x) => x[f])), 3)]));
}
const e = result.workers.edgetext;
const b = result.workers.bare;
log(`cold start workerd: first response ${e.firstResponse} ms (bare ${b.firstResponse} ms), start-up ${e.startup} ms (bare ${b.startup} ms)`);
save("coldstart-workerd", result);
