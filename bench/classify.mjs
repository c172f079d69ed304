// The first number classification in a fresh workerd isolate (Miniflare), as
// the first OTP decision of an isolate pays it. Per run, a new workerd loads
// bench/workers/classify.mjs with the worker build (pkg/worker); a first
// request instantiates the wasm and classifies nothing, a second classifies
// a number (the first classification), a third classifies another number of
// the same calling code (warm). Reported: medians of the request times seen
// from Node, and first minus warm, the cost of being first.
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { root, median, round, save, log } from "./lib.mjs";

const RUNS = Number(process.env.CLASSIFY_RUNS || 15);
// Each a shape of the work: a calling code shared by leading digits (+44 Isle
// of Man), one shared by range (+7 Kazakhstan), a trunk prefix after the code,
// and a plain mobile.
const NUMBERS = [
  ["+447624123456", "+447624654321", "IM"],
  ["+77012345678", "+77012345679", "KZ"],
  ["+4407400123456", "+447400654321", "GB"],
  ["+33612345678", "+33612345679", "FR"],
];

async function timed(url) {
  const t = performance.now();
  const body = await (await fetch(url)).json();
  return { ms: performance.now() - t, body };
}

async function once(first, second, country) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(root, "bench", "workers", "classify.mjs"),
    modulesRoot: root,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }, { type: "ESModule", include: ["**/*.js", "**/*.mjs"] }],
    compatibilityDate: "2025-09-01",
  });
  try {
    const url = await mf.ready;
    const instantiate = await timed(url);
    const cold = await timed(`${url}?n=${encodeURIComponent(first)}`);
    const warm = await timed(`${url}?n=${encodeURIComponent(second)}`);
    if (cold.body.country !== country || warm.body.country !== country) {
      throw new Error(`${first}: ${JSON.stringify(cold.body)} ${JSON.stringify(warm.body)}, expected ${country}`);
    }
    return { instantiate: instantiate.ms, first: cold.ms, warm: warm.ms, firstInside: cold.body.insideMs };
  } finally {
    await mf.dispose();
  }
}

const result = { runs: RUNS, numbers: {} };
for (const [first, second, country] of NUMBERS) {
  const xs = [];
  for (let i = 0; i < RUNS; i++) xs.push(await once(first, second, country));
  const m = Object.fromEntries(Object.keys(xs[0]).map((k) => [k, round(median(xs.map((x) => x[k])), 3)]));
  m.firstMinusWarm = round(median(xs.map((x) => x.first - x.warm)), 3);
  result.numbers[first] = m;
  log(`first classification in workerd ${first}: ${m.first} ms (warm ${m.warm} ms, first - warm ${m.firstMinusWarm} ms)`);
}
save("classify", result);
