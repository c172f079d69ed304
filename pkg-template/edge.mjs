// Vercel Edge and Next.js edge routes (the edge-light condition): the edge
// runtime compiles no wasm from bytes, so each .wasm is imported with the
// `?module` suffix and the platform hands over a compiled WebAssembly.Module;
// the core is ready synchronously, the on-demand module instantiated on
// first use. Next.js compiles those modules in its server's realm, outside
// the sandbox this runs in: initSync recognises a module of any realm
// (scripts/build.mjs makes its check a brand check, not `instanceof`).
import coreModule from "./web/edgetext_bg.wasm?module";
import fullModule from "./full/edgetext_bg.wasm?module";
import * as core from "./web/edgetext.js";
import * as full from "./full/edgetext.js";
import { ready } from "./ready.mjs";

ready(core, coreModule, full, () => fullModule);

export * from "./api.mjs";
export * from "./api-tools.mjs";
