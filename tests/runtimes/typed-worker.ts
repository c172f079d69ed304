// A Cloudflare Worker in TypeScript, typed as Cloudflare's own types want it:
// the package's worker must be an ExportedHandler<Env> for the bindings a
// user declares (tsc --strict with @cloudflare/workers-types).
import worker, { createWorker, EdgetextOtp } from "edgetext/worker";
import { Client, segments } from "edgetext";

interface Env {
  DB: D1Database;
  FORWARD_QUEUE: Queue;
  EDGETEXT_OTP: DurableObjectNamespace;
  TEXTLINK_WEBHOOK_SECRET: string;
  EDGETEXT_API_TOKEN: string;
  TEXTLINK_KEY: string;
}

export const plain: ExportedHandler<Env> = worker;
export const built: ExportedHandler<Env> = createWorker();

export const own: ExportedHandler<Env> = {
  async fetch(request, env) {
    if (new URL(request.url).pathname.startsWith("/webhooks/")) return worker.fetch(request, env);
    const sms = new Client({ provider: "textlink", apiKey: env.TEXTLINK_KEY });
    // A D1 binding counts signed-code checks atomically across the fleet.
    const relay = new Client({ provider: "relay", apiKey: env.TEXTLINK_KEY, baseUrl: "https://relay.example", phoneId: "p", otp: { secret: env.EDGETEXT_API_TOKEN, store: env.DB } });
    void relay;
    const receipt = await sms.send({ to: "+12125551212", text: "hello" });
    return Response.json({ receipt, segments: segments("hello") });
  },
  queue: (batch, env) => worker.queue(batch, env),
};

export { EdgetextOtp };
