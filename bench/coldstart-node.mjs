// Cold start in Node: RUNS fresh processes per mode (see coldstart-child.mjs),
// medians of the in-process timings, plus the wall time from spawn to exit
// beside an empty `node -e ""` (the Node start-up itself).
import { join } from "node:path";
import { root, run, median, round, save, log } from "./lib.mjs";

const RUNS = Number(process.env.COLDSTART_RUNS || 15);
const child = join(root, "bench", "coldstart-child.mjs");

async function timed(args) {
  const t0 = performance.now();
  const r = await run(process.execPath, args);
  const wall = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  return { wall, ...(r.stdout.trim() ? JSON.parse(r.stdout.trim().split("\n").pop()) : {}) };
}

const modes = { package: [child, "package"], steps: [child, "steps"], "empty node": ["-e", ""] };
const samples = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) for (const [k, args] of Object.entries(modes)) samples[k].push(await timed(args));

const result = { runs: RUNS, node: process.version, modes: {} };
for (const [k, xs] of Object.entries(samples)) {
  result.modes[k] = Object.fromEntries(Object.keys(xs[0]).map((f) => [f, round(median(xs.map((x) => x[f])), 3)]));
  result.modes[k].min = Object.fromEntries(Object.keys(xs[0]).map((f) => [f, round(Math.min(...xs.map((x) => x[f])), 3)]));
}
const s = result.modes.steps;
log(`cold start node: compile ${s.compile} ms, instantiate ${s.instantiate} ms, first request ${s.firstRequest} ms; package import ${result.modes.package.import} ms`);
save("coldstart-node", result);
