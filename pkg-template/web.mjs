// edgetext/web: a plain <script type="module"> with no bundler.
//   import init, { segments } from "/node_modules/edgetext/web.mjs";
//   await init();
// Without a bundler nothing can load a module on the first call of a
// synchronous tool, so init() loads the core and then the on-demand module.
import coreInit, * as core from "./web/edgetext.js";
import fullInit, * as full from "./full/edgetext.js";
import { EdgetextError } from "./errors.mjs";
import { fetchWasm } from "./fetch-wasm.mjs";

const FIX = "Serve the package's folder whole, so that web/edgetext_bg.wasm and full/edgetext_bg.wasm are beside web.mjs, " +
  'or give the core\'s URL: init({ module_or_path: "/path/to/edgetext_bg.wasm" }).';
const beside = (file) => ({ module_or_path: fetchWasm(new URL(file, import.meta.url), FIX) });
let ready = false;

// Loads the wasm (by default the files next to this one); call once before anything else.
export default async function init(input) {
  if (ready) return;
  await coreInit(input ?? beside("./web/edgetext_bg.wasm"));
  await fullInit(beside("./full/edgetext_bg.wasm"));
  core.__setErrorClass(EdgetextError);
  full.__setErrorClass(EdgetextError);
  core.__setFull(() => full, true);
  ready = true;
}

export * from "./api.mjs";
export * from "./api-tools.mjs";
