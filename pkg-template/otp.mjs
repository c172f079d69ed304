// One-time codes through the worker: POST /v1/otp/send and POST /v1/otp/verify.
// Every decision is the core's (src/guard.rs): this file reads the body (at
// most 2 KiB, counted while streaming), loads the entries the core names from
// the EdgetextOtp Durable Object's storage, stores what it decides, and sends
// the code with a Client. One object (named "guard") holds all entries, so the
// per-country and global ceilings are exact and no count can be raced.
// The README's "One-time codes through the worker" has the threat model.
import { Client, EdgetextError, otpAfterSend, otpDecide, otpDefaults, otpRequest, otpSweep } from "./worker-wasm.mjs";

/** The defaults of the OTP_* settings, from the core. */
export const OTP_DEFAULTS = Object.freeze(otpDefaults());

const MAX_BODY = 2048;

const answer = ({ status, body, retryAfter }, extra = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...(retryAfter ? { "retry-after": String(retryAfter) } : {}),
      ...extra,
    },
  });
const fail = (status, error, message) => answer({ status, body: { ok: false, error, message } });

/** The OTP_* variables as strings (bindings and other variables stay out of the core). */
const vars = (env) => Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("OTP_") && v != null).map(([k, v]) => [k, String(v)]));

/** At most MAX_BODY bytes of the body, or null as soon as it is larger. */
async function readBody(request) {
  if (Number(request.headers.get("content-length")) > MAX_BODY) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const out = new Uint8Array(MAX_BODY);
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out.subarray(0, size);
    if (size + value.byteLength > MAX_BODY) {
      await reader.cancel().catch(() => {});
      return null;
    }
    out.set(value, size);
    size += value.byteLength;
  }
}

/** The client that sends codes: `options.client(env)`, else OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT. */
function otpClient(env, options) {
  let made = options?.client ? options.client(env) : null;
  if (!made) {
    if (!env.OTP_PROVIDER) return "set OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT (or createWorker({ otp: { client } }))";
    let extra = {};
    try {
      extra = env.OTP_CLIENT ? JSON.parse(env.OTP_CLIENT) : {};
    } catch {}
    if (!extra || typeof extra !== "object" || Array.isArray(extra)) return "OTP_CLIENT must be a JSON object";
    made = { ...extra, provider: env.OTP_PROVIDER, apiKey: env.OTP_API_KEY };
  }
  if (typeof made.send === "function") return made;
  if (made.provider === "klink") return "klink addresses contacts, not phone numbers: choose textlink, teklink or relay for OTP_PROVIDER";
  if (made.otpUrl) return "the OTP client must send through a provider, not through otpUrl";
  try {
    return new Client(made);
  } catch (err) {
    return `the OTP client: ${err?.message ?? err}`;
  }
}

/** CORS headers for an allowed `Origin` (OTP_CORS_ORIGINS), else none. */
function corsHeaders(request, env) {
  const allowed = String(env.OTP_CORS_ORIGINS ?? "").split(",").map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean);
  const origin = request.headers.get("origin");
  if (!origin || !(allowed.includes("*") || allowed.includes(origin))) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": "retry-after", vary: "origin" };
}

const guard = (env) => env.EDGETEXT_OTP.get(env.EDGETEXT_OTP.idFromName("guard"));

async function decide(env, step) {
  const res = await guard(env).fetch("https://edgetext-otp/decide", { method: "POST", body: JSON.stringify(step) });
  if (!res.ok) throw new Error(`EdgetextOtp answered HTTP ${res.status}`);
  return res.json();
}

/** Answers /v1/otp/send and /v1/otp/verify (`action` is "send" or "verify"). */
export async function handleOtp(request, env, options, action) {
  const res = await otpRoute(request, env, options, action);
  for (const [k, v] of Object.entries(corsHeaders(request, env))) res.headers.set(k, v);
  return res;
}

async function otpRoute(request, env, options, action) {
  if (action !== "send" && action !== "verify") return fail(404, "not_found", "the OTP routes are /v1/otp/send and /v1/otp/verify");
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: { "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type, accept, authorization", "access-control-max-age": "600" },
    });
  }
  if (request.method !== "POST") return answer({ status: 405, body: { ok: false, error: "method_not_allowed", message: "use POST" } }, { allow: "POST, OPTIONS" });
  if (!env.EDGETEXT_OTP || typeof env.EDGETEXT_OTP.idFromName !== "function") return fail(503, "otp_not_configured", "bind the EdgetextOtp Durable Object as EDGETEXT_OTP");
  const body = await readBody(request);
  if (body === null) return fail(413, "invalid_input", `the body is larger than ${MAX_BODY} bytes`);
  const caller = {
    address: request.headers.get("cf-connecting-ip") ?? "",
    authorization: request.headers.get("authorization") ?? undefined,
    apiToken: env.EDGETEXT_API_TOKEN,
  };
  const read = otpRequest(action, body, caller, vars(env));
  if (read.response) return answer(read.response);
  let client = null;
  if (action === "send") {
    client = otpClient(env, options);
    if (typeof client === "string") return fail(503, "otp_not_configured", client);
  }
  const decided = await decide(env, read);
  if (decided.response) return answer(decided.response);
  // A send the guard counted: make it, and refund it if the provider certainly did not take it.
  const sent = decided.answer;
  let receipt = null;
  let error;
  try {
    receipt = await client.send({ to: sent.to, text: sent.text });
  } catch (err) {
    error = err instanceof EdgetextError && err.code ? err : { code: "provider_unavailable", message: "the provider failed" };
  }
  const message = [env.OTP_API_KEY, env.OTP_SECRET].filter((s) => s && s.length >= 4).reduce((t, s) => t.split(s).join("[redacted]"), String(error?.message ?? ""));
  const after = otpAfterSend(sent, receipt?.provider ?? "", error?.code, message);
  if (after.refund) await decide(env, { request: { action: "refund", to: sent.to, id: sent.id, address: read.request.address }, keys: read.keys });
  return answer(after.response);
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
    const out = otpDecide(req, entries, vars(this.env), Date.now(), crypto.getRandomValues(new Uint8Array(32)));
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
      const swept = otpSweep(Object.fromEntries(page), vars(this.env), now);
      // delete() takes at most 128 keys at a time.
      for (let i = 0; i < swept.dead.length; i += 128) await storage.delete(swept.dead.slice(i, i + 128));
      if (swept.next !== null) next = next === null ? swept.next : Math.min(next, swept.next);
      startAfter = [...page.keys()].at(-1);
      if (page.size < 500) break;
    }
    if (next !== null) await storage.setAlarm(next);
  }
}
