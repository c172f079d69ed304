// Bundlers (Vite, webpack, esbuild) and browsers: the core, ready on import
// thanks to a top-level await; bundlers see the `new URL(..., import.meta.url)`
// asset. The on-demand module (browser-full.mjs) is a dynamic import: a chunk
// of its own, fetched on the first call of sendCode, an extra or
// Failover.send. A bundle that has no asset beside it (esbuild emits none)
// fails with an EdgetextError that names the URL and edgetext/inline.
import init, * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";
import { BUNDLER_FIX, fetchWasm } from "./fetch-wasm.mjs";

await init({ module_or_path: fetchWasm(new URL("./web/edgetext_bg.wasm", import.meta.url), BUNDLER_FIX) });
wasm.__setErrorClass(EdgetextError);
wasm.__setFull(() => import("./browser-full.mjs"), false);

export * from "./api.mjs";
export * from "./api-tools.mjs";
