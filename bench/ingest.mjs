// Webhook ingest under local workerd with persistence: edgetext/worker (as
// `wrangler deploy --dry-run` bundles it from worker/wrangler.toml) beside a
// bare JS worker doing the same insert (bench/workers/ingest-bare.mjs), each
// in Miniflare with D1 persisted to disk (a fresh folder per run), loaded by
// autocannon from another process on 127.0.0.1 for a fixed time. Rounds
// alternate the two; the median round is reported. After each run the rows
// in D1 are counted against the 2xx answers.
import { readFileSync, readdirSync, rmSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { root, out, bin, run, median, round, save, log } from "./lib.mjs";

const SECONDS = Number(process.env.INGEST_SECONDS || 10);
const WARMUP = Number(process.env.INGEST_WARMUP_SECONDS || 2);
const CONNECTIONS = Number(process.env.INGEST_CONNECTIONS || 16);
const ROUNDS = Number(process.env.INGEST_ROUNDS || 2);

const dist = join(out, "worker-dist");
mkdirSync(dist, { recursive: true });
const bundled = await run(bin("wrangler"), ["deploy", "--dry-run", "--outdir", dist, "--config", join(root, "worker", "wrangler.toml")], {
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" },
});
if (bundled.code !== 0) throw new Error(`wrangler bundle failed: ${bundled.stderr}`);

// Every migration, in order: both workers write the schema the package ships.
const migrationsDir = join(root, "pkg-template", "migrations");
const migration = readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort()
  .flatMap((f) => readFileSync(join(migrationsDir, f), "utf8").replace(/--.*$/gm, "").split(";"))
  .map((s) => s.trim()).filter(Boolean);

const workers = {
  edgetext: { scriptPath: join(dist, "index.js"), modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }] },
  bare: { scriptPath: join(root, "bench", "workers", "ingest-bare.mjs") },
};

async function load(url, seconds) {
  const r = await run(process.execPath, [join(root, "bench", "load.mjs"), url, String(seconds), String(CONNECTIONS)]);
  if (r.code !== 0) throw new Error(`autocannon: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

async function once(name) {
  const persist = join(out, `d1-${name}`);
  rmSync(persist, { recursive: true, force: true });
  const mf = new Miniflare({
    modules: true,
    ...workers[name],
    compatibilityDate: "2025-09-01",
    d1Databases: ["DB"],
    d1Persist: persist,
    bindings: { TEXTLINK_WEBHOOK_SECRET: "tl-hook-secret" },
  });
  try {
    const db = await mf.getD1Database("DB");
    await db.batch(migration.map((s) => db.prepare(s)));
    const url = (await mf.ready).toString().replace(/\/$/, "");
    if (WARMUP > 0) await load(url, WARMUP);
    const before = (await db.prepare("SELECT COUNT(*) AS n FROM events").first()).n;
    const r = await load(url, SECONDS);
    const after = (await db.prepare("SELECT COUNT(*) AS n FROM events").first()).n;
    const statuses = (await db.prepare("SELECT COUNT(*) AS n FROM statuses").first()).n;
    const ok = r["2xx"];
    return {
      rps: r.requests.average, total: r.requests.total, ok, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
      p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, rowsInserted: after - before, statusRows: statuses,
    };
  } finally {
    await mf.dispose();
  }
}

const samples = { edgetext: [], bare: [] };
for (let i = 0; i < ROUNDS; i++) {
  const order = i % 2 ? ["bare", "edgetext"] : ["edgetext", "bare"];
  for (const name of order) {
    const s = await once(name);
    samples[name].push(s);
    log(`ingest ${name}: ${round(s.rps, 0)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, ${s.ok} × 2xx, ${s.non2xx} non-2xx, ${s.errors} errors, ${s.rowsInserted} rows`);
  }
}
const result = { seconds: SECONDS, warmupSeconds: WARMUP, connections: CONNECTIONS, rounds: ROUNDS, tool: "autocannon (separate process)", workers: {} };
for (const [name, xs] of Object.entries(samples)) {
  const pick = (k) => round(median(xs.map((x) => x[k])), 1);
  result.workers[name] = {
    rps: pick("rps"), p50: pick("p50"), p90: pick("p90"), p99: pick("p99"),
    rpsRounds: xs.map((x) => round(x.rps, 0)),
    ok: xs.reduce((a, x) => a + x.ok, 0), non2xx: xs.reduce((a, x) => a + x.non2xx, 0), errors: xs.reduce((a, x) => a + x.errors, 0),
    rowsInserted: xs.reduce((a, x) => a + x.rowsInserted, 0),
  };
}
save("ingest", result);
