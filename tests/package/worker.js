// workerd: bundled by `wrangler deploy --dry-run`, run by Miniflare; the
// emulator URL comes in the request's ?emulator= query; env.DB is a D1
// database (the signed-code store on Workers).
import * as edgetext from "edgetext";
import { scenario } from "./scenario.mjs";

export default {
  async fetch(request, env) {
    const emulatorUrl = new URL(request.url).searchParams.get("emulator");
    return Response.json(await scenario(edgetext, { emulatorUrl, runtime: "workerd", d1: env.DB }));
  },
};
