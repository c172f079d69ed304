// A plain page on edgetext/web whose server has the package's files but not
// its .wasm: init() must reject with the package's EdgetextError naming the
// URL, the answer and the fix. The runner reads window.__results.
import init, { EdgetextError } from "./edgetext/web.mjs";
import { noWasmChecks, wasmUrl } from "./no-wasm-checks.mjs";

init().then(
  () => { window.__results = [{ name: "init fails", ok: false, error: "init() resolved with no .wasm served" }]; },
  (err) => {
    window.__results = [
      ...noWasmChecks(err, { status: 404, words: [wasmUrl("/edgetext/"), "HTTP 404", "beside web.mjs"] }),
      err instanceof EdgetextError ? { name: "instanceof EdgetextError", ok: true } : { name: "instanceof EdgetextError", ok: false, error: String(err) },
    ];
  },
);
