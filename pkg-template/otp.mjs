// One-time codes through the worker: POST /v1/otp/send and POST /v1/otp/verify.
// Every decision is the core's: workerDecide reads and checks the request
// (route, method, CORS, body size, caller, settings: src/worker/otp/route.rs), the
// guard decides on the entries it names (src/worker/otp/guard.rs), otpClient says which
// client sends the codes and otpAfterSend what to answer and whether to
// refund. This file calls the EdgetextOtp Durable Object, loads and stores
// its entries, and makes the send. One object (named "guard") holds all
// entries, so the per-country and global ceilings are exact and no count can
// be raced. The README's "One-time codes through the worker" has the threat model.
// A namespace import, as in worker.mjs: bundlers then evaluate worker-wasm.mjs
// (which instantiates the wasm) before this file uses it.
import * as core from "./worker-wasm.mjs";

/** The defaults of the OTP_* settings, from the core. */
export const OTP_DEFAULTS = Object.freeze(core.otpDefaults());

/** A response the core decided (`{ status, headers, body }`), with `extra` headers. */
export const answer = (r, extra = []) => new Response(r.body || null, { status: r.status, headers: [...r.headers, ...extra] });

/** The guard's decision on `step` (`{ request, keys }`), or null when the object failed. */
async function decide(env, step) {
  try {
    const guard = env.EDGETEXT_OTP.get(env.EDGETEXT_OTP.idFromName("guard"));
    const res = await guard.fetch("https://edgetext-otp/decide", { method: "POST", body: JSON.stringify(step) });
    if (res.ok) return await res.json();
    console.error("edgetext worker: the EdgetextOtp object answered HTTP", res.status);
  } catch (err) {
    console.error("edgetext worker: the EdgetextOtp object failed", err && err.message);
  }
  return null;
}

/** Carries out workerDecide's `otp` decision `d` (`options` is createWorker's `otp`). */
export async function handleOtp(env, options, d) {
  const step = { request: d.request, keys: d.keys };
  let client = null;
  if (d.request.action === "send") {
    const made = core.otpClient(env, options?.client ? options.client(env) : undefined);
    if (made.response) return answer(made.response, d.cors);
    client = made.client;
  }
  const decided = await decide(env, step);
  if (!decided) return answer(core.workerStorageUnavailable(), d.cors);
  if (decided.response) return answer(decided.response, d.cors);
  // A send the guard counted: make it, and refund it if the provider certainly did not take it.
  const sent = decided.answer;
  let receipt = null;
  let error = null;
  try {
    receipt = await client.send({ to: sent.to, text: sent.text });
  } catch (err) {
    error = err;
  }
  const after = core.otpAfterSend(d.request, sent, receipt, error, env);
  if (after.refund) await decide(env, after.refund);
  return answer(after.response, d.cors);
}

/**
 * The Durable Object of the OTP guard: loads the entries the core names,
 * runs the core's decision, stores what it returns, and keeps an alarm for
 * when all it stored can be forgotten.
 */
export class EdgetextOtp {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }

  async fetch(request) {
    const { request: req, keys } = await request.json();
    const storage = this.ctx.storage;
    // Storage calls hold the object's input gate: no other request interleaves.
    const stored = await storage.get(keys);
    const entries = Object.fromEntries(keys.map((k) => [k, stored.get(k) ?? null]));
    const out = core.otpDecide(req, entries, this.env, Date.now(), crypto.getRandomValues(new Uint8Array(32)));
    const writes = Object.entries(out.writes ?? {});
    const puts = Object.fromEntries(writes.filter(([, v]) => v !== null));
    const deletes = writes.filter(([, v]) => v === null).map(([k]) => k);
    if (Object.keys(puts).length) await storage.put(puts);
    if (deletes.length) await storage.delete(deletes);
    if (out.forgetAt && !(await storage.getAlarm())) await storage.setAlarm(out.forgetAt);
    return Response.json(out);
  }

  /** Deletes the entries the core says are over, a page at a time, and wakes again for the next. */
  async alarm() {
    const storage = this.ctx.storage;
    const now = Date.now();
    let next = null;
    let startAfter;
    for (;;) {
      const page = await storage.list({ limit: 500, ...(startAfter ? { startAfter } : {}) });
      if (page.size === 0) break;
      const swept = core.otpSweep(Object.fromEntries(page), this.env, now);
      // delete() takes at most 128 keys at a time.
      for (let i = 0; i < swept.dead.length; i += 128) await storage.delete(swept.dead.slice(i, i + 128));
      if (swept.next !== null) next = next === null ? swept.next : Math.min(next, swept.next);
      startAfter = [...page.keys()].at(-1);
      if (page.size < 500) break;
    }
    if (next !== null) await storage.setAlarm(next);
  }
}
