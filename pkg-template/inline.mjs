// edgetext/inline, and the entry of the runtimes and bundles that cannot see
// the package's .wasm file (Bun, web workers, bundles for Node):
// the wasm is inlined as base64 (web/edgetext_bg.wasm.mjs, written by
// scripts/build.mjs from the web build) and compiled synchronously, so the
// module is ready on import without a top-level await or any file access.
import * as wasm from "./web/edgetext.js";
import wasmBase64 from "./web/edgetext_bg.wasm.mjs";
import { EdgetextError } from "./errors.mjs";
import { defineClient } from "./client.mjs";

const text = atob(wasmBase64);
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
wasm.initSync({ module: bytes });
wasm.__setErrorClass(EdgetextError);

export * from "./web/edgetext.js";
export { EdgetextError };
export const Client = defineClient(wasm, EdgetextError);
