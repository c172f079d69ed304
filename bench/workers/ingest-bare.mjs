// The ingest baseline: a bare JS worker doing by hand what edgetext/worker
// does for a TextLink "sent" webhook, with no wasm: read the body, parse it,
// check the secret, derive a stable event id (SHA-256, as the core does), and
// run the same two statements (event once, status upsert) into the same D1
// schema in one batch.
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/webhooks/textlink") return new Response("not found", { status: 404 });
    let body;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return Response.json({ ok: false, error: "bad json" }, { status: 400 });
    }
    if (!body || body.secret !== env.TEXTLINK_WEBHOOK_SECRET) return Response.json({ ok: false, error: "bad credentials" }, { status: 401 });
    const kind = "message.sent";
    const at = new Date(body.timestamp).toISOString();
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(["textlink", kind, body.phone_number, String(body.timestamp), body.custom_id, body.text, ""].join("\0")),
    );
    const { secret, ...raw } = body;
    const event = {
      id: `evt_${hex(digest).slice(0, 32)}`, provider: "textlink", type: kind, from: null, to: body.phone_number, text: body.text,
      channel: "sms", messageId: body.custom_id, status: "sent", error: null, tag: null, occurredAt: at, raw,
    };
    const json = JSON.stringify(event);
    await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO events (id, provider, type, message_id, occurred_at, received_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(event.id, event.provider, event.type, event.messageId, at, Date.now(), json),
      env.DB.prepare(
        `INSERT INTO statuses (message_id, provider, status, rank, error, created_at, delivered_at, updated_at, last_event)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8)
         ON CONFLICT (message_id) DO UPDATE SET
           status = excluded.status, rank = excluded.rank, error = excluded.error,
           delivered_at = COALESCE(excluded.delivered_at, statuses.delivered_at),
           updated_at = excluded.updated_at, last_event = excluded.last_event
         WHERE excluded.rank >= statuses.rank`,
      ).bind(event.messageId, "textlink", "sent", 3, null, at, null, json),
    ]);
    return Response.json({ ok: true, events: 1 });
  },
};
