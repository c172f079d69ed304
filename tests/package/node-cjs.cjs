// Node, require(): the scenario against `require("edgetext")`, and one
// EdgetextError class and one Client for require() and import together.
const edgetext = require("edgetext");

(async () => {
  const { scenario } = await import("./scenario.mjs");
  const results = await scenario(edgetext, { emulatorUrl: process.argv[2] || null, runtime: "node" });
  const esm = await import("edgetext");
  const same = esm.EdgetextError === edgetext.EdgetextError && esm.Client === edgetext.Client;
  results.push({ name: "same classes as import", ok: same, error: same ? undefined : "import and require give different classes" });
  console.log(JSON.stringify(results));
})();
