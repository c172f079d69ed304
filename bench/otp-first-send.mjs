// The CPU of the first POST /v1/otp/send of a fresh isolate (issue 21: a
// first decision within 10 ms of CPU, the Workers free plan's limit). Per
// run, a fresh workerd (Miniflare) loads the worker as `wrangler deploy`
// bundles it, with the EdgetextOtp Durable Object and the provider emulator
// as the relay; the first send (route, classification, the guard object, the
// provider's request and the answer) and a second one are timed in CPU.
//
// CPU is read from Linux's per-thread scheduler statistics of the workerd
// process (/proc/<pid>/task/*/schedstat, nanoseconds on the CPU, every
// thread): it counts the whole process (its HTTP handling too), so it bounds
// what the isolate itself used, and it does not depend on how busy the
// machine is the way wall time does. Medians over OTP_FIRST_RUNS runs.
//
// Beside it, interleaved, the baseline (bench/workers/otp-bare.mjs): plain JS
// doing the same I/O (read the JSON, ask a Durable Object that reads and
// writes its storage as the guard does, POST to the relay, answer), what
// workerd itself spends on such a first request.
//
// And where the difference goes, also interleaved: the same worker in a
// workerd given V8 flags (bench/workerd-v8.sh; diagnostics, not a setting
// anyone deploys) that compile all the wasm while the worker loads and keep
// it (--no-wasm-lazy-compilation --no-flush-liftoff-code), and the JS too
// (--no-lazy --no-flush-bytecode): what the first send costs once nothing is
// left to compile. Then one untimed run with --trace-wasm-compilation-times
// counts the wasm functions (and their bytes) V8 compiles for the first and
// second send: V8 compiles wasm lazily, a function on its first call, and
// workerd discards the code compiled while the worker loaded (V8's
// flush_liftoff_code) before its first request, so that request compiles
// every function it runs.
import { createRequire } from "node:module";
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { startWorker } from "../tests/workerd/harness.mjs";
import { startEmulator } from "../sandbox/server.mjs";
import { root, median, round, save, log } from "./lib.mjs";

const RUNS = Number(process.env.OTP_FIRST_RUNS || 15);
const WASM_COMPILED_EARLY = "--no-wasm-lazy-compilation --no-flush-liftoff-code";
const ALL_COMPILED_EARLY = `${WASM_COMPILED_EARLY} --no-lazy --no-flush-bytecode`;
const SECRET = "otp-secret-for-bench-at-least-32-bytes";

/** The pids of the workerd processes that are children of this one. */
function workerdPids() {
  const pids = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd")) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Nanoseconds on the CPU of every thread of `pids`. */
function cpuNs(pids) {
  let ns = 0;
  for (const pid of pids) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // a thread that ended
      }
    }
  }
  return ns;
}

const emu = await startEmulator({ port: 0 });
const env = {
  OTP_SECRET: SECRET,
  OTP_ALLOWED_COUNTRIES: "US,CA,GB",
  OTP_PROVIDER: "relay",
  OTP_API_KEY: "test-relay-key",
  OTP_CLIENT: JSON.stringify({ baseUrl: `${emu.url}/relay`, phoneId: "phone_main", maxRetries: 0 }),
};

async function send(mf, to, n) {
  const res = await mf.dispatchFetch("http://worker/v1/otp/send", {
    method: "POST",
    body: JSON.stringify({ to }),
    headers: { "content-type": "application/json", "cf-connecting-ip": `198.51.100.${n}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/v1/otp/send answered ${res.status}: ${text}`);
}

/** A fresh workerd with the baseline worker. */
async function startBare() {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(root, "bench", "workers", "otp-bare.mjs"),
    compatibilityDate: "2025-09-01",
    durableObjects: { BARE: "Bare" },
    bindings: { RELAY_URL: `${emu.url}/relay` },
    handleRuntimeStdio: (stdout, stderr) => (stdout.resume(), stderr.resume()),
  });
  await mf.ready;
  return { mf };
}

/**
 * Starts the edgetext worker in a workerd given the V8 `flags` (and its
 * stdout appended to `v8Log`), through bench/workerd-v8.sh.
 */
async function startWithFlags(flags, v8Log, start = startWorker) {
  const saved = { ...process.env };
  Object.assign(process.env, {
    MINIFLARE_WORKERD_PATH: join(root, "bench", "workerd-v8.sh"),
    EDGETEXT_WORKERD: createRequire(import.meta.url)("workerd").default,
    EDGETEXT_V8_FLAGS: flags,
    EDGETEXT_V8_LOG: v8Log ?? "",
  });
  try {
    return await start(env, { quiet: true });
  } finally {
    for (const k of ["MINIFLARE_WORKERD_PATH", "EDGETEXT_WORKERD", "EDGETEXT_V8_FLAGS", "EDGETEXT_V8_LOG"]) {
      if (k in saved) process.env[k] = saved[k];
      else delete process.env[k];
    }
  }
}

/** CPU of a fresh isolate's first and second send, in ms. */
async function once(start) {
  const w = await start();
  try {
    const pids = workerdPids();
    if (pids.length === 0) throw new Error("no workerd process found under this one");
    const c0 = cpuNs(pids);
    await send(w.mf, "+447400123456", 1);
    const c1 = cpuNs(pids);
    await send(w.mf, "+447400654321", 2);
    const c2 = cpuNs(pids);
    return { first: (c1 - c0) / 1e6, second: (c2 - c1) / 1e6 };
  } finally {
    await w.mf.dispose();
  }
}

// OTP_FIRST_AGAINST: another checkout (built, with its node_modules) whose
// worker runs interleaved as "against", for a before/after on one machine.
const AGAINST = process.env.OTP_FIRST_AGAINST;
const against = AGAINST && (await import(join(AGAINST, "tests", "workerd", "harness.mjs")));
const all = {
  edgetext: () => startWorker(env, { quiet: true }),
  ...(against && { against: () => against.startWorker(env, { quiet: true }) }),
  bare: startBare,
  wasmCompiledEarly: () => startWithFlags(WASM_COMPILED_EARLY),
  allCompiledEarly: () => startWithFlags(ALL_COMPILED_EARLY),
};
// OTP_FIRST_ONLY: a comma-separated subset of the contenders, for quick runs.
const only = process.env.OTP_FIRST_ONLY?.split(",");
const contenders = Object.fromEntries(Object.entries(all).filter(([k]) => !only || only.includes(k)));
const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) {
  const order = Object.keys(contenders);
  if (i % 2) order.reverse();
  for (const k of order) samples[k].push(await once(contenders[k]));
}

/** The wasm functions V8 compiles (count and body bytes) while loading, for the first send and for the second. */
async function compiled(start, tag) {
  const v8Log = join(root, "bench", "out", `otp-first-send.${tag}.v8.log`);
  rmSync(v8Log, { force: true });
  const w = await startWithFlags("--trace-wasm-compilation-times", v8Log, start);
  const size = () => statSync(v8Log).size;
  // A line between the steps, for reading the kept trace (OTP_FIRST_KEEP_TRACE).
  const mark = (step) => (appendFileSync(v8Log, `### ${step}\n`), size());
  const sum = (from, to) => {
    const text = readFileSync(v8Log).subarray(from, to).toString("utf8");
    const bodies = [...text.matchAll(/^Compiled function .* bodysize (\d+)/gm)].map((m) => Number(m[1]));
    return { functions: bodies.length, bytes: bodies.reduce((a, b) => a + b, 0) };
  };
  try {
    const s0 = mark("first send");
    await send(w.mf, "+447400123456", 1);
    const s1 = mark("second send");
    await send(w.mf, "+447400654321", 2);
    const s2 = size();
    return { load: sum(0, s0), first: sum(s0, s1), second: sum(s1, s2) };
  } finally {
    await w.mf.dispose();
    if (!process.env.OTP_FIRST_KEEP_TRACE) rmSync(v8Log, { force: true });
  }
}
const wasmCompiled = await compiled(startWorker, "edgetext");
const againstCompiled = against && (await compiled(against.startWorker, "against"));
await emu.close();

const summary = (xs) => xs.length && ({
  firstMs: round(median(xs.map((s) => s.first)), 3),
  firstMinMs: round(Math.min(...xs.map((s) => s.first)), 3),
  firstMaxMs: round(Math.max(...xs.map((s) => s.first)), 3),
  secondMs: round(median(xs.map((s) => s.second)), 3),
});
const result = {
  runs: RUNS,
  goalMs: 10,
  ...Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, summary(xs)])),
  flags: { wasmCompiledEarly: WASM_COMPILED_EARLY, allCompiledEarly: ALL_COMPILED_EARLY },
  wasmCompiled,
  ...(against && { againstCompiled }),
  // Each round's edgetext first send over the other checkout's, run beside it: steadier than two medians on a busy machine.
  ...(samples.against?.length && { pairedRatio: round(median(samples.edgetext.map((s, i) => s.first / samples.against[i].first)), 3) }),
};
const e = result.edgetext;
log(`first /v1/otp/send of a fresh isolate: ${e.firstMs} ms of workerd CPU (${e.firstMinMs}–${e.firstMaxMs}), second ${e.secondMs} ms; plain JS doing the same I/O: first ${result.bare?.firstMs} ms, second ${result.bare?.secondMs} ms`);
log(`with the wasm compiled while loading: first ${result.wasmCompiledEarly?.firstMs} ms; with the wasm and the JS: ${result.allCompiledEarly?.firstMs} ms; the first send compiles ${wasmCompiled.first.functions} wasm functions (${wasmCompiled.first.bytes} B of code), the second ${wasmCompiled.second.functions}`);
if (result.against) log(`${AGAINST}: first ${result.against.firstMs} ms (${result.against.firstMinMs}–${result.against.firstMaxMs}); its first send compiles ${againstCompiled.first.functions} wasm functions (${againstCompiled.first.bytes} B); edgetext ÷ it, per round: ${result.pairedRatio}`);
save("otp-first-send", result);
