// edgetext/worker: receives the four providers' webhooks into D1, answers
// status and event reads, forwards new events through a Queue (with an
// outbox and retention), and serves one-time codes with their guard object.
// Every step is the wasm core's (src/worker/task.rs): each handler is a
// WorkerTask that answers one effect at a time; this file only carries the
// effects out against D1, the Queue, the Durable Object, the app's OTP client
// and fetch (the provider requests of the core's own OTP client too), and
// hands each result back ({ failed: error } when it threw).
import * as core from "./worker-wasm.mjs";

// The defaults of the OTP_* settings, from the core.
export const OTP_DEFAULTS = Object.freeze(core.otpDefaults());

const attempt = (run) => Promise.resolve().then(run).catch((err) => ({ failed: err ?? new Error("failed") }));
const prepare = (db, s) => db.prepare(s.sql).bind(...s.binds);

// Reads at most `limit` + 1 bytes: enough for the core to tell the body is too large.
async function readBody(request, limit) {
  const chunks = [];
  let size = 0;
  const reader = request.body?.getReader();
  while (reader && size <= limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size > limit) await reader.cancel();
  const out = new Uint8Array(size);
  chunks.reduce((at, c) => (out.set(c, at), at + c.byteLength), 0);
  return out;
}

async function callGuard(env, call) {
  const guard = env.EDGETEXT_OTP.get(env.EDGETEXT_OTP.idFromName("guard"));
  const res = await guard.fetch("https://edgetext-otp/call", { method: "POST", body: JSON.stringify(call) });
  if (!res.ok) throw new Error(`the EdgetextOtp object answered HTTP ${res.status}`);
  return res.json();
}

const post = (e) => fetch(e.url, { method: "POST", headers: e.headers, body: e.body }).then(async (res) => (await res.body?.cancel(), res.status));

// The runtime's side of each effect; what it returns is the effect's result.
const effects = {
  readBody: (e, { request }) => readBody(request, e.limit),
  batch: (e, { env }) => attempt(async () => (await env.DB.batch(e.statements.map((s) => prepare(env.DB, s)))).map((r) => r.meta.changes)),
  query: (e, { env }) => attempt(async () => (await prepare(env.DB, e.statement).all()).results.map(Object.values)),
  otpClient: (e, { env, options }) => options.otp?.client?.(env),
  callGuard: (e, { env }) => attempt(() => callGuard(env, e.call)),
  send: (e) => attempt(() => e.client.send({ to: e.to, text: e.text })),
  enqueue: (e, { env }) => attempt(() => env.FORWARD_QUEUE.sendBatch(e.messages.map((body) => ({ body })))),
  fetch: (e) => attempt(() => post(e)),
  request: (e) => attempt(async () => {
    if (e.delayMs) await new Promise((resolve) => setTimeout(resolve, e.delayMs));
    const res = await fetch(e.url, { method: e.method, headers: e.headers, body: e.body, signal: AbortSignal.timeout(e.timeoutMs) });
    return { status: res.status, headers: [...res.headers], body: await res.text() };
  }),
  ack: (e, { messages }) => messages[e.index].ack(),
  retry: (e, { messages, options }) => messages[e.index].retry({ delaySeconds: options.retryDelaySeconds?.(e.attempts) ?? e.delaySeconds }),
  log: (e) => console[e.level]("edgetext worker:", e.message),
};

// Runs `task` to its last effect: a Response for a request, nothing for the others.
async function run(task, io) {
  for (let result; ; ) {
    const e = task.next(result, Date.now());
    if (effects[e.kind]) result = await effects[e.kind](e, io);
    else if (e.kind === "fallback" && io.options.fallback) return io.options.fallback(io.request, io.env, io.ctx);
    else if (e.response) return new Response(e.response.body || null, { status: e.response.status, headers: e.response.headers });
    else return undefined;
  }
}

// The worker: `export default createWorker()`.
// Options: `fallback(request, env, ctx)` answers routes the worker does not own;
// `retryDelaySeconds(attempts)` overrides the forwarding backoff;
// `otp.client(env)` gives the client that sends one-time codes (a `Client`
// config, or a `Client`), instead of OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT.
export function createWorker(options = {}) {
  return {
    fetch(request, env, ctx) {
      const url = new URL(request.url);
      const input = { method: request.method, path: url.pathname, query: url.search.slice(1), headers: [...request.headers] };
      return run(core.WorkerTask.request(input, env, Date.now()), { request, env, ctx, options });
    },
    queue({ messages }, env) {
      const input = messages.map((m) => ({ id: String(m.body?.id ?? ""), body: String(m.body?.body ?? ""), attempts: m.attempts }));
      return run(core.WorkerTask.queue(input, env, Date.now()), { env, options, messages });
    },
    scheduled(controller, env) {
      return run(core.WorkerTask.scheduled(env, controller?.scheduledTime ?? Date.now()), { env, options });
    },
  };
}

export default createWorker();

// The Durable Object of the OTP guard: its entries live in one SQLite table
// (the core's SQL); each call and each alarm is one synchronous run of the
// core's statements, so no other call interleaves.
export class EdgetextOtp {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
    this.sql = (query, binds) => [...ctx.storage.sql.exec(query, ...binds).raw()];
    for (const statement of core.guardSchema()) this.sql(statement, []);
  }

  async fetch(request) {
    const [call, alarm] = [await request.json(), await this.ctx.storage.getAlarm()];
    const out = core.guardRun(call, this.env, Date.now(), crypto.getRandomValues(new Uint8Array(32)), alarm, this.sql);
    if (out.setAlarm !== null) await this.ctx.storage.setAlarm(out.setAlarm);
    return Response.json(out.reply);
  }

  async alarm() {
    const out = core.guardSweep(Date.now(), this.sql);
    if (out.setAlarm !== null) await this.ctx.storage.setAlarm(out.setAlarm);
  }
}
