// A Next.js app router route on the edge runtime, as a user writes it:
// GET /smoke?emulator=URL answers tests/runtimes/smoke.mjs's results.
import * as edgetext from "edgetext";
import { smoke } from "../../smoke.mjs";

export const runtime = "edge";

export async function GET(request) {
  const emulatorUrl = new URL(request.url).searchParams.get("emulator");
  return Response.json(await smoke(edgetext, { target: "next.js", emulatorUrl }));
}
