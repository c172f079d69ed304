"use strict";
// Node, require(): the nodejs build, ready on load. index.mjs re-exports this
// file, so require() and import share one wasm instance and one error class.
const wasm = require("./node/edgetext.js");
const { EdgetextError } = require("./errors.cjs");

wasm.__setErrorClass(EdgetextError);
for (const name of Object.keys(wasm)) {
  if (!name.startsWith("__")) exports[name] = wasm[name];
}
exports.EdgetextError = EdgetextError;
