// The floor of the stack: bench/floor/ is one provider's send on the crates
// issue 10 prescribes (wasm-bindgen, wasm-bindgen-futures, web-sys, gloo-net,
// serde, serde-wasm-bindgen), driven from Rust with the same AbortController
// timeout, and nothing else. Built with the package's profile and wasm-opt
// flags, it is measured beside the client in this one run: gzip size, Node
// cold start (compile + instantiate + first request built, fresh processes,
// interleaved) and send req/s against a hand-written fetch (interleaved
// rounds, loopback server). What the floor cannot reach, no client on this
// stack can.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { parse } from "smol-toml";
import { root, bin, run, median, round, save, log } from "./lib.mjs";

const floorDir = join(root, "target", "floor");
const glue = { floor: join(floorDir, "web", "edgetext_floor.js"), client: join(root, "pkg", "web", "edgetext.js") };
const wasm = { floor: join(floorDir, "web", "edgetext_floor_bg.wasm"), client: join(root, "pkg", "web", "edgetext_bg.wasm") };
const CONFIG = { client: { provider: "textlink", apiKey: "test-textlink-key" }, floor: { apiKey: "test-textlink-key" } };
const MESSAGE = { to: "+12125551212", text: "Your order shipped" };

async function load(kind) {
  const g = await import(pathToFileURL(glue[kind]));
  g.initSync({ module: new WebAssembly.Module(readFileSync(wasm[kind])) });
  return g;
}

// A child process: one cold start of `kind`, printed as a JSON line (ms).
if (process.argv[2] === "child") {
  const kind = process.argv[3];
  // Node's fetch classes, AbortController and WebCrypto load on first use,
  // as a hand-written fetch would load them: not counted.
  await new Response("{}").text();
  new AbortController().abort();
  crypto.getRandomValues(new Uint8Array(16));
  crypto.randomUUID();
  const g = await import(pathToFileURL(glue[kind]));
  const bytes = readFileSync(wasm[kind]);
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t1 = performance.now();
  g.initSync({ module });
  const t2 = performance.now();
  let built = null;
  const fetch = async () => {
    built = performance.now() - t2;
    return new Response('{"ok":true,"queued":true}');
  };
  await new g.Client({ ...CONFIG[kind], baseUrl: "http://127.0.0.1:9/textlink" }, { fetch }).send(MESSAGE);
  console.log(JSON.stringify({ compile: t1 - t0, instantiate: t2 - t1, firstRequest: built, total: t2 - t0 + built }));
  process.exit(0);
}

// Build: cargo, wasm-bindgen (the CLI the package pins) and wasm-opt with wasm-pack.toml's flags.
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.HOME}/.cargo/bin:${process.env.PATH}`, RUSTFLAGS: "", CARGO_TARGET_DIR: floorDir };
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr || r.error}`);
};
const flags = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"))["wasm-opt"];
sh("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path", join(root, "bench", "floor", "Cargo.toml")]);
sh("wasm-bindgen", ["--target", "web", "--out-dir", join(floorDir, "web"), join(floorDir, "wasm32-unknown-unknown", "release", "edgetext_floor.wasm")]);
sh(bin("wasm-opt"), [...flags, wasm.floor, "-o", wasm.floor]);

const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const size = Object.fromEntries(["floor", "client"].map((k) => [k, { wasm: readFileSync(wasm[k]).length, wasmGzip: gz(wasm[k]), glueGzip: gz(glue[k]) }]));

// The two send the same request: captured through options.fetch and compared.
const mods = { floor: await load("floor"), client: await load("client") };
const captured = {};
for (const k of ["floor", "client"]) {
  await new mods[k].Client({ ...CONFIG[k], baseUrl: "http://127.0.0.1:9/textlink" }, {
    fetch: async (url, init) => {
      const headers = [...new Headers(init.headers)].sort();
      captured[k] = JSON.stringify({ method: init.method, url, headers, body: init.body.replace(/"custom_id":"[^"]+"/, "") });
      return new Response('{"ok":true,"queued":true}');
    },
  }).send(MESSAGE);
}
if (captured.floor !== captured.client) throw new Error(`the floor's request differs from the client's:\n${captured.floor}\n${captured.client}`);

// Cold start, interleaved fresh processes.
const RUNS = Number(process.env.COLDSTART_RUNS || 15);
const cold = { floor: [], client: [] };
for (let i = 0; i < RUNS; i++) {
  for (const k of i % 2 ? ["client", "floor"] : ["floor", "client"]) {
    const r = await run(process.execPath, [join(root, "bench", "floor.mjs"), "child", k]);
    if (r.code !== 0) throw new Error(r.stderr);
    cold[k].push(JSON.parse(r.stdout.trim().split("\n").pop()));
  }
}
const coldStart = Object.fromEntries(Object.entries(cold).map(([k, xs]) => [k, Object.fromEntries(Object.keys(xs[0]).map((f) => [f, round(median(xs.map((x) => x[f])), 2)]))]));

// Send, against the loopback server.
const server = (await import("node:child_process")).spawn(process.execPath, [join(root, "bench", "loopback-server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));
const baseUrl = `${base}/textlink`;
const clients = { floor: new mods.floor.Client({ ...CONFIG.floor, baseUrl }, {}), client: new mods.client.Client({ ...CONFIG.client, baseUrl }) };
const TIMEOUT_MS = 10_000;
const headers = { Authorization: `Bearer ${CONFIG.client.apiKey}`, "Content-Type": "application/json" };
const contenders = {
  floor: async () => {
    if ((await clients.floor.send(MESSAGE)).status !== "queued") throw new Error("floor: no receipt");
  },
  "client.send": async () => {
    if ((await clients.client.send(MESSAGE)).status !== "queued") throw new Error("client: no receipt");
  },
  "raw fetch": async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const body = JSON.stringify({ phone_number: MESSAGE.to, text: MESSAGE.text, custom_id: crypto.randomUUID() });
      const res = await fetch(`${baseUrl}/api/send-sms`, { method: "POST", headers, body, signal: controller.signal });
      if (!res.ok || (await res.json()).ok !== true) throw new Error("raw: no answer");
    } finally {
      clearTimeout(timer);
    }
  },
};
async function measure(fn, concurrency, requests) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < requests; i = next++) await fn();
  }));
  return requests / ((performance.now() - t0) / 1000);
}
const ROUNDS = Number(process.env.FLOOR_ROUNDS || 5);
const send = [];
for (const [concurrency, requests] of [[1, 1500], [32, 4000]]) {
  for (const fn of Object.values(contenders)) await measure(fn, concurrency, 300);
  const rounds = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of r % 2 ? Object.keys(contenders).reverse() : Object.keys(contenders)) rounds[k].push(await measure(contenders[k], concurrency, requests));
  }
  const raw = median(rounds["raw fetch"]);
  const row = { concurrency, requests, rounds: ROUNDS, rawRps: round(raw, 0), floor: round(median(rounds.floor) / raw, 3), client: round(median(rounds["client.send"]) / raw, 3) };
  send.push(row);
  log(`floor: send c=${concurrency}: floor ${row.floor}x, client ${row.client}x of raw fetch (${row.rawRps} req/s)`);
}
server.kill("SIGTERM");
log(`floor: wasm ${size.floor.wasmGzip} B gzip (client ${size.client.wasmGzip}); cold start ${coldStart.floor.total} ms (client ${coldStart.client.total})`);
save("floor", { size, coldStart, coldRuns: RUNS, send });
