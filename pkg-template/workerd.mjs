// Cloudflare Workers / workerd: wrangler (esbuild) turns each .wasm import into
// a compiled WebAssembly.Module; the core is ready synchronously, the
// on-demand module is instantiated on first use.
import coreModule from "./web/edgetext_bg.wasm";
import fullModule from "./full/edgetext_bg.wasm";
import * as core from "./web/edgetext.js";
import * as full from "./full/edgetext.js";
import { ready } from "./ready.mjs";

ready(core, coreModule, full, () => fullModule);

export * from "./api.mjs";
export * from "./api-tools.mjs";
