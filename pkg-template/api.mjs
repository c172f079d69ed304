// The public exports of the client build, for every ESM entry: the wasm
// glue's exports without its internal ones (__setErrorClass, init).
// scripts/build.mjs fails when the glue exports a name this list lacks.
export { Client, Failover, MemoryStore, countryOf, memoryStore, normalizePhone, segments, verifyOtpAssertion, verifyWebhook } from "./web/edgetext.js";
export { EdgetextError } from "./errors.mjs";
