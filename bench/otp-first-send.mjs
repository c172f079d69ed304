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
// doing the same I/O (read the JSON, ask a Durable Object, POST to the
// relay, answer), what workerd itself spends on such a first request.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { startWorker } from "../tests/workerd/harness.mjs";
import { startEmulator } from "../sandbox/server.mjs";
import { root, median, round, save, log } from "./lib.mjs";

const RUNS = Number(process.env.OTP_FIRST_RUNS || 15);
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

const samples = { edgetext: [], bare: [] };
for (let i = 0; i < RUNS; i++) {
  const order = i % 2 ? ["bare", "edgetext"] : ["edgetext", "bare"];
  for (const k of order) samples[k].push(await once(k === "bare" ? startBare : () => startWorker(env, { quiet: true })));
}
await emu.close();

const summary = (xs) => ({
  firstMs: round(median(xs.map((s) => s.first)), 3),
  firstMinMs: round(Math.min(...xs.map((s) => s.first)), 3),
  firstMaxMs: round(Math.max(...xs.map((s) => s.first)), 3),
  secondMs: round(median(xs.map((s) => s.second)), 3),
});
const result = { runs: RUNS, goalMs: 10, edgetext: summary(samples.edgetext), bare: summary(samples.bare) };
const e = result.edgetext;
log(`first /v1/otp/send of a fresh isolate: ${e.firstMs} ms of workerd CPU (${e.firstMinMs}–${e.firstMaxMs}), second ${e.secondMs} ms; plain JS doing the same I/O: first ${result.bare.firstMs} ms, second ${result.bare.secondMs} ms`);
save("otp-first-send", result);
