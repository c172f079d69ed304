// workerd cold start, edgetext: the wasm arrives as a compiled module (as
// wrangler bundles it); the first request instantiates it and runs a first
// send to the point where the core hands the request to fetch (a stub here). performance.now() around each step is returned too;
// workerd's clock is coarse (whole milliseconds here, and frozen between I/O
// on Cloudflare itself), so those are only a rough inside view.
import wasmModule from "../../pkg/web/edgetext_bg.wasm";
import { initSync, Client } from "../../pkg/web/edgetext.js";

let ready = false;
export default {
  async fetch() {
    const t0 = performance.now();
    if (!ready) {
      initSync({ module: wasmModule });
      ready = true;
    }
    const t1 = performance.now();
    let step = null;
    let t2 = 0;
    const stub = async (url, init) => {
      t2 = performance.now();
      step = { method: init.method, url, body: init.body };
      return new Response('{"ok":true,"queued":true}');
    };
    const client = new Client({ provider: "textlink", apiKey: "test-textlink-key", baseUrl: "http://127.0.0.1:9/textlink" }, { fetch: stub });
    await client.send({ to: "+1 (212) 555-1212", text: "Your order shipped" });
    client.free();
    return Response.json({ request: step, instantiateMs: t1 - t0, firstRequestMs: t2 - t1 });
  },
};
