// Send overhead: client.send (the wasm core doing the fetch from Rust) against
// a hand-written fetch of the identical HTTP request with the same
// AbortController timeout, both to a loopback server in another process, at
// concurrency 1 and 32. Fixed request counts; the two are interleaved over
// several rounds and the median round is reported.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createRequire } from "node:module";
import { root, median, percentile, round, save, log } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { Client } = require(join(root, "pkg", "index.cjs"));

const ROUNDS = Number(process.env.SEND_ROUNDS || 3);
const PLAN = [
  { concurrency: 1, requests: Number(process.env.SEND_REQUESTS_C1 || 2000) },
  { concurrency: 32, requests: Number(process.env.SEND_REQUESTS_C32 || 6000) },
];
const KEY = "test-textlink-key";
const MESSAGE = { to: "+12125551212", text: "Your order shipped" };

const server = spawn(process.execPath, [join(root, "bench", "loopback-server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));
const baseUrl = `${base}/textlink`;

const client = new Client({ provider: "textlink", apiKey: KEY, baseUrl });

// The hand-written request is the one the client sends, byte for byte
// (captured once through options.fetch and checked here), with a fresh
// custom_id each time as the client does, and the client's default timeout.
const TIMEOUT_MS = 10_000;
let built;
await new Client({ provider: "textlink", apiKey: KEY, baseUrl }, {
  fetch: async (url, init) => {
    built = { method: init.method, url, headers: [...new Headers(init.headers)], body: init.body };
    return new Response('{"ok":true,"queued":true}');
  },
}).send(MESSAGE);
const handBody = () => JSON.stringify({ phone_number: MESSAGE.to, text: MESSAGE.text, custom_id: crypto.randomUUID() });
const handHeaders = { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" };
const lower = (pairs) => JSON.stringify(pairs.map(([k, v]) => [k.toLowerCase(), v]).sort());
const sameShape =
  built.method === "POST" && built.url === `${baseUrl}/api/send-sms` &&
  lower(built.headers) === lower(Object.entries(handHeaders)) &&
  built.body.replace(/"custom_id":"[^"]+"/, "") === handBody().replace(/"custom_id":"[^"]+"/, "");
if (!sameShape) throw new Error(`the hand-written request differs from the client's: ${JSON.stringify(built)}`);

const contenders = {
  "client.send": async () => {
    const receipt = await client.send(MESSAGE);
    if (receipt.status !== "queued") throw new Error(`unexpected receipt ${JSON.stringify(receipt)}`);
  },
  "raw fetch": async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(built.url, { method: "POST", headers: handHeaders, body: handBody(), signal: controller.signal });
      const json = await res.json();
      if (!res.ok || json.ok !== true) throw new Error(`unexpected answer ${res.status}`);
    } finally {
      clearTimeout(timer);
    }
  },
};

async function measure(fn, concurrency, requests) {
  const latencies = new Float64Array(requests);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const s = performance.now();
        await fn();
        latencies[i] = performance.now() - s;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { rps: requests / seconds, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

const results = [];
for (const { concurrency, requests } of PLAN) {
  for (const fn of Object.values(contenders)) await measure(fn, concurrency, Math.min(500, requests)); // warm-up
  const rounds = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? Object.keys(contenders).reverse() : Object.keys(contenders);
    for (const name of order) rounds[name].push(await measure(contenders[name], concurrency, requests));
  }
  for (const [name, rs] of Object.entries(rounds)) {
    const pick = (k) => round(median(rs.map((x) => x[k])), k === "rps" ? 0 : 3);
    const row = { name, concurrency, requests, rounds: ROUNDS, rps: pick("rps"), p50: pick("p50"), p90: pick("p90"), p99: pick("p99"),
                  rpsRounds: rs.map((x) => round(x.rps, 0)) };
    results.push(row);
    log(`send c=${concurrency} ${name}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms`);
  }
}
server.kill("SIGTERM");
save("send", { server: "node:http on 127.0.0.1, separate process", message: MESSAGE, request: { ...built, body: "(as built, fresh custom_id)" }, results });
