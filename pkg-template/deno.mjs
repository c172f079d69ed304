// Deno: the .wasm is imported as a module source (a compiled
// WebAssembly.Module, Deno 2.6+), so loading needs no --allow-read and the
// module is ready synchronously.
import source wasmModule from "./web/edgetext_bg.wasm";
import * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";
import { defineClient } from "./client.mjs";

wasm.initSync({ module: wasmModule });
wasm.__setErrorClass(EdgetextError);

export * from "./web/edgetext.js";
export { EdgetextError };
export const Client = defineClient(wasm, EdgetextError);
