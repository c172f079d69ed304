// The user's page script for Vite and webpack: `import ... from "edgetext"`;
// the runner reads window.__results. ?target=NAME&emulator=URL
import * as edgetext from "edgetext";
import { smoke } from "./smoke.mjs";

const query = new URLSearchParams(location.search);
smoke(edgetext, { target: query.get("target"), emulatorUrl: query.get("emulator") })
  .then((results) => { window.__results = results; }, (err) => { window.__results = [{ name: "page", ok: false, error: String(err?.stack ?? err) }]; });
