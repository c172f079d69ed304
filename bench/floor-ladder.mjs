// What each choice of the floor of the stack saves, measured: the floor as
// committed before issue 20 (git 7d42c78: serde-wasm-bindgen, Reflect, gloo's
// Response, an async send; rebuilt from history), the floor with every lean
// boundary choice but its send awaited through wasm-bindgen-futures
// (`--features executor`), and the floor itself, beside client.send and a
// hand-written fetch. For each: wasm and glue gzip, Node cold start (fresh
// processes, interleaved) and send ÷ raw fetch with extra CPU per send at
// concurrency 1 and 32 (bench/interleave.mjs). Not a `make bench` step: run
// it by hand (`node bench/floor-ladder.mjs`, about two minutes) when the
// floor's design changes; bench/floor/README.md quotes its figures.
// Knobs: LADDER_RUNS (cold starts per variant, 15), LADDER_ROUNDS (60), LADDER_CHUNK (100).
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { root, run, median, percentile, round, save, log } from "./lib.mjs";
import { buildFloor } from "./floor-build.mjs";
import { interleaved, iqr } from "./interleave.mjs";
import { KEY, MESSAGE, sendByHand } from "./textlink.mjs";

const COMMITTED = "7d42c78";
const ladder = join(root, "target", "floor-ladder");
const old = join(ladder, "committed-src");
mkdirSync(join(old, "src"), { recursive: true });
for (const f of ["Cargo.toml", "Cargo.lock", "src/lib.rs"]) {
  writeFileSync(join(old, f), execFileSync("git", ["show", `${COMMITTED}:bench/floor/${f}`], { cwd: root }));
}
const builds = {
  [`committed (${COMMITTED})`]: buildFloor({ manifest: join(old, "Cargo.toml"), target: join(ladder, "committed") }),
  "lean, awaited (executor)": buildFloor({ features: ["executor"], target: join(ladder, "executor") }),
  "floor (continuations)": buildFloor({ target: join(ladder, "floor") }),
  "client.send": { glue: join(root, "pkg", "web", "edgetext.js"), wasm: join(root, "pkg", "web", "edgetext_bg.wasm") },
};
const names = Object.keys(builds);
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const size = Object.fromEntries(names.map((n) => [n, { wasmGzip: gz(builds[n].wasm), glueGzip: gz(builds[n].glue) }]));

const RUNS = Number(process.env.LADDER_RUNS || 15);
const child = join(root, "bench", "coldstart-child.mjs");
const cold = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < RUNS; i++) {
  for (const n of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) {
    const r = await run(process.execPath, [child, "web", builds[n].glue, builds[n].wasm]);
    if (r.code !== 0) throw new Error(`${n}: ${r.stderr}`);
    const x = JSON.parse(r.stdout.trim().split("\n").pop());
    cold[n].push(x.compile + x.instantiate + x.firstRequest);
  }
}
const coldStart = Object.fromEntries(names.map((n) => {
  const s = [...cold[n]].sort((a, b) => a - b);
  return [n, { median: round(median(s), 2), q1: round(percentile(s, 25), 2), q3: round(percentile(s, 75), 2) }];
}));

const server = spawn(process.execPath, [join(root, "bench", "loopback-server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
const baseUrl = `${await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())))}/textlink`;
const contenders = { "raw fetch": () => sendByHand(baseUrl) };
for (const n of names) {
  const g = await import(pathToFileURL(builds[n].glue));
  g.initSync({ module: new WebAssembly.Module(readFileSync(builds[n].wasm)) });
  const client = new g.Client({ provider: "textlink", apiKey: KEY, baseUrl }, {});
  contenders[n] = async () => {
    if ((await client.send(MESSAGE)).status !== "queued") throw new Error(`${n}: no receipt`);
  };
}
const ROUNDS = Number(process.env.LADDER_ROUNDS || 60);
const CHUNK = Number(process.env.LADDER_CHUNK || 100);
const send = {};
for (const c of [1, 32]) send[c] = (await interleaved({ contenders, baseline: "raw fetch", concurrency: c, requests: CHUNK, rounds: ROUNDS })).contenders;
server.kill("SIGTERM");

const rows = ["| | wasm + glue gzip | send ÷ raw fetch, c=1 | c=32 | extra CPU per send, c=1 | c=32 | Node cold start |", "|---|---|---|---|---|---|---|"];
for (const n of names) {
  rows.push(`| ${n} | ${size[n].wasmGzip} + ${size[n].glueGzip} B | ${iqr(send[1][n].ratio, "×")} | ${iqr(send[32][n].ratio, "×")} | ${iqr(send[1][n].extraCpuUs, " µs")} | ${iqr(send[32][n].extraCpuUs, " µs")} | ${coldStart[n].median} ms (${coldStart[n].q1}–${coldStart[n].q3}) |`);
}
console.log(rows.join("\n"));
log(`floor-ladder: ${RUNS} cold starts each, ${ROUNDS} rounds of ${CHUNK}; load average ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}`);
save("floor-ladder", { committed: COMMITTED, size, coldStart, coldRuns: RUNS, rounds: ROUNDS, chunk: CHUNK, send, table: rows });
