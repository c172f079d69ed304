// Cold start in Node: RUNS fresh processes per mode (see coldstart-child.mjs),
// the modes interleaved (one process of each per round, the order rotating),
// medians of the in-process timings, plus the wall time from spawn to exit
// beside an empty `node -e ""` (the Node start-up itself). The floor of the
// stack (bench/floor/) is one of the modes, timed in the same steps as the
// package's web build.
import { join } from "node:path";
import { root, run, median, percentile, round, save, log } from "./lib.mjs";
import { ensureFloor } from "./floor-build.mjs";

const RUNS = Number(process.env.COLDSTART_RUNS || 15);
const child = join(root, "bench", "coldstart-child.mjs");

async function timed(args) {
  const t0 = performance.now();
  const r = await run(process.execPath, args);
  const wall = performance.now() - t0;
  if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  return { wall, ...(r.stdout.trim() ? JSON.parse(r.stdout.trim().split("\n").pop()) : {}) };
}

ensureFloor();
const modes = { package: [child, "package"], steps: [child, "steps"], floor: [child, "floor"], "empty node": ["-e", ""] };
const names = Object.keys(modes);
const samples = Object.fromEntries(names.map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) {
  for (const k of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) samples[k].push(await timed(modes[k]));
}

const result = { runs: RUNS, node: process.version, modes: {} };
for (const [k, xs] of Object.entries(samples)) {
  result.modes[k] = Object.fromEntries(Object.keys(xs[0]).map((f) => [f, round(median(xs.map((x) => x[f])), 3)]));
  result.modes[k].min = Object.fromEntries(Object.keys(xs[0]).map((f) => [f, round(Math.min(...xs.map((x) => x[f])), 3)]));
}
// The budget's figure, per process: compile + instantiate + first request built.
for (const k of ["steps", "floor"]) {
  const xs = samples[k].map((x) => x.compile + x.instantiate + x.firstRequest).sort((a, b) => a - b);
  result.modes[k].coldStart = round(median(xs), 3);
  result.modes[k].coldStartRange = [round(xs[0], 3), round(xs[xs.length - 1], 3)];
  result.modes[k].coldStartIqr = [round(percentile(xs, 25), 3), round(percentile(xs, 75), 3)];
}
const s = result.modes.steps;
log(`cold start node: compile ${s.compile} ms, instantiate ${s.instantiate} ms, first request ${s.firstRequest} ms (compile + instantiate + first request ${s.coldStart} ms; floor ${result.modes.floor.coldStart} ms); package import ${result.modes.package.import} ms`);
save("coldstart-node", result);
