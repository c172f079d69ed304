// The server tools, synchronous, for every ESM entry: the core's functions,
// which load the on-demand module on their first call where the runtime can
// load it synchronously (ready.mjs, index.cjs, web.mjs). In a browser bundle
// they run once it is loaded; "edgetext/tools" (browser-full.mjs) loads it.
export { memoryStore, verifyOtpAssertion, verifyWebhook } from "./web/edgetext.js";
