// Bundles worker/ with wrangler (as `wrangler deploy` would) and runs it in
// workerd through Miniflare, with a real local D1 (every migration of
// pkg-template/migrations applied in order), Queue and Cron.
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, readdirSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:http";
import { Miniflare } from "miniflare";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "test-output", "worker-dist");

let bundled = false;
export function bundle() {
  if (bundled) return out;
  mkdirSync(out, { recursive: true });
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out, "--config", join(root, "worker", "wrangler.toml")], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" },
  });
  copyFileSync(join(root, "tests", "workerd", "faulty-entry.mjs"), join(out, "faulty.mjs"));
  bundled = true;
  return out;
}

export const SECRETS = {
  TEXTLINK_WEBHOOK_SECRET: "tl-hook-secret",
  TEKLINK_WEBHOOK_SECRET: "tek-path-secret",
  RELAY_CALLBACK_TOKEN: "relay-token",
  KLINK_WEBHOOK_SECRET: "klink-signing-secret",
  EDGETEXT_API_TOKEN: "reader-token",
  // The webhook fixtures are the providers' documented payloads of 2025 and
  // early 2026, and a webhook whose event is older than the retention period
  // is refused: ten years lets them in. Pass EVENT_RETENTION_DAYS: undefined
  // for the default.
  EVENT_RETENTION_DAYS: "3650",
};

/** A Standard Webhooks secret for forwarding tests. */
export const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** Every statement of every migration, in order. */
export function migrations() {
  const dir = join(root, "pkg-template", "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), "utf8").replace(/--.*$/gm, "").split(";"))
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A fresh worker with empty storage; `bindings` override the secrets (an
 * `undefined` one removes it).
 * `faulty: true` runs it behind tests/workerd/faulty-entry.mjs (FAULT_* bindings).
 */
export async function startWorker(bindings = {}, { faulty = false, maxRetries = 10, quiet = false } = {}) {
  const dir = bundle();
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, faulty ? "faulty.mjs" : "index.js"),
    modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    d1Databases: ["DB"],
    durableObjects: { EDGETEXT_OTP: { className: "EdgetextOtp", useSQLite: true } },
    queueProducers: { FORWARD_QUEUE: "edgetext-forward" },
    queueConsumers: { "edgetext-forward": { maxBatchSize: 10, maxBatchTimeout: 0.2, maxRetries } },
    bindings: Object.fromEntries(Object.entries({ ...SECRETS, ...bindings }).filter(([, v]) => v !== undefined)),
    ...(quiet ? { handleRuntimeStdio: (stdout, stderr) => (stdout.resume(), stderr.resume()) } : {}),
  });
  const db = await mf.getD1Database("DB");
  await db.batch(migrations().map((s) => db.prepare(s)));
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { mf, db, url };
}

/** Runs the worker's scheduled handler as its Cron Trigger would, at `time` (ms). */
export async function runScheduled(w, time = Date.now()) {
  const worker = await w.mf.getWorker();
  return worker.scheduled({ scheduledTime: new Date(time), cron: "*/5 * * * *" });
}

/**
 * A forwarding consumer on 127.0.0.1: records every delivery (body and
 * headers); `answer(delivery, n)` gives the status (default 200).
 */
export async function startConsumer(answer = () => 200) {
  const seen = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const delivery = { body: Buffer.concat(chunks).toString("utf8"), headers: req.headers };
      seen.push(delivery);
      res.writeHead(answer(delivery, seen.length)).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { seen, url: `http://127.0.0.1:${server.address().port}/hook`, close: () => new Promise((r) => server.close(r)) };
}

/** Waits until `done()` holds or `ms` pass (a bound, not a timed assertion). */
export async function until(done, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
