// "edgetext/tools" for require(): the same tools as "edgetext" (see tools.d.ts).
export { memoryStore, verifyOtpAssertion, verifyWebhook } from "./node/edgetext.js";
export type { MemoryStore } from "./node/edgetext.js";
