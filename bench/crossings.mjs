// JS crossings per call: how many times the core wasm calls out into
// JavaScript (its imports) for one `client.send` and one `client.status`,
// steady state, against a stub fetch (no network: only the crossings are
// counted). The shipped glue is not edited: `WebAssembly.Instance` is
// wrapped before the package loads, and each import of the module it
// instantiates is replaced by a counting wrapper.
import { createRequire } from "node:module";
import { join } from "node:path";
import { root, save, log } from "./lib.mjs";
import { KEY, MESSAGE } from "./textlink.mjs";

const WARM = 50;
const CALLS = Number(process.env.CROSSINGS_CALLS || 200);

const counts = new Map();
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  const counted = {};
  for (const [ns, fns] of Object.entries(imports || {})) {
    counted[ns] = {};
    for (const [name, f] of Object.entries(fns)) {
      if (typeof f !== "function") {
        counted[ns][name] = f;
        continue;
      }
      const short = name.replace(/^__wbg_/, "").replace(/_[0-9a-f]{16}$/, "");
      counted[ns][name] = function (...args) {
        counts.set(short, (counts.get(short) || 0) + 1);
        return f.apply(this, args);
      };
    }
  }
  return new Instance(module, counted);
};
WebAssembly.Instance.prototype = Instance.prototype;

const require = createRequire(import.meta.url);
const { Client } = require(join(root, "pkg", "index.cjs"));

/** The imports called per call of `run`, after WARM calls, over CALLS calls. */
async function perCall(run) {
  for (let i = 0; i < WARM; i++) await run();
  const before = new Map(counts);
  for (let i = 0; i < CALLS; i++) await run();
  const by = [...counts].map(([k, v]) => [k, (v - (before.get(k) || 0)) / CALLS]).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const total = by.reduce((s, [, v]) => s + v, 0);
  return { total: Math.round(total * 100) / 100, by: Object.fromEntries(by) };
}

const answer = (text, status = 200) => async () => new Response(text, { status, headers: { "content-type": "application/json" } });

const textlink = new Client({ provider: "textlink", apiKey: KEY, baseUrl: "http://127.0.0.1:9" }, { fetch: answer('{"ok":true,"queued":true}') });
const send = await perCall(async () => {
  const receipt = await textlink.send(MESSAGE);
  if (receipt.status !== "queued" || receipt.raw.queued !== true) throw new Error(`unexpected receipt ${JSON.stringify(receipt)}`);
});

const STATUS_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const relayAnswer = JSON.stringify({ success: true, message: { message_id: STATUS_ID, status: "delivered", created_at: "2026-01-02T03:04:05Z", delivered_at: "2026-01-02T03:04:09Z" } });
const relay = new Client({ provider: "relay", apiKey: KEY, baseUrl: "http://127.0.0.1:9", phoneId: "phone-1" }, { fetch: answer(relayAnswer) });
const status = await perCall(async () => {
  const s = await relay.status(STATUS_ID);
  if (s.status !== "delivered" || s.id !== STATUS_ID) throw new Error(`unexpected status ${JSON.stringify(s)}`);
});

const line = (what, r) => `${what}: ${r.total} crossings (${Object.entries(r.by).map(([k, v]) => `${k} ${v}`).join(", ")})`;
log(line("crossings per send", send));
log(line("crossings per status", status));
save("crossings", { warm: WARM, calls: CALLS, fetch: "stub answering from memory", send, status });
