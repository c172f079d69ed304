// One cold start in a fresh Node process (run by bench/coldstart-node.mjs).
// argv[2] = "package": import the package as a user does (the nodejs glue
// compiles and instantiates the wasm on load), then build the first request.
// argv[2] = "steps": the same work in steps with the web glue: read the file,
// compile (new WebAssembly.Module), instantiate (initSync), build the first
// request (new Client and a first send, until the request is handed to a stub
// fetch; its answer's reading is timed too) after Node's first WebCrypto call
// (timed apart), then a second one for
// comparison (the first pays for lazy wasm compilation and glue warm-up). Prints one JSON line, in ms.
// argv[2] = "floor": the steps of "steps" with the floor of the stack
// (bench/floor/, built into target/floor/web) in place of the package;
// argv[2] = "web" <glue> <wasm>: the same with any web build (bench/floor-ladder.mjs).
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const web = {
  steps: { glue: join(pkg, "web", "edgetext.js"), wasm: join(pkg, "web", "edgetext_bg.wasm") },
  floor: { glue: join(root, "target", "floor", "web", "edgetext_floor.js"), wasm: join(root, "target", "floor", "web", "edgetext_floor_bg.wasm") },
  web: { glue: process.argv[3], wasm: process.argv[4] },
};
const config = { provider: "textlink", apiKey: "test-textlink-key", baseUrl: "http://127.0.0.1:9/textlink" };
const message = { to: "+1 (212) 555-1212", text: "Your order shipped" };

/** Time until the first request is built and handed to fetch (`built`), and until its answer is read (`answered`). */
async function firstRequest(Client) {
  let built = null;
  const t = performance.now();
  const stub = async (url, init) => {
    built = performance.now() - t;
    if (init.method !== "POST") throw new Error("no request built");
    return new Response('{"ok":true,"queued":true}');
  };
  const client = new Client(config, { fetch: stub });
  await client.send(message);
  const answered = performance.now() - t;
  client.free();
  return { built, answered };
}

// Node loads its fetch classes and AbortController on first use, as a
// hand-written fetch with a timeout would too: used once here so that their
// loading is not counted as the client's.
await new Response("{}").text();
void [globalThis.fetch, globalThis.Headers, globalThis.Request];
clearTimeout(setTimeout(() => new AbortController().abort(), 0));
new AbortController().abort();
const t0 = performance.now();
if (process.argv[2] === "package") {
  const m = await import(pathToFileURL(join(pkg, "index.mjs")));
  const t1 = performance.now();
  const first = await firstRequest(m.Client);
  const second = await firstRequest(m.Client);
  console.log(JSON.stringify({ import: t1 - t0, firstRequest: first.built, firstAnswered: first.answered, total: t1 - t0 + first.built, secondRequest: second.built }));
} else {
  const files = web[process.argv[2]];
  const glue = await import(pathToFileURL(files.glue));
  const t1 = performance.now();
  const bytes = readFileSync(files.wasm);
  const t2 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t3 = performance.now();
  glue.initSync({ module });
  const t4 = performance.now();
  // Node loads its WebCrypto on first use; timed apart so that the request's
  // own first cost is visible (a hand-written fetch with randomUUID pays it too).
  crypto.getRandomValues(new Uint8Array(16));
  crypto.randomUUID();
  const t5 = performance.now();
  const first = await firstRequest(glue.Client);
  const second = await firstRequest(glue.Client);
  console.log(JSON.stringify({ glue: t1 - t0, read: t2 - t1, compile: t3 - t2, instantiate: t4 - t3, crypto: t5 - t4, firstRequest: first.built, firstAnswered: first.answered, total: t5 - t0 + first.built, secondRequest: second.built }));
}
