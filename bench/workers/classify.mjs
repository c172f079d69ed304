// The first number classification of a fresh workerd isolate (the worker
// build's countryOf, which classifies the number's range as the OTP guard
// does). ?n= absent: the wasm is instantiated and nothing classified;
// ?n=<e164>: that number is classified. performance.now() around the call
// is returned too, but workerd's clock is coarse (see coldstart-edgetext.mjs).
import wasmModule from "../../pkg/worker/edgetext_bg.wasm";
import { initSync, countryOf } from "../../pkg/worker/edgetext.js";

let ready = false;
export default {
  async fetch(request) {
    if (!ready) {
      initSync({ module: wasmModule });
      ready = true;
    }
    const number = new URL(request.url).searchParams.get("n");
    const t0 = performance.now();
    const country = number ? countryOf(number) : null;
    return Response.json({ country: country ?? null, insideMs: performance.now() - t0 });
  },
};
