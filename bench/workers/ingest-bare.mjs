// The ingest baseline: a bare JS worker doing by hand what edgetext/worker
// does for a TextLink "sent" webhook, with no wasm: read the body, parse it,
// check the secret, derive a stable event id (SHA-256, as the core does), and
// run the same two statements (event once, status move guarded by changes()
// and precedence) into the same D1 schema in one batch.
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
    const now = Date.now();
    // The same two statements, in one batch, into the same schema (migrations
    // 0001 and 0002): the event once, and its status moved only if its row is
    // new and its precedence (rank, then time) is higher.
    await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO events (id, provider, type, message_id, occurred_at, received_at, body, forward_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(event.id, event.provider, event.type, event.messageId, at, now, json, null),
      env.DB.prepare(
        `INSERT INTO statuses (provider, message_id, status, precedence, error, created_at, delivered_at, updated_at, received_at, last_event)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9 WHERE changes() = 1
         ON CONFLICT (provider, message_id) DO UPDATE SET
           status = excluded.status, precedence = excluded.precedence, error = excluded.error,
           delivered_at = COALESCE(excluded.delivered_at, statuses.delivered_at),
           updated_at = excluded.updated_at, received_at = excluded.received_at, last_event = excluded.last_event
         WHERE excluded.precedence > statuses.precedence`,
      ).bind("textlink", event.messageId, "sent", 3 * 1e13 + body.timestamp, null, at, null, now, json),
    ]);
    return Response.json({ ok: true, events: 1 });
  },
};
