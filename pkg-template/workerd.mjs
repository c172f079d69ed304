// Cloudflare Workers / workerd: wrangler (esbuild) turns the .wasm import into
// a compiled WebAssembly.Module, so the module is ready synchronously.
import wasmModule from "./web/edgetext_bg.wasm";
import * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";

wasm.initSync({ module: wasmModule });
wasm.__setErrorClass(EdgetextError);

export * from "./api.mjs";
