// Send overhead: client.send (the wasm core doing the fetch from Rust) and
// the floor of the stack (bench/floor/) beside a hand-written fetch of the
// identical HTTP request, each with the same AbortController timeout and
// each parsing the answer, against a loopback server in another process, at
// concurrency 1 and 32. Fine-grained interleaving (bench/interleave.mjs):
// many small chunks, the order rotating each round; per contender the
// median ratio of its throughput to raw fetch's in the same round, and the
// extra CPU per send over raw fetch, each with its spread across rounds.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { root, save, log } from "./lib.mjs";
import { interleaved, iqr } from "./interleave.mjs";
import { ensureFloor, floorGlue, floorWasm } from "./floor-build.mjs";
import { KEY, MESSAGE, handRequest, sendByHand } from "./textlink.mjs";

const require = createRequire(import.meta.url);
const { Client } = require(join(root, "pkg", "index.cjs"));
ensureFloor();
const floor = await import(pathToFileURL(floorGlue));
floor.initSync({ module: new WebAssembly.Module(readFileSync(floorWasm)) });

const ROUNDS = Number(process.env.SEND_ROUNDS || 100);
const PLAN = [
  { concurrency: 1, requests: Number(process.env.SEND_CHUNK_C1 || 100) },
  { concurrency: 32, requests: Number(process.env.SEND_CHUNK_C32 || 100) },
];

const server = spawn(process.execPath, [join(root, "bench", "loopback-server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve) => server.stdout.once("data", (d) => resolve(String(d).trim())));
const baseUrl = `${base}/textlink`;

const client = new Client({ provider: "textlink", apiKey: KEY, baseUrl });
const floorClient = new floor.Client({ apiKey: KEY, baseUrl });

// The hand-written request is the one the client sends, byte for byte
// (captured once through options.fetch and checked here), with a fresh
// custom_id each time as the client does, and the client's default timeout.
let built;
await new Client({ provider: "textlink", apiKey: KEY, baseUrl }, {
  fetch: async (url, init) => {
    built = { method: init.method, url, headers: [...new Headers(init.headers)], body: init.body };
    return new Response('{"ok":true,"queued":true}');
  },
}).send(MESSAGE);
const hand = handRequest(baseUrl);
const lower = (pairs) => JSON.stringify(pairs.map(([k, v]) => [k.toLowerCase(), v]).sort());
const noId = (body) => body.replace(/"custom_id":"[^"]+"/, "");
const sameShape = built.method === hand.init.method && built.url === hand.url &&
  lower(built.headers) === lower(Object.entries(hand.init.headers)) && noId(built.body) === noId(hand.init.body);
if (!sameShape) throw new Error(`the hand-written request differs from the client's: ${JSON.stringify(built)}`);

const contenders = {
  "raw fetch": () => sendByHand(baseUrl),
  "client.send": async () => {
    const receipt = await client.send(MESSAGE);
    if (receipt.status !== "queued") throw new Error(`unexpected receipt ${JSON.stringify(receipt)}`);
  },
  floor: async () => {
    const receipt = await floorClient.send(MESSAGE);
    if (receipt.status !== "queued") throw new Error(`unexpected floor receipt ${JSON.stringify(receipt)}`);
  },
};

const results = [];
for (const { concurrency, requests } of PLAN) {
  const r = await interleaved({ contenders, baseline: "raw fetch", concurrency, requests, rounds: ROUNDS });
  results.push(r);
  for (const [name, c] of Object.entries(r.contenders)) {
    log(`send c=${concurrency} ${name}: ${c.rps.median} req/s, ${iqr(c.ratio)}x raw fetch, CPU ${c.cpuUsPerCall.median} µs/send (+${iqr(c.extraCpuUs)} µs)`);
  }
}
server.kill("SIGTERM");
save("send", { server: "node:http on 127.0.0.1, separate process", message: MESSAGE, request: { ...built, body: "(as built, fresh custom_id)" }, results });
