// The baseline of bench/otp-first-send.mjs: the same shape of work in plain
// JS and nothing else: read the JSON body, ask a Durable Object (which reads
// and writes its storage as the OTP guard does on a first send: four keys
// read, two entries written, the alarm read and set), POST to the provider,
// answer JSON. What workerd itself costs on a first request that does this I/O.
export class Bare {
  constructor(ctx) {
    this.ctx = ctx;
  }

  async fetch(request) {
    const { to, keys } = await request.json();
    const storage = this.ctx.storage;
    const stored = await storage.get(keys);
    const now = Date.now();
    const number = JSON.parse(stored.get(keys[1]) ?? '{"sends":[]}');
    number.sends.push([now, crypto.randomUUID(), "198.51.100.1"]);
    await storage.put({ [keys[1]]: JSON.stringify(number), [keys[0]]: JSON.stringify({ hour: now, count: 1 }) });
    if (!(await storage.getAlarm())) await storage.setAlarm(now + 3600e3);
    return Response.json({ to, text: "Your verification code is 123456." });
  }

  async alarm() {}
}

export default {
  async fetch(request, env) {
    const { to } = await request.json();
    const stub = env.BARE.get(env.BARE.idFromName("guard"));
    const keys = ["g", `n:${to}`, "a:198.51.100.1", "c:GB"];
    const decided = await (await stub.fetch("https://bare/decide", { method: "POST", body: JSON.stringify({ to, keys }) })).json();
    const res = await fetch(`${env.RELAY_URL}/api/v1/messages`, {
      method: "POST",
      headers: { authorization: "Bearer test-relay-key", "content-type": "application/json" },
      body: JSON.stringify({ phone_id: "phone_main", channel: "sms", to: decided.to, text: decided.text, idempotency_key: crypto.randomUUID() }),
    });
    const sent = await res.json();
    return Response.json({ ok: res.ok, id: sent.message_id ?? null }, { status: res.ok ? 200 : 502 });
  },
};
