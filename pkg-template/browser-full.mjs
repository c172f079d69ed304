// The on-demand module in browsers and bundles, ready on import thanks to a
// top-level await: what browser.mjs imports on first use, and
// "edgetext/tools" there. Its exports are bindings of this file, made by the
// await: a bundler that skips a side-effect-free module that only re-exports
// another would otherwise hand out the glue's functions with no wasm behind.
import init, * as full from "./full/edgetext.js";
import { EdgetextError } from "./errors.mjs";
import { BUNDLER_FIX, fetchWasm } from "./fetch-wasm.mjs";

await init({ module_or_path: fetchWasm(new URL("./full/edgetext_bg.wasm", import.meta.url), BUNDLER_FIX) });
full.__setErrorClass(EdgetextError);

export const { Client, Failover, memoryStore, verifyOtpAssertion, verifyWebhook } = full;
