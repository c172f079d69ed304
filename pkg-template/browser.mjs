// Bundlers (Vite, webpack, esbuild) and browsers: ready on import thanks to a
// top-level await; bundlers see the `new URL(..., import.meta.url)` asset.
// A bundle that has no such asset beside it (esbuild emits none) fails with
// an EdgetextError that names the URL and edgetext/inline.
import init, * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";
import { fetchWasm } from "./fetch-wasm.mjs";

const FIX = 'A bundler that emits no .wasm asset (esbuild for the browser, for one) needs import "edgetext/inline", ' +
  "which carries the wasm inside the JavaScript; otherwise serve the package's edgetext_bg.wasm at that URL.";
await init({ module_or_path: fetchWasm(new URL("./web/edgetext_bg.wasm", import.meta.url), FIX) });
wasm.__setErrorClass(EdgetextError);

export * from "./api.mjs";
