// Node, import: the scenario against `import ... from "edgetext"`.
import * as edgetext from "edgetext";
import { Client, EdgetextError, normalizePhone, segments } from "edgetext";
import { scenario } from "./scenario.mjs";

const results = await scenario(edgetext, { emulatorUrl: process.argv[2] || null, runtime: "node" });
results.push({ name: "named imports", ok: [Client, EdgetextError, normalizePhone, segments].every((f) => typeof f === "function") });
console.log(JSON.stringify(results));
