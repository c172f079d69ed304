// edgetext/inline, and the entry of the runtimes and bundles that cannot load
// the package's .wasm file (Deno without --allow-read, Bun, web workers,
// bundles for Node): the wasm is inlined as base64 (web/edgetext_bg.wasm.mjs,
// written by scripts/build.mjs from the web build) and compiled synchronously,
// so the module is ready on import without a top-level await or any file
// access. (Deno 2.6+ could `import source` the .wasm instead; 2.0 to 2.5 read
// that as a syntax error, while this entry loads in every Deno 2.)
import * as wasm from "./web/edgetext.js";
import wasmBase64 from "./web/edgetext_bg.wasm.mjs";
import { EdgetextError } from "./errors.mjs";

const text = atob(wasmBase64);
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
wasm.initSync({ module: bytes });
wasm.__setErrorClass(EdgetextError);

export * from "./api.mjs";
