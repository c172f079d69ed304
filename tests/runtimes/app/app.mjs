// The user's program for Node, Deno and Bun, run as it is or bundled:
//   <runtime> app.mjs TARGET [EMULATOR_URL] [net-denied]
// No top-level await, so esbuild can also bundle it to CommonJS.
import * as edgetext from "edgetext";
import { smoke } from "./smoke.mjs";

const [target, emulatorUrl, mode] = globalThis.Deno?.args ?? process.argv.slice(2);
smoke(edgetext, { target, emulatorUrl: emulatorUrl || null, netDenied: mode === "net-denied" })
  .then((results) => console.log(JSON.stringify(results)));
