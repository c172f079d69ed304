// The entries that load the package's .wasm files over HTTP (browser.mjs,
// browser-full.mjs, web.mjs) fetch them here, so that a URL that does not
// serve one is an EdgetextError `wasm_unavailable` naming the URL, the
// answer and the fix, instead of wasm-bindgen's bare "failed to fetch Wasm:
// 404" or a CompileError over a dev server's HTML fallback page. The
// Response goes on to the glue's init, which compiles it while it streams in.
import { EdgetextError } from "./errors.mjs";

// The fix named when a bundle has no .wasm file beside it.
export const BUNDLER_FIX = 'A bundler that emits no .wasm asset (esbuild for the browser, for one) needs import "edgetext/inline", ' +
  "which carries the wasm inside the JavaScript; otherwise serve the package's .wasm files at those URLs.";

// fetch(url), or an EdgetextError whose message ends with `fix`.
export async function fetchWasm(url, fix) {
  const fail = (what, httpStatus) =>
    new EdgetextError(`edgetext could not load its WebAssembly file: ${url} ${what}. ${fix}`, { code: "wasm_unavailable", httpStatus });
  const response = await fetch(url).catch((err) => {
    throw fail(`could not be fetched (${err?.message ?? err})`, null);
  });
  if (!response.ok) throw fail(`answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, response.status);
  const type = response.headers.get("content-type") ?? "";
  if (type.startsWith("text/html")) throw fail(`answered HTTP ${response.status} with an HTML page, not the .wasm file`, response.status);
  return response;
}
