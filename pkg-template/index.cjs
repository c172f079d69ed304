"use strict";
// Node, require(): the core's nodejs build, ready on load; the on-demand
// module's is required on first use. index.mjs re-exports this file, so
// require() and import share one wasm instance and one error class.
const wasm = require("./node/edgetext.js");
const { EdgetextError } = require("./errors.cjs");

wasm.__setErrorClass(EdgetextError);
wasm.__setFull(() => {
  const full = require("./node-full/edgetext.js");
  full.__setErrorClass(EdgetextError);
  return full;
}, true);
for (const name of Object.keys(wasm)) if (!name.startsWith("__")) exports[name] = wasm[name];
exports.EdgetextError = EdgetextError;
