// A Cloudflare Worker using edgetext against the demo's sandbox: GET / sends
// through Teklink and Klink, sends and verifies a signed code over Klink,
// and reads the Klink message's status from the edgetext worker (statusUrl).
// Against real providers, drop baseUrl and put the keys in secrets.
import { Client, EdgetextError, memoryStore } from "edgetext";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== "/") return new Response("not found", { status: 404 });
    if (!env.OTP_SECRET) return new Response("put an OTP_SECRET of at least 32 bytes in .dev.vars (see wrangler.toml)", { status: 500 });
    const sandbox = env.SANDBOX_URL.replace(/\/$/, "");
    const report = {};
    try {
      const teklink = new Client({ provider: "teklink", apiKey: "test-teklink-key", baseUrl: `${sandbox}/sandbox/teklink`, channelId: "6465550100" });
      const t = await teklink.send({ to: "212-555-0123", text: "Sent from a Worker" });
      report.teklink = { to: t.to, status: t.status };

      const klink = new Client({
        provider: "klink",
        apiKey: "test-klink-key",
        baseUrl: `${sandbox}/sandbox/klink`,
        statusUrl: sandbox,
        statusToken: env.EDGETEXT_API_TOKEN,
        // A D1 binding (env.DB) counts checks atomically across the fleet; memoryStore() only in this isolate.
        otp: { secret: env.OTP_SECRET, store: env.DB ?? memoryStore() },
      });
      const contactId = "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4";
      const k = await klink.send({ contactId, text: "Sent from a Worker" });
      report.klink = { id: k.id, status: k.status };

      const ticket = await klink.sendCode({ to: contactId, serviceName: "Acme" });
      // The sandbox plays the contact's inbox; a real user would type the code in.
      const inbox = await (await fetch(`${sandbox}/sandbox/__emulator/messages?provider=klink`, { headers: { "x-demo-token": env.DEMO_TOKEN } })).json();
      const code = inbox.klink.filter((m) => m.direction === "outbound" && m.to === contactId).map((m) => /code is (\d+)/.exec(m.text)?.[1]).filter(Boolean).at(-1);
      // A wrong code first: once the right one verifies, the token is spent.
      report.verifyWrong = await klink.verifyCode({ to: contactId, code: code === "000000" ? "111111" : "000000", token: ticket.token });
      report.verify = await klink.verifyCode({ to: contactId, code, token: ticket.token });

      // Klink reports "sent" by webhook about two seconds after the send.
      report.statuses = [];
      for (let i = 0; i < 20 && report.statuses.at(-1) !== "sent"; i++) {
        await sleep(500);
        const s = await klink.status(k.id).catch((err) => (err.httpStatus === 404 ? null : Promise.reject(err)));
        if (s && report.statuses.at(-1) !== s.status) report.statuses.push(s.status);
      }
      return Response.json({ ok: true, ...report });
    } catch (err) {
      const status = err instanceof EdgetextError ? 502 : 500;
      return Response.json({ ok: false, code: err.code ?? null, error: String(err.message ?? err), ...report }, { status });
    }
  },
};
