// Node, import: everything comes from the CommonJS entry (one wasm instance,
// one EdgetextError class for import and require alike). The wasm functions
// are re-exported from the nodejs build because Node can list its named
// exports statically; the hidden __setErrorClass rides along, untyped.
export * from "./node/edgetext.js";
export { EdgetextError } from "./index.cjs";
