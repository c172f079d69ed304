// Two builds of the package side by side: `client.send` of each (pkg/ of
// two checkouts, each loaded as the CommonJS entry) beside the hand-written
// fetch of bench/send.mjs, in the same process and the same rounds
// (bench/interleave.mjs), so that a change is measured against the build
// before it under the same load. Then the same with a stub fetch that
// answers from memory (no socket, no server): what is left is each build's
// own CPU per send, the crossings included, against the stub's floor (a
// hand-written call of the stub that reads the answer). Not a step of
// make bench: a tool for a change's before and after.
//   node bench/send-ab.mjs <before>/pkg <after>/pkg [more builds…]
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { root, log } from "./lib.mjs";
import { interleaved, iqr } from "./interleave.mjs";
import { KEY, MESSAGE, sendByHand } from "./textlink.mjs";

const pkgs = process.argv.slice(2).map((p) => resolve(p));
if (pkgs.length < 2) throw new Error("usage: node bench/send-ab.mjs <pkg> <pkg> [pkg…]");
const require = createRequire(import.meta.url);
const ROUNDS = Number(process.env.SEND_ROUNDS || 60);
const CHUNK = Number(process.env.SEND_CHUNK || 100);

const server = spawn(process.execPath, [join(root, "bench", "loopback-server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((done) => server.stdout.once("data", (d) => done(String(d).trim())));
const baseUrl = `${base}/textlink`;

const contenders = { "raw fetch": () => sendByHand(baseUrl) };
pkgs.forEach((pkg, i) => {
  const { Client } = require(join(pkg, "index.cjs"));
  const client = new Client({ provider: "textlink", apiKey: KEY, baseUrl });
  contenders[`${i + 1}: ${pkg}`] = async () => {
    const receipt = await client.send(MESSAGE);
    if (receipt.status !== "queued") throw new Error(`unexpected receipt ${JSON.stringify(receipt)}`);
  };
});

const ANSWER = '{"ok":true,"queued":true}';
const stub = async () => new Response(ANSWER, { status: 200, headers: { "content-type": "application/json" } });
const stubbed = {
  "stub by hand": async () => {
    const res = await stub();
    if ((await res.json()).ok !== true) throw new Error("stub");
  },
};
pkgs.forEach((pkg, i) => {
  const { Client } = require(join(pkg, "index.cjs"));
  const client = new Client({ provider: "textlink", apiKey: KEY, baseUrl }, { fetch: stub });
  stubbed[`${i + 1}: ${pkg}`] = async () => {
    const receipt = await client.send(MESSAGE);
    if (receipt.status !== "queued") throw new Error(`unexpected receipt ${JSON.stringify(receipt)}`);
  };
});

try {
  for (const [what, set, baseline] of [["loopback", contenders, "raw fetch"], ["stub fetch", stubbed, "stub by hand"]]) {
    for (const concurrency of [1, 32]) {
      const r = await interleaved({ contenders: set, baseline, concurrency, requests: CHUNK, rounds: ROUNDS });
      for (const [name, c] of Object.entries(r.contenders)) {
        if (name === baseline) continue;
        log(`send-ab ${what} c=${concurrency} ${name}: ${iqr(c.ratio)}x ${baseline}, extra CPU +${iqr(c.extraCpuUs)} µs/send, CPU ${c.cpuUsPerCall.median} µs/send (${ROUNDS} rounds × ${CHUNK})`);
      }
    }
  }
} finally {
  server.kill("SIGTERM");
}
