// Bundlers (Vite, webpack, esbuild) and browsers: ready on import thanks to a
// top-level await; bundlers see the `new URL(..., import.meta.url)` asset.
import init, * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";

await init({ module_or_path: new URL("./web/edgetext_bg.wasm", import.meta.url) });
wasm.__setErrorClass(EdgetextError);

export * from "./api.mjs";
