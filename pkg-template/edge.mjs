// Vercel Edge and Next.js edge routes (the edge-light condition): the edge
// runtime compiles no wasm from bytes, so the .wasm is imported with the
// `?module` suffix and the platform hands over a compiled WebAssembly.Module;
// ready synchronously. Next.js compiles that module in its server's realm,
// outside the sandbox this runs in: initSync recognises a module of any realm
// (scripts/build.mjs makes its check a brand check, not `instanceof`).
import wasmModule from "./web/edgetext_bg.wasm?module";
import * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";

wasm.initSync({ module: wasmModule });
wasm.__setErrorClass(EdgetextError);

export * from "./api.mjs";
