// The worker build of the core (cargo feature `worker`: webhooks, the OTP
// guard, number ranges) for the worker's entry files under workerd; wrangler
// (esbuild) turns the .wasm import into a compiled WebAssembly.Module.
import wasmModule from "./worker/edgetext_bg.wasm";
import * as wasm from "./worker/edgetext.js";
import { EdgetextError } from "./errors.mjs";

wasm.initSync({ module: wasmModule });
wasm.__setErrorClass(EdgetextError);

export * from "./worker/edgetext.js";
export { EdgetextError };
