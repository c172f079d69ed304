// Node, import: everything comes from the CommonJS entry (one wasm instance,
// one EdgetextError class for import and require alike). The names are
// listed rather than `export *`-ed: Node would otherwise lex the 40 KB glue
// for them on every start (about 8 ms). scripts/build.mjs checks the list.
import cjs from "./index.cjs";

export const { Client, Failover, countryOf, normalizePhone, segments, memoryStore, verifyOtpAssertion, verifyWebhook, EdgetextError } = cjs;
