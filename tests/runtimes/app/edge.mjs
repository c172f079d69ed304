// A Vercel Edge function as edge-runtime runs it (a service-worker style
// script, bundled by esbuild with the edge-light condition). ?emulator=URL
import * as edgetext from "edgetext";
import { smoke } from "./smoke.mjs";

addEventListener("fetch", (event) => {
  const emulatorUrl = new URL(event.request.url).searchParams.get("emulator");
  event.respondWith(smoke(edgetext, { target: "edge-runtime", emulatorUrl }).then((results) => Response.json(results)));
});
