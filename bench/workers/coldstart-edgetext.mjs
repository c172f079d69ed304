// workerd cold start, edgetext: the wasm arrives as a compiled module (as
// wrangler bundles it); the first request instantiates it and builds a send
// request with the core. performance.now() around each step is returned too;
// workerd's clock is coarse (whole milliseconds here, and frozen between I/O
// on Cloudflare itself), so those are only a rough inside view.
import wasmModule from "../../pkg/web/edgetext_bg.wasm";
import { initSync, RawClient } from "../../pkg/web/edgetext.js";

let ready = false;
export default {
  async fetch() {
    const t0 = performance.now();
    if (!ready) {
      initSync({ module: wasmModule });
      ready = true;
    }
    const t1 = performance.now();
    const call = new RawClient({ provider: "textlink", apiKey: "test-textlink-key", baseUrl: "http://127.0.0.1:9/textlink" })
      .start("send", { to: "+1 (212) 555-1212", text: "Your order shipped" });
    const step = call.next();
    call.free();
    const t2 = performance.now();
    return Response.json({ request: step, instantiateMs: t1 - t0, firstRequestMs: t2 - t1 });
  },
};
