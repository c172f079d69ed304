// Vercel Edge (the edge-light condition): the edge runtime compiles no wasm
// from bytes, so the .wasm is imported with Vercel's `?module` suffix and its
// bundler hands over a compiled WebAssembly.Module; ready synchronously.
import wasmModule from "./web/edgetext_bg.wasm?module";
import * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";

wasm.initSync({ module: wasmModule });
wasm.__setErrorClass(EdgetextError);

export * from "./api.mjs";
