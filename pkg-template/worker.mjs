// edgetext/worker: receives the four providers' webhooks, stores each event
// once in D1, answers status and event reads, and forwards new events
// (Standard Webhooks) through a Queue, with an outbox the scheduled handler
// drains and retention it enforces. Every decision (routing, credentials,
// parsing, event ids, status precedence, schedules, signatures) is the wasm
// core's (workerDecide & co.); this file only binds D1, the Queue and the
// handlers to it. One-time codes (/v1/otp/send, /v1/otp/verify) live in
// otp.mjs, with their Durable Object.
import * as core from "./worker-wasm.mjs";
import { answer, handleOtp } from "./otp.mjs";

export { EdgetextOtp, OTP_DEFAULTS } from "./otp.mjs";

const INSERT_EVENT =
  "INSERT OR IGNORE INTO events (id, provider, type, message_id, occurred_at, received_at, body, forward_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
// Runs in the same batch (one transaction) right after INSERT_EVENT: changes()
// is 1 only when that event's row is new, so a redelivery moves nothing.
const MOVE_STATUS = `INSERT INTO statuses (provider, message_id, status, precedence, error, created_at, delivered_at, updated_at, received_at, last_event)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9 WHERE changes() = 1
  ON CONFLICT (provider, message_id) DO UPDATE SET
    status = excluded.status, precedence = excluded.precedence, error = excluded.error,
    delivered_at = COALESCE(excluded.delivered_at, statuses.delivered_at),
    updated_at = excluded.updated_at, received_at = excluded.received_at, last_event = excluded.last_event
  WHERE excluded.precedence > statuses.precedence`;
const SET_DUE = "UPDATE events SET forward_due = ?2 WHERE id = ?1 AND forward_due IS NOT NULL";
const FORWARDED = "UPDATE events SET forward_due = NULL WHERE id = ?1";

/** Reads at most `limit` + 1 bytes: enough for the core to tell the body is too large. */
async function readBody(request, limit) {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      break;
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function storageFailed(err) {
  console.error("edgetext worker: storage error", err && err.message);
  return answer(core.workerStorageUnavailable());
}

const queued = (e) => ({ body: { id: e.id, body: e.body } });

/** Hands new events to the Queue; if it refuses, they are due at once for the scheduled run. */
async function enqueue(env, events, dueIfUnqueued) {
  try {
    if (!env.FORWARD_QUEUE) throw new Error("no FORWARD_QUEUE binding");
    await env.FORWARD_QUEUE.sendBatch(events.map(queued));
  } catch (err) {
    console.warn(`edgetext worker: the forwarding queue refused ${events.length} event(s); the outbox keeps them`, err && err.message);
    // If this fails too, their lease runs out and the scheduled run sends them then.
    await env.DB.batch(events.map((e) => env.DB.prepare(SET_DUE).bind(e.id, dueIfUnqueued))).catch(() => {});
  }
}

async function store(d, env) {
  const db = env.DB;
  const statements = [];
  const inserts = [];
  for (const e of d.events) {
    inserts.push(statements.length);
    statements.push(db.prepare(INSERT_EVENT).bind(e.id, e.provider, e.type, e.messageId, e.occurredAt, e.receivedAt, e.body, e.forwardDue));
    const s = e.status;
    if (s) statements.push(db.prepare(MOVE_STATUS).bind(e.provider, e.messageId, s.status, s.precedence, s.error, s.at, s.deliveredAt, e.receivedAt, e.body));
  }
  let results;
  try {
    results = await db.batch(statements);
  } catch (err) {
    return storageFailed(err);
  }
  const fresh = d.events.filter((_, i) => results[inserts[i]].meta.changes > 0);
  if (d.forward && fresh.length > 0) await enqueue(env, fresh, d.dueIfUnqueued);
  return answer(d.response);
}

async function read(d, env) {
  const db = env.DB;
  try {
    if (d.kind === "readStatus") {
      const q = db.prepare("SELECT * FROM statuses WHERE provider = ?1 AND message_id = ?2").bind(d.provider, d.messageId);
      return answer(core.workerStatusAnswer((await q.all()).results));
    }
    const q = d.since
      ? db.prepare("SELECT body FROM events WHERE occurred_at > ?1 ORDER BY received_at DESC, occurred_at DESC LIMIT ?2").bind(d.since, d.limit)
      : db.prepare("SELECT body FROM events ORDER BY received_at DESC, occurred_at DESC LIMIT ?1").bind(d.limit);
    return answer(core.workerEventsAnswer((await q.all()).results.map((r) => r.body)));
  } catch (err) {
    return storageFailed(err);
  }
}

/** Retention, then the outbox: due events go to the Queue again, each leased anew. */
async function housekeeping(env, now) {
  const plan = core.workerScheduledPlan(env, now);
  if (plan.warning) console.warn("edgetext worker:", plan.warning);
  const db = env.DB;
  if (plan.deleteBefore !== null) {
    // A failed deletion is retried by the next run; the outbox runs regardless.
    await db
      .batch([
        db.prepare("DELETE FROM events WHERE received_at < ?1").bind(plan.deleteBefore),
        db.prepare("DELETE FROM statuses WHERE received_at < ?1").bind(plan.deleteBefore),
      ])
      .catch((err) => console.error("edgetext worker: retention failed, the next run tries again", err && err.message));
  }
  if (plan.dueBy === null || !env.FORWARD_QUEUE) return;
  const { results } = await db
    .prepare("SELECT id, body FROM events WHERE forward_due IS NOT NULL AND forward_due <= ?1 ORDER BY forward_due LIMIT ?2")
    .bind(plan.dueBy, plan.batch)
    .all();
  const sent = [];
  let refused = 0;
  for (const e of results) {
    try {
      await env.FORWARD_QUEUE.send(queued(e).body);
      sent.push(e);
    } catch {
      refused++; // still due: the next run tries again
    }
  }
  if (refused > 0) console.warn(`edgetext worker: the forwarding queue refused ${refused} of ${results.length} due event(s)`);
  if (sent.length > 0) await db.batch(sent.map((e) => db.prepare(SET_DUE).bind(e.id, plan.leaseUntil)));
}

/**
 * The worker: `export default createWorker()`.
 * Options: `fallback(request, env, ctx)` answers routes the worker does not own;
 * `retryDelaySeconds(attempts)` overrides the forwarding backoff;
 * `otp.client(env)` gives the client that sends one-time codes (a `Client`
 * config, or a `Client`), instead of OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT.
 */
export function createWorker(options = {}) {
  const retryDelay = options.retryDelaySeconds || core.workerRetryDelay;
  return {
    async fetch(request, env, ctx) {
      const url = new URL(request.url);
      const input = { method: request.method, path: url.pathname, query: url.search.slice(1), headers: [...request.headers] };
      let d = core.workerDecide(input, env, Date.now());
      if (d.kind === "needBody") d = core.workerDecide(input, env, Date.now(), await readBody(request, d.limit));
      switch (d.kind) {
        case "store":
          return store(d, env);
        case "readStatus":
        case "readEvents":
          return read(d, env);
        case "otp":
          return handleOtp(env, options.otp, d);
        case "fallback":
          return options.fallback ? options.fallback(request, env, ctx) : answer(d.response);
        default:
          return answer(d.response);
      }
    },

    async queue(batch, env) {
      const delivered = [];
      for (const message of batch.messages) {
        const { id, body } = message.body ?? {};
        const plan = core.workerForwardDelivery(env, String(id ?? ""), String(body ?? ""), Date.now());
        let ok = false;
        if (plan.ok) {
          try {
            const res = await fetch(plan.url, { method: "POST", headers: plan.headers, body });
            ok = res.ok;
            await res.body?.cancel();
          } catch {
            ok = false;
          }
        } else {
          console.warn("edgetext worker: not forwarding:", plan.error);
        }
        if (ok) {
          message.ack();
          delivered.push(id);
        } else {
          message.retry({ delaySeconds: retryDelay(message.attempts) });
        }
      }
      if (delivered.length > 0) {
        // If this fails, the outbox sends them again later: at least once.
        await env.DB.batch(delivered.map((id) => env.DB.prepare(FORWARDED).bind(id))).catch((err) =>
          console.warn("edgetext worker: could not mark forwarded events", err && err.message),
        );
      }
    },

    async scheduled(controller, env) {
      await housekeeping(env, controller?.scheduledTime ?? Date.now());
    },
  };
}

export default createWorker();
