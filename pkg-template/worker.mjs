// edgetext/worker: receives the four providers' webhooks, stores each event
// once in D1, answers status and event reads, and forwards new events through
// a Queue. Parsing, authentication and signatures happen in the wasm core;
// this file only moves bytes between the Workers runtime and it. One-time
// codes (/v1/otp/send, /v1/otp/verify) live in otp.mjs, with their Durable Object.
import { parseWebhook, secretEquals, signForwarded } from "./worker-wasm.mjs";
import { handleOtp } from "./otp.mjs";

export { EdgetextOtp, OTP_DEFAULTS } from "./otp.mjs";

const MAX_BODY = 64 * 1024;
const PROVIDERS = new Set(["textlink", "teklink", "relay", "klink"]);

const json = (status, value, headers = {}) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
const fail = (status, error, headers) => json(status, { ok: false, error }, headers);

/** Reads at most MAX_BODY bytes; null when the body is larger. */
async function readBody(request) {
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_BODY) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Stores events (once each) and folds them into message statuses; returns the new ones. */
async function store(db, items, now) {
  const fresh = [];
  for (const { rank, event } of items) {
    const body = JSON.stringify(event);
    const statements = [
      db
        .prepare("INSERT OR IGNORE INTO events (id, provider, type, message_id, occurred_at, received_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(event.id, event.provider, event.type, event.messageId, event.occurredAt, now, body),
    ];
    if (rank > 0) {
      statements.push(
        db
          .prepare(
            `INSERT INTO statuses (message_id, provider, status, rank, error, created_at, delivered_at, updated_at, last_event)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8)
             ON CONFLICT (message_id) DO UPDATE SET
               status = excluded.status, rank = excluded.rank, error = excluded.error,
               delivered_at = COALESCE(excluded.delivered_at, statuses.delivered_at),
               updated_at = excluded.updated_at, last_event = excluded.last_event
             WHERE excluded.rank >= statuses.rank`,
          )
          .bind(event.messageId, event.provider, event.status, rank, event.error, event.occurredAt,
            event.status === "delivered" ? event.occurredAt : null, body),
      );
    }
    const [inserted] = await db.batch(statements);
    if (inserted.meta.changes > 0) fresh.push(event);
  }
  return fresh;
}

function authorized(request, env) {
  const token = env.EDGETEXT_API_TOKEN;
  const given = (request.headers.get("authorization") || "").replace(/^Bearer\s+/i, "");
  return Boolean(token) && secretEquals(given, token);
}

async function readStatus(db, id) {
  const row = await db.prepare("SELECT * FROM statuses WHERE message_id = ?1").bind(id).first();
  if (!row) return null;
  return {
    id: row.message_id,
    provider: row.provider,
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    raw: JSON.parse(row.last_event),
  };
}

async function readEvents(db, url) {
  const limit = Math.min(Math.max(parseInt(url.searchParams.get("limit") || "50", 10) || 50, 1), 500);
  const since = url.searchParams.get("since");
  if (since !== null && Number.isNaN(Date.parse(since))) return null;
  const { results } = since
    ? await db.prepare("SELECT body FROM events WHERE occurred_at > ?1 ORDER BY received_at DESC, occurred_at DESC LIMIT ?2")
        .bind(new Date(since).toISOString(), limit).all()
    : await db.prepare("SELECT body FROM events ORDER BY received_at DESC, occurred_at DESC LIMIT ?1").bind(limit).all();
  return results.map((r) => JSON.parse(r.body));
}

async function webhook(request, env, parts, url) {
  const [, provider, pathSecret, ...rest] = parts;
  if (!PROVIDERS.has(provider) || rest.length > 0 || (pathSecret !== undefined && provider !== "teklink")) {
    return fail(404, "unknown webhook route");
  }
  if (request.method !== "POST") return fail(405, "use POST", { allow: "POST" });
  const body = await readBody(request);
  if (body === null) return fail(413, "body is larger than 64 KiB");
  const input = {
    provider,
    pathSecret: pathSecret === undefined ? undefined : decodeURIComponent(pathSecret),
    event: url.searchParams.get("event") ?? undefined,
    headers: [...request.headers],
    body,
  };
  const result = parseWebhook(input, env, Date.now());
  if (!result.ok) return fail(result.status, result.error);
  const fresh = await store(env.DB, result.events, Date.now());
  if (env.FORWARD_URL && env.FORWARD_SECRET && env.FORWARD_QUEUE && fresh.length > 0) {
    await env.FORWARD_QUEUE.sendBatch(fresh.map((event) => ({ body: event })));
  }
  return json(200, { ok: true, events: result.events.length });
}

async function route(request, env, options) {
  const url = new URL(request.url);
  const parts = url.pathname.split("/").filter(Boolean);
  if (parts[0] === "webhooks") return webhook(request, env, parts, url);
  if (parts[0] === "v1" && parts[1] === "otp") return handleOtp(request, env, options.otp, parts.length === 3 ? parts[2] : "");
  if (parts[0] === "v1" && (parts[1] === "status" || parts[1] === "events")) {
    if (request.method !== "GET") return fail(405, "use GET", { allow: "GET" });
    if (!authorized(request, env)) return fail(401, "bad or missing bearer token");
    if (parts[1] === "status" && parts.length === 3) {
      const status = await readStatus(env.DB, decodeURIComponent(parts[2]));
      return status ? json(200, status) : fail(404, "no events seen for this message");
    }
    if (parts[1] === "events" && parts.length === 2) {
      const events = await readEvents(env.DB, url);
      return events ? json(200, { ok: true, events }) : fail(400, "since must be an ISO 8601 time");
    }
  }
  if (options.fallback) return options.fallback(request, env);
  return fail(404, "not found");
}

/** Seconds to wait before forwarding attempt `attempts` + 1. */
const backoff = (attempts) => Math.min(2 ** Math.max(attempts - 1, 0), 300);

/**
 * The worker: `export default createWorker()`.
 * Options: `fallback(request, env)` answers routes the worker does not own;
 * `retryDelaySeconds(attempts)` sets the forwarding backoff;
 * `otp.client(env)` gives the client that sends one-time codes (a `Client`
 * config, or a `Client`), instead of OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT.
 */
export function createWorker(options = {}) {
  const retryDelay = options.retryDelaySeconds || backoff;
  return {
    async fetch(request, env, ctx) {
      try {
        return await route(request, env, options);
      } catch (err) {
        // Only storage can throw here (input errors are answered above): a 503
        // asks the provider to deliver again rather than losing the event.
        console.error("edgetext worker: storage error", err && err.message);
        return fail(503, "storage unavailable, retry later", { "retry-after": "5" });
      }
    },

    async queue(batch, env) {
      for (const message of batch.messages) {
        const body = JSON.stringify(message.body);
        const signature = signForwarded(env.FORWARD_SECRET || "", body, Math.floor(Date.now() / 1000));
        let ok = false;
        try {
          const res = await fetch(env.FORWARD_URL, {
            method: "POST",
            headers: { "content-type": "application/json", "edgetext-signature": signature, "edgetext-event-id": message.body.id },
            body,
          });
          ok = res.ok;
        } catch {
          ok = false;
        }
        if (ok) message.ack();
        else message.retry({ delaySeconds: retryDelay(message.attempts) });
      }
    },
  };
}

export default createWorker();
