// The baseline of bench/otp-first-send.mjs: the same shape of work in plain
// JS and nothing else: read the JSON body, ask a Durable Object, POST to the
// provider, answer JSON. What workerd itself costs on a first request that
// does this I/O.
export class Bare {
  async fetch(request) {
    const { to } = await request.json();
    return Response.json({ to, text: "Your verification code is 123456." });
  }
}

export default {
  async fetch(request, env) {
    const { to } = await request.json();
    const stub = env.BARE.get(env.BARE.idFromName("guard"));
    const decided = await (await stub.fetch("https://bare/decide", { method: "POST", body: JSON.stringify({ to }) })).json();
    const res = await fetch(`${env.RELAY_URL}/api/v1/messages`, {
      method: "POST",
      headers: { authorization: "Bearer test-relay-key", "content-type": "application/json" },
      body: JSON.stringify({ phone_id: "phone_main", channel: "sms", to: decided.to, text: decided.text, idempotency_key: crypto.randomUUID() }),
    });
    const sent = await res.json();
    return Response.json({ ok: res.ok, id: sent.message_id ?? null }, { status: res.ok ? 200 : 502 });
  },
};
