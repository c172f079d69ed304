// The user's page bundled by esbuild for the browser with `import "edgetext"`
// instead of edgetext/inline: esbuild emits no .wasm asset, so loading fails,
// and the error must say what to do. The runner reads window.__results.
// ?target=404: the server answers 404 for the .wasm; ?target=html: it answers
// every unknown path with the page itself (200, text/html), as a single-page
// app's server does.
import { noWasmChecks, wasmUrl } from "./no-wasm-checks.mjs";

const html = new URLSearchParams(location.search).get("target") === "html";
const status = html ? 200 : 404;
const words = [wasmUrl("/"), `HTTP ${status}`, '"edgetext/inline"', ...(html ? ["HTML page"] : [])];

import("edgetext").then(
  () => { window.__results = [{ name: "loading fails", ok: false, error: "edgetext loaded with no .wasm beside the bundle" }]; },
  (err) => { window.__results = noWasmChecks(err, { status, words }); },
);
