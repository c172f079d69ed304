// A Cloudflare Worker, bundled by wrangler and run by Miniflare. ?emulator=URL
import * as edgetext from "edgetext";
import { smoke } from "./smoke.mjs";

export default {
  async fetch(request) {
    const emulatorUrl = new URL(request.url).searchParams.get("emulator");
    return Response.json(await smoke(edgetext, { target: "workerd", emulatorUrl }));
  },
};
