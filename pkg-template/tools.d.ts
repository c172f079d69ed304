// "edgetext/tools": the server tools, ready on import in every runtime (in a
// browser bundle this entry loads the on-demand module; elsewhere it is
// "edgetext", whose tools load it on their first call).
export { memoryStore, verifyOtpAssertion, verifyWebhook } from "./index.cjs";
export type { MemoryStore } from "./index.cjs";
