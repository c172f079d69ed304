// edgetext/web: a plain <script type="module"> with no bundler.
//   import init, { segments } from "/node_modules/edgetext/web.mjs";
//   await init();
import wasmInit, * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";
import { fetchWasm } from "./fetch-wasm.mjs";

const FIX = "Serve the package's folder whole, so that web/edgetext_bg.wasm is beside web.mjs, " +
  'or give the file\'s URL: init({ module_or_path: "/path/to/edgetext_bg.wasm" }).';
let ready = false;

/** Loads the wasm (by default the file next to this one); call once before anything else. */
export default async function init(input) {
  if (ready) return;
  await wasmInit(input ?? { module_or_path: fetchWasm(new URL("./web/edgetext_bg.wasm", import.meta.url), FIX) });
  wasm.__setErrorClass(EdgetextError);
  ready = true;
}

export * from "./api.mjs";
