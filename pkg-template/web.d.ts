// "edgetext/web": the web build's declarations, and `init`.
import type { InitInput } from "./web/edgetext.js";
export * from "./web/edgetext.js";

/** Loads the wasm (by default the file next to web.mjs); call once before anything else. */
export default function init(input?: { module_or_path: InitInput | Promise<InitInput> }): Promise<void>;
