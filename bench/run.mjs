// make bench: every measurement in one run, then BENCHMARKS.md.
// Each step is its own process; a failed step is reported, the rest still run.
// Knobs (environment): COLDSTART_RUNS, SEND_ROUNDS, SEND_CHUNK_C1,
// SEND_CHUNK_C32, PEERS_START_RUNS, PEERS_ROUNDS, PEERS_CHUNK, INGEST_SECONDS,
// INGEST_CONNECTIONS, INGEST_ROUNDS, OTP_LOAD_ROUNDS, OTP_LOAD_CHUNK,
// OTP_REFUSED_RATE, FUZZ_SECONDS, BENCH_RIVALS,
// BENCH_SKIP (space-separated step names).
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { root, out, save, log } from "./lib.mjs";

const steps = [
  { name: "size", cmd: [process.execPath, "bench/size.mjs"] },
  { name: "page", cmd: [process.execPath, "bench/page.mjs"] },
  { name: "phone-rules-size", cmd: [process.execPath, "bench/phone-rules-size.mjs"] },
  { name: "breakdown", cmd: [process.execPath, "bench/breakdown.mjs"] },
  { name: "floor", cmd: [process.execPath, "bench/floor.mjs"] },
  { name: "coldstart-node", cmd: [process.execPath, "bench/coldstart-node.mjs"] },
  { name: "coldstart-workerd", cmd: [process.execPath, "bench/coldstart-workerd.mjs"] },
  { name: "crossings", cmd: [process.execPath, "bench/crossings.mjs"] },
  { name: "send", cmd: [process.execPath, "bench/send.mjs"] },
  { name: "peers", cmd: [process.execPath, "bench/peers.mjs"] },
  { name: "ingest", cmd: [process.execPath, "bench/ingest.mjs"] },
  { name: "otp-first-send", cmd: [process.execPath, "bench/otp-first-send.mjs"] },
  { name: "otp-under-refusals", cmd: [process.execPath, "bench/otp-under-refusals.mjs"] },
  { name: "classify", cmd: [process.execPath, "bench/classify.mjs"] },
  { name: "fuzz", cmd: ["bash", "bench/fuzz.sh"] },
];
const skip = new Set((process.env.BENCH_SKIP || "").split(/\s+/).filter(Boolean));

// The knobs this run was given, for BENCHMARKS.md's header.
const KNOBS = ["COLDSTART_RUNS", "SEND_ROUNDS", "SEND_CHUNK_C1", "SEND_CHUNK_C32", "PEERS_START_RUNS", "PEERS_ROUNDS", "PEERS_CHUNK",
  "INGEST_SECONDS", "INGEST_CONNECTIONS", "INGEST_ROUNDS", "OTP_LOAD_ROUNDS", "OTP_LOAD_CHUNK", "OTP_REFUSED_RATE", "FUZZ_SECONDS", "BENCH_RIVALS", "BENCH_SKIP"];
const knobs = Object.fromEntries(KNOBS.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
const runInfo = { started: new Date().toISOString(), loadavgAtStart: loadavg(), knobs, steps: {} };
for (const step of steps) {
  if (skip.has(step.name)) continue;
  rmSync(join(out, `${step.name}.json`), { force: true });
  log(`--- ${step.name}`);
  const t0 = performance.now();
  const code = await new Promise((resolve) => {
    const child = spawn(step.cmd[0], step.cmd.slice(1), { cwd: root, stdio: "inherit" });
    child.on("close", resolve);
    child.on("error", () => resolve(127));
  });
  runInfo.steps[step.name] = { exit: code, seconds: Math.round((performance.now() - t0) / 100) / 10 };
  if (code !== 0) log(`${step.name} FAILED (exit ${code}); BENCHMARKS.md will say so`);
}
runInfo.finished = new Date().toISOString();
runInfo.loadavgAtEnd = loadavg();
save("run", runInfo);

const report = spawn(process.execPath, ["bench/report.mjs"], { cwd: root, stdio: "inherit" });
const reportCode = await new Promise((resolve) => report.on("close", resolve));
const failed = Object.entries(runInfo.steps).filter(([, s]) => s.exit !== 0).map(([n]) => n);
if (failed.length || reportCode !== 0) {
  console.error(`bench: failed steps: ${failed.join(", ") || "report"}`);
  process.exit(1);
}
