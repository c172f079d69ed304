// edgetext beside the SDKs a user would otherwise pick (bench/peers/sdks.mjs:
// Bird, telnyx, twilio, and a hand-written fetch), each against its own
// local fake (bench/peers/fakes.mjs), in one run:
//   page:  a Vite page that sends with it (bench/vite-page.mjs), gzip of
//          every JS and wasm file it loads; edgetext's is the page step's.
//   start: fresh processes, import → first request at the fake (wall ms,
//          from before the import to the request's arrival), interleaved.
//   send:  at concurrency 32, send ÷ its own raw fetch (the same request by
//          hand, checked against what the SDK sent) and CPU per 1,000 sends,
//          fine-grained interleaving (bench/interleave.mjs).
// `node bench/peers.mjs [page] [start] [send]` runs some parts (default all).
// Knobs: PEERS_START_RUNS, PEERS_ROUNDS, PEERS_CHUNK.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { root, run, load, save, log } from "./lib.mjs";
import { buildPage } from "./vite-page.mjs";
import { interleaved, spread } from "./interleave.mjs";
import { SDKS, FETCH_OWN, rawFetch } from "./peers/sdks.mjs";
import { startFakes } from "./peers/fakes.mjs";

const parts = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ["page", "start", "send"]);
const names = Object.keys(SDKS);
const version = (sdk) => (SDKS[sdk].package ? JSON.parse(readFileSync(join(root, "node_modules", SDKS[sdk].package, "package.json"), "utf8")).version : null);
const result = { ...(load("peers") || {}), versions: Object.fromEntries(names.map((n) => [n, version(n) ?? (n === "edgetext" ? "pkg/" : null)])) };

if (parts.has("page")) {
  const pages = {};
  const apps = join(root, "target", "bench-pages");
  rmSync(apps, { recursive: true, force: true });
  for (const name of names) {
    const sdk = SDKS[name];
    if (name === "edgetext") {
      const page = load("page");
      pages[name] = page ? { gzip: page.total.gzip, raw: page.total.raw, from: "the page step (bench/page.mjs)" } : { error: "the page step did not run" };
    } else if (!sdk.page) {
      pages[name] = { nodeOnly: sdk.nodeOnly };
    } else {
      // Inside the checkout, so that the page resolves the SDK from its node_modules.
      const page = await buildPage(join(apps, name), [...sdk.page, ""].join("\n"));
      pages[name] = { gzip: page.total.gzip, raw: page.total.raw, files: page.files.length, onDemandGzip: page.onDemand.reduce((a, f) => a + f.gzip, 0) };
    }
    log(`peers: page ${name}: ${pages[name].gzip ?? pages[name].nodeOnly ?? pages[name].error}${pages[name].gzip ? " B gzip" : ""}`);
  }
  rmSync(apps, { recursive: true, force: true });
  result.page = { vite: JSON.parse(readFileSync(join(root, "node_modules", "vite", "package.json"), "utf8")).version, pages };
}

if (parts.has("start")) {
  const RUNS = Number(process.env.PEERS_START_RUNS || 21);
  let arrival = null;
  const fakes = await startFakes((name, req, body, arrived) => {
    arrival ??= arrived;
  });
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const child = join(root, "bench", "peers", "start-child.mjs");
  for (let i = 0; i < RUNS; i++) {
    for (const name of [...names.slice(i % names.length), ...names.slice(0, i % names.length)]) {
      arrival = null;
      const r = await run(process.execPath, [child, name, fakes.urls[SDKS[name].fake]], { cwd: root });
      if (r.code !== 0) throw new Error(`${name}: ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split("\n").pop());
      if (arrival == null) throw new Error(`${name}: no request reached its fake`);
      samples[name].push({ atServer: Number(arrival - BigInt(out.t0)) / 1e6, answered: out.answered });
    }
  }
  await fakes.close();
  result.start = { runs: RUNS, node: process.version, sdks: {} };
  for (const name of names) {
    result.start.sdks[name] = { atServer: spread(samples[name].map((s) => s.atServer), 1), answered: spread(samples[name].map((s) => s.answered), 1) };
    log(`peers: start ${name}: import → request at the server ${result.start.sdks[name].atServer.median} ms (answer read ${result.start.sdks[name].answered.median} ms)`);
  }
}

if (parts.has("send")) {
  // The requests each SDK sends, captured by in-process fakes, and its raw
  // fetch checked against it: same method, path, headers and body (ids aside).
  const seen = {};
  const capture = await startFakes((name, req, body) => {
    seen[name] = { method: req.method, path: req.url, headers: req.headers, body };
  });
  const captured = {};
  for (const name of names.filter((n) => SDKS[n].raw)) {
    const url = capture.urls[SDKS[name].fake];
    await (await SDKS[name].start(url))();
    captured[name] = seen[name];
    await rawFetch(name, url, captured[name].headers)();
    const hand = seen[name];
    const comparable = (r) => JSON.stringify({
      method: r.method, path: r.path, body: r.body,
      headers: Object.entries(r.headers).filter(([k]) => !FETCH_OWN.has(k) && !(k in SDKS[name].raw.fresh)).sort(),
    });
    if (comparable(hand) !== comparable(captured[name])) throw new Error(`${name}: the raw fetch differs from the SDK's request:\n${comparable(hand)}\n${comparable(captured[name])}`);
  }
  await capture.close();

  const server = spawn(process.execPath, [join(root, "bench", "peers", "fakes.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  const urls = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(JSON.parse(String(d)))));
  const contenders = {};
  const baselines = {};
  for (const name of names) {
    contenders[name] = await SDKS[name].start(urls[SDKS[name].fake]);
    if (SDKS[name].raw) {
      contenders[`${name} raw fetch`] = rawFetch(name, urls[SDKS[name].fake], captured[name].headers);
      baselines[name] = `${name} raw fetch`;
    } else baselines[name] = SDKS[name].rawOf;
  }
  const ROUNDS = Number(process.env.PEERS_ROUNDS || 60);
  const CHUNK = Number(process.env.PEERS_CHUNK || 100);
  const r = await interleaved({ contenders, baseline: "fetch", baselines, concurrency: 32, requests: CHUNK, rounds: ROUNDS });
  server.kill("SIGTERM");
  result.send = { ...r, sdkRequests: Object.fromEntries(Object.entries(captured).map(([k, v]) => [k, { method: v.method, path: v.path, headers: Object.keys(v.headers) }])) };
  for (const name of names) {
    const c = r.contenders[name];
    log(`peers: send c=32 ${name}: ${c.ratio.median}x its raw fetch (${c.ratio.q1}–${c.ratio.q3}), CPU ${c.cpuUsPerCall.median} ms per 1,000 sends`);
  }
}
save("peers", result);
