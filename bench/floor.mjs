// The floor of the stack: bench/floor/ is the leanest honest one-provider
// send (textlink) on the package's crates, with no executor on the send
// path (bench/floor/README.md). This step builds it as the package is built
// (bench/floor-build.mjs), checks that it sends the same request bytes as
// `client.send` and that it retries a 429 as the client does, and measures
// its size beside the client's. Its Node cold start is a mode of
// bench/coldstart-node.mjs, its send overhead and CPU a contender of
// bench/send.mjs: measured in the same processes and rounds as the client.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { root, save, log } from "./lib.mjs";
import { buildFloor, floorGlue, floorWasm } from "./floor-build.mjs";

const glue = { floor: floorGlue, client: join(root, "pkg", "web", "edgetext.js") };
const wasm = { floor: floorWasm, client: join(root, "pkg", "web", "edgetext_bg.wasm") };
const CONFIG = { provider: "textlink", apiKey: "test-textlink-key", baseUrl: "http://127.0.0.1:9/textlink" };
const MESSAGE = { to: "+12125551212", text: "Your order shipped" };

buildFloor();
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const size = Object.fromEntries(["floor", "client"].map((k) => [k, { wasm: readFileSync(wasm[k]).length, wasmGzip: gz(wasm[k]), glueGzip: gz(glue[k]) }]));

const mods = {};
for (const k of ["floor", "client"]) {
  mods[k] = await import(pathToFileURL(glue[k]));
  mods[k].initSync({ module: new WebAssembly.Module(readFileSync(wasm[k])) });
}

// The same request: captured through options.fetch and compared, the
// custom_id aside (a fresh UUID each).
const captured = {};
const receipts = {};
for (const k of ["floor", "client"]) {
  receipts[k] = await new mods[k].Client(CONFIG, {
    fetch: async (url, init) => {
      const headers = [...new Headers(init.headers)].sort();
      captured[k] = JSON.stringify({ method: init.method, url, headers, body: init.body.replace(/"custom_id":"[0-9a-f-]{36}"/, '"custom_id":"…"') });
      return new Response('{"ok":true,"queued":true}');
    },
  }).send(MESSAGE);
}
if (captured.floor !== captured.client) throw new Error(`the floor's request differs from the client's:\n${captured.floor}\n${captured.client}`);
for (const field of ["provider", "status", "to"]) {
  if (receipts.floor[field] !== receipts.client[field]) throw new Error(`the floor's receipt.${field} differs: ${receipts.floor[field]} vs ${receipts.client[field]}`);
}

// A 429 is tried again after its Retry-After, with the same body, as the client does.
const bodies = [];
const retried = await new mods.floor.Client(CONFIG, {
  fetch: async (url, init) => {
    bodies.push(init.body);
    return bodies.length === 1 ? new Response("{}", { status: 429, headers: { "retry-after": "0" } }) : new Response('{"ok":true}');
  },
}).send(MESSAGE);
if (bodies.length !== 2 || bodies[0] !== bodies[1] || retried.status !== "sent") throw new Error(`the floor did not retry a 429: ${bodies.length} attempts, ${JSON.stringify(retried)}`);

log(`floor: same request as client.send, 429 retried; wasm ${size.floor.wasmGzip} B gzip + glue ${size.floor.glueGzip} B (client ${size.client.wasmGzip} + ${size.client.glueGzip})`);
save("floor", { size, request: JSON.parse(captured.floor), checks: ["same request bytes as client.send (custom_id aside)", "same receipt provider, status, to", "a 429 with Retry-After: 0 is tried again with the same body"] });
