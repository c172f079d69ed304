// edgetext/web: a plain <script type="module"> with no bundler.
//   import init, { segments } from "/node_modules/edgetext/web.mjs";
//   await init();
import wasmInit, * as wasm from "./web/edgetext.js";
import { EdgetextError } from "./errors.mjs";

/** Loads the wasm (by default the file next to this one); call once before anything else. */
export default async function init(input) {
  await wasmInit(input ?? { module_or_path: new URL("./web/edgetext_bg.wasm", import.meta.url) });
  wasm.__setErrorClass(EdgetextError);
}

export * from "./api.mjs";
