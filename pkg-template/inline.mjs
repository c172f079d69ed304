// edgetext/inline, and the entry of the runtimes and bundles that cannot load
// the package's .wasm files (Deno without --allow-read, Bun, web workers,
// bundles for Node): each wasm is inlined as base64 (*/edgetext_bg.wasm.mjs,
// written by scripts/build.mjs) and compiled synchronously: the core on
// import, without a top-level await or any file access, the on-demand module
// on first use. (Deno 2.6+ could `import source` the .wasm instead; 2.0 to
// 2.5 read that as a syntax error, while this entry loads in every Deno 2.)
import * as core from "./web/edgetext.js";
import * as full from "./full/edgetext.js";
import coreBase64 from "./web/edgetext_bg.wasm.mjs";
import fullBase64 from "./full/edgetext_bg.wasm.mjs";
import { ready } from "./ready.mjs";

const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

ready(core, bytes(coreBase64), full, () => bytes(fullBase64));

export * from "./api.mjs";
export * from "./api-tools.mjs";
