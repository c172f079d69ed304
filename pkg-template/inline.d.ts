// "edgetext/inline": the same exports as "edgetext", with the wasm inlined.
export * from "./index.cjs";
