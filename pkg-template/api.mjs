// The public exports of the core build, for every ESM entry: the wasm glue's
// exports without its internal ones (__setErrorClass, __setFull, init) and
// the tools (api-tools.mjs). scripts/build.mjs fails when the glue exports a
// name that neither file has.
export { Client, Failover, countryOf, normalizePhone, segments } from "./web/edgetext.js";
export { EdgetextError } from "./errors.mjs";
