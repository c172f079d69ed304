// "edgetext" for import: the same module as require() (see index.d.cts).
export * from "./index.cjs";
