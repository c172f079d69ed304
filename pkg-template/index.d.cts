// Types of "edgetext" in every runtime: the declarations wasm-bindgen
// generates from the Rust types, with the Client and EdgetextError classes.
export * from "./node/edgetext.js";

// The generated classes declare [Symbol.dispose](); this keeps them valid
// with a TypeScript `lib` older than esnext (same as lib.esnext.disposable).
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
