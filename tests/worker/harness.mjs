// Bundles worker/ with wrangler (as `wrangler deploy` would) and runs it in
// workerd through Miniflare, with a real local D1 and Queue.
import { execFileSync } from "node:child_process";
import { readFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
  bundled = true;
  return out;
}

export const SECRETS = {
  TEXTLINK_WEBHOOK_SECRET: "tl-hook-secret",
  TEKLINK_WEBHOOK_SECRET: "tek-path-secret",
  RELAY_CALLBACK_TOKEN: "relay-token",
  KLINK_WEBHOOK_SECRET: "klink-signing-secret",
  EDGETEXT_API_TOKEN: "reader-token",
};

/** A fresh worker with empty storage; `bindings` override the secrets. */
export async function startWorker(bindings = {}) {
  const dir = bundle();
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dir, "index.js"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    d1Databases: ["DB"],
    durableObjects: { EDGETEXT_OTP: "EdgetextOtp" },
    queueProducers: { FORWARD_QUEUE: "edgetext-forward" },
    queueConsumers: { "edgetext-forward": { maxBatchSize: 10, maxBatchTimeout: 0.2, maxRetries: 10 } },
    bindings: { ...SECRETS, ...bindings },
  });
  const db = await mf.getD1Database("DB");
  const sql = readFileSync(join(root, "pkg-template", "migrations", "0001_events.sql"), "utf8")
    .replace(/--.*$/gm, "")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
  await db.batch(sql.map((s) => db.prepare(s)));
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { mf, db, url };
}
