// One-time codes through the worker: POST /v1/otp/send and POST /v1/otp/verify,
// for browsers and apps that must not hold a provider key.
//
// State lives in the EdgetextOtp Durable Object (binding EDGETEXT_OTP): one
// object per phone number (named by its E.164 form) keeps the number's one
// live code, hashed, with its check count, and the times of its recent sends;
// one object per client address (named "ip:<address>") keeps the times of its
// recent sends and checks. Each object handles one request at a time, so a
// count cannot be raced past its limit. The README's "One-time codes through
// the worker" has the threat model and every setting.
import { Client, EdgetextError, countryOf, normalizePhone, secretEquals } from "./workerd.mjs";

/** The defaults of the OTP_* settings. */
export const OTP_DEFAULTS = Object.freeze({
  ttlSeconds: 600,
  codeLength: 6,
  maxChecks: 5,
  sendsPerNumber: 5,
  sendsPerIp: 10,
  verifiesPerIp: 30,
  windowSeconds: 3600,
  serviceName: "verification",
  template: "Your {service} code is {code}. It expires in {minutes} minutes.",
});

const MAX_BODY = 2048;
const MIN_SECRET_BYTES = 32;
const encoder = new TextEncoder();

const answer = (status, value, headers = {}) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
const refuse = (status, error, message, extra = {}, headers = {}) => answer(status, { ok: false, error, message, ...extra }, headers);
const limited = (retryAfter, message) =>
  refuse(429, "rate_limited", message, { retryAfter }, { "retry-after": String(retryAfter) });

/** A setting that is missing or malformed: the route answers 503 otp_not_configured naming it (never its value). */
class Misconfigured extends Error {}

function whole(env, name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw === null || String(raw).trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Misconfigured(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** The OTP settings of `env`; throws Misconfigured. */
export function otpSettings(env) {
  if (!env.EDGETEXT_OTP || typeof env.EDGETEXT_OTP.idFromName !== "function") {
    throw new Misconfigured("bind the EdgetextOtp Durable Object as EDGETEXT_OTP");
  }
  const secret = env.OTP_SECRET;
  if (typeof secret !== "string" || encoder.encode(secret).length < MIN_SECRET_BYTES) {
    throw new Misconfigured(`OTP_SECRET must be set to at least ${MIN_SECRET_BYTES} bytes`);
  }
  const countries = String(env.OTP_ALLOWED_COUNTRIES ?? "")
    .split(",")
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  for (const c of countries) {
    if (c !== "*" && !/^[A-Z]{2}$/.test(c)) throw new Misconfigured("OTP_ALLOWED_COUNTRIES must list ISO 3166 alpha-2 codes (US,CA,GB) or be *");
  }
  const template = env.OTP_TEMPLATE ? String(env.OTP_TEMPLATE) : OTP_DEFAULTS.template;
  if (!template.includes("{code}")) throw new Misconfigured("OTP_TEMPLATE must contain {code}");
  return {
    secret,
    countries: new Set(countries),
    ttlSeconds: whole(env, "OTP_TTL_SECONDS", OTP_DEFAULTS.ttlSeconds, 1, 86_400),
    codeLength: whole(env, "OTP_CODE_LENGTH", OTP_DEFAULTS.codeLength, 4, 10),
    sendsPerNumber: whole(env, "OTP_SENDS_PER_NUMBER", OTP_DEFAULTS.sendsPerNumber, 1, 1000),
    sendsPerIp: whole(env, "OTP_SENDS_PER_IP", OTP_DEFAULTS.sendsPerIp, 1, 100_000),
    verifiesPerIp: whole(env, "OTP_VERIFIES_PER_IP", OTP_DEFAULTS.verifiesPerIp, 1, 100_000),
    windowSeconds: whole(env, "OTP_WINDOW_SECONDS", OTP_DEFAULTS.windowSeconds, 1, 86_400),
    serviceName: env.OTP_SERVICE_NAME ? String(env.OTP_SERVICE_NAME) : OTP_DEFAULTS.serviceName,
    template,
    cors: String(env.OTP_CORS_ORIGINS ?? "").split(",").map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean),
  };
}

/** The client that sends codes: `options.client(env)` (a config or a Client), else OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT. */
function otpClient(env, options) {
  let made = options?.client ? options.client(env) : null;
  if (!made) {
    if (!env.OTP_PROVIDER) throw new Misconfigured("set OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT (or createWorker({ otp: { client } }))");
    let extra = {};
    if (env.OTP_CLIENT) {
      try {
        extra = JSON.parse(env.OTP_CLIENT);
      } catch {
        throw new Misconfigured("OTP_CLIENT must be a JSON object");
      }
      if (!extra || typeof extra !== "object" || Array.isArray(extra)) throw new Misconfigured("OTP_CLIENT must be a JSON object");
    }
    made = { ...extra, provider: env.OTP_PROVIDER, apiKey: env.OTP_API_KEY };
  }
  if (typeof made.send === "function") return made;
  if (made.provider === "klink") throw new Misconfigured("klink addresses contacts, not phone numbers: choose textlink, teklink or relay for OTP_PROVIDER");
  if (made.otpUrl) throw new Misconfigured("the OTP client must send through a provider, not through otpUrl");
  try {
    return new Client(made);
  } catch (err) {
    // The core's message names the field, never a key.
    throw new Misconfigured(`the OTP client: ${err?.message ?? err}`);
  }
}

/** The client's address, IPv6 cut to its /64 (one host holds a whole /64), or "unknown". */
export function clientAddress(request) {
  const raw = (request.headers.get("cf-connecting-ip") || "").trim().toLowerCase();
  if (!raw) return "unknown";
  if (!raw.includes(":")) return /^[0-9.]{7,15}$/.test(raw) ? raw : "unknown";
  if (!/^[0-9a-f:.]{2,45}$/.test(raw)) return "unknown";
  const [head, tail = ""] = raw.split("::");
  const left = head ? head.split(":") : [];
  const right = raw.includes("::") && tail ? tail.split(":") : [];
  const groups = raw.includes("::") ? [...left, ...Array(Math.max(8 - left.length - right.length, 0)).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(":")}::/64`;
}

/** CORS headers for an allowed `Origin` (OTP_CORS_ORIGINS), else none. */
function corsHeaders(request, allowed) {
  const origin = request.headers.get("origin");
  if (!origin || !(allowed.includes("*") || allowed.includes(origin))) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": "retry-after", vary: "origin" };
}

/** Reads the JSON object of a request body; a Response (400/413) when it is not one. */
async function readObject(request) {
  if (Number(request.headers.get("content-length")) > MAX_BODY) return refuse(413, "invalid_input", `the body is larger than ${MAX_BODY} bytes`);
  let text;
  try {
    const buf = await request.arrayBuffer();
    if (buf.byteLength > MAX_BODY) return refuse(413, "invalid_input", `the body is larger than ${MAX_BODY} bytes`);
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    return refuse(400, "invalid_input", "the body must be UTF-8 JSON");
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse(400, "invalid_input", "the body must be a JSON object");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return refuse(400, "invalid_input", "the body must be a JSON object");
  return value;
}

/** Checks the body's fields: `spec` maps each allowed name to [required, max length]. */
function fields(body, spec) {
  for (const key of Object.keys(body)) {
    if (!(key in spec)) return `${key} is not a field here (use ${Object.keys(spec).join(", ")})`;
  }
  for (const [key, [required, max]] of Object.entries(spec)) {
    const v = body[key];
    if (v === undefined || v === null) {
      if (required) return `${key} is required`;
    } else if (typeof v !== "string") {
      return `${key} must be a string`;
    } else if (v.length > max) {
      return `${key} must be at most ${max} characters`;
    } else if (required && v.trim() === "") {
      return `${key} is required`;
    }
  }
  return null;
}

/** The number in E.164, or a 400 answer. */
function phone(to) {
  try {
    return normalizePhone(to);
  } catch (err) {
    if (err instanceof EdgetextError) return refuse(400, err.code ?? "invalid_phone", err.message);
    throw err;
  }
}

const objectFor = (env, name) => env.EDGETEXT_OTP.get(env.EDGETEXT_OTP.idFromName(name));

async function ask(env, name, action, body) {
  const res = await objectFor(env, name).fetch(`https://edgetext-otp/${action}`, { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`EdgetextOtp ${action} answered HTTP ${res.status}`);
  return res.json();
}

/** Removes every occurrence of each secret from text that goes out. */
const scrub = (text, secrets) => secrets.filter((s) => s && s.length >= 4).reduce((t, s) => t.split(s).join("[redacted]"), String(text));

// Failures after which the provider certainly did not take the message: the
// send is not counted against the number (it may be asked for again).
const NOT_SENT = new Set(["invalid_input", "invalid_phone", "invalid_config", "unsupported", "unauthorized", "provider_rejected", "provider_unavailable", "network", "rate_limited"]);

async function send(request, env, options, settings, e164) {
  const windowMs = settings.windowSeconds * 1000;
  const client = otpClient(env, options);
  const ip = clientAddress(request);
  const byIp = await ask(env, `ip:${ip}`, "hit", { kind: "send", limit: settings.sendsPerIp, windowMs });
  if (!byIp.ok) return limited(byIp.retryAfter, `too many codes were asked for from this address: at most ${settings.sendsPerIp} per ${settings.windowSeconds} s`);
  const made = await ask(env, e164, "send", { to: e164, limit: settings.sendsPerNumber, windowMs, ttlMs: settings.ttlSeconds * 1000, length: settings.codeLength });
  if (!made.ok) return limited(made.retryAfter, `this number was sent ${settings.sendsPerNumber} codes in the last ${settings.windowSeconds} s`);
  const text = settings.template
    .replaceAll("{service}", settings.serviceName)
    .replaceAll("{minutes}", String(Math.ceil(settings.ttlSeconds / 60)))
    .replaceAll("{code}", made.code);
  try {
    const receipt = await client.send({ to: e164, text });
    return answer(200, { ok: true, to: e164, provider: receipt.provider, expiresAt: new Date(made.expiresAt).toISOString() });
  } catch (err) {
    const code = err instanceof EdgetextError && err.code ? err.code : "provider_unavailable";
    if (NOT_SENT.has(code)) await ask(env, e164, "refund", { id: made.id });
    const message = scrub(err?.message ?? "the provider failed", [made.code, env.OTP_API_KEY, settings.secret]);
    if (code === "invalid_phone" || code === "invalid_input") return refuse(400, code, message);
    if (code === "invalid_config" || code === "unsupported") return refuse(503, "otp_not_configured", message);
    return refuse(502, code, message);
  }
}

async function verify(request, env, settings, e164, code) {
  const ip = clientAddress(request);
  const byIp = await ask(env, `ip:${ip}`, "hit", { kind: "verify", limit: settings.verifiesPerIp, windowMs: settings.windowSeconds * 1000 });
  if (!byIp.ok) return limited(byIp.retryAfter, `too many codes were checked from this address: at most ${settings.verifiesPerIp} per ${settings.windowSeconds} s`);
  // A code that is not 4 to 10 digits cannot be any code: wrong, and not a check.
  if (!/^[0-9]{4,10}$/.test(code)) return answer(200, { ok: true, valid: false, reason: "mismatch" });
  const v = await ask(env, e164, "verify", { to: e164, code, maxChecks: OTP_DEFAULTS.maxChecks });
  return answer(200, { ok: true, valid: v.valid, reason: v.valid ? null : v.reason });
}

/** Answers /v1/otp/send and /v1/otp/verify (`action` is "send" or "verify"). */
export async function handleOtp(request, env, options, action) {
  let cors = {};
  try {
    cors = corsHeaders(request, otpSettings(env).cors);
  } catch {
    // Not configured: no CORS, and the request is answered 503 below.
  }
  const res = await otpRoute(request, env, options, action);
  for (const [k, v] of Object.entries(cors)) res.headers.set(k, v);
  return res;
}

async function otpRoute(request, env, options, action) {
  if (action !== "send" && action !== "verify") return refuse(404, "not_found", "the OTP routes are /v1/otp/send and /v1/otp/verify");
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: { "access-control-allow-methods": "POST", "access-control-allow-headers": "content-type, accept", "access-control-max-age": "600" },
    });
  }
  if (request.method !== "POST") return refuse(405, "method_not_allowed", "use POST", {}, { allow: "POST, OPTIONS" });
  const body = await readObject(request);
  if (body instanceof Response) return body;
  const wrong = action === "send" ? fields(body, { to: [true, 64], serviceName: [false, 100] }) : fields(body, { to: [true, 64], code: [true, 32] });
  if (wrong) return refuse(400, "invalid_input", wrong);
  const e164 = phone(body.to);
  if (e164 instanceof Response) return e164;
  let settings;
  try {
    settings = otpSettings(env);
    if (action === "verify") return await verify(request, env, settings, e164, body.code.trim());
    if (settings.countries.size === 0) return refuse(403, "country_not_allowed", "OTP_ALLOWED_COUNTRIES is not set: this worker sends codes to no country");
    const country = countryOf(e164);
    if (!settings.countries.has("*") && !(country && settings.countries.has(country))) {
      return refuse(403, "country_not_allowed", `codes are not sent to ${country ?? "this calling code's"} numbers here (OTP_ALLOWED_COUNTRIES)`);
    }
    return await send(request, env, options, settings, e164);
  } catch (err) {
    if (err instanceof Misconfigured) return refuse(503, "otp_not_configured", err.message);
    throw err;
  }
}

// ------------------------------------------------------------ the Durable Object

const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A uniformly random code: bytes of 250 and above are dropped, so no digit is likelier. */
function makeCode(length) {
  let code = "";
  const buf = new Uint8Array(16);
  while (code.length < length) {
    crypto.getRandomValues(buf);
    for (const b of buf) if (b < 250 && code.length < length) code += String(b % 10);
  }
  return code;
}

/** HMAC-SHA256(OTP_SECRET, domain ‖ salt ‖ 0 ‖ number ‖ 0 ‖ code). */
async function codeHash(secret, salt, to, code) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const head = encoder.encode("edgetext-otp-worker-v1");
  const rest = encoder.encode(`\u0000${to}\u0000${code}`);
  const data = new Uint8Array(head.length + salt.length + rest.length);
  data.set(head, 0);
  data.set(salt, head.length);
  data.set(rest, head.length + salt.length);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
}

/** Sliding window: drops entries older than `windowMs`; the wait in seconds when `limit` are left. */
function slide(log, limit, windowMs, now) {
  while (log.length > 0 && log[0].at <= now - windowMs) log.shift();
  if (log.length < limit) return 0;
  return Math.max(1, Math.ceil((log[log.length - limit].at + windowMs - now) / 1000));
}

/**
 * The Durable Object of one phone number (named by its E.164 form) or one
 * client address (named "ip:…"). Internal routes, called by handleOtp only:
 * POST /hit, /send, /refund, /verify with a JSON body.
 */
export class EdgetextOtp {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }

  async fetch(request) {
    const action = new URL(request.url).pathname.slice(1);
    const body = await request.json();
    let out;
    // One request at a time, WebCrypto included: a count cannot be raced.
    await this.ctx.blockConcurrencyWhile(async () => {
      out = await this.run(action, body, Date.now());
    });
    return out === undefined ? new Response("unknown action", { status: 404 }) : Response.json(out);
  }

  async run(action, body, now) {
    const storage = this.ctx.storage;
    const state = (await storage.get("state")) ?? { sends: [], code: null, hits: {} };
    let out;
    if (action === "hit") {
      const log = (state.hits[body.kind] ??= []);
      const wait = slide(log, body.limit, body.windowMs, now);
      if (wait > 0) return { ok: false, retryAfter: wait };
      log.push({ at: now, until: now + body.windowMs });
      out = { ok: true };
    } else if (action === "send") {
      const wait = slide(state.sends, body.limit, body.windowMs, now);
      if (wait > 0) return { ok: false, retryAfter: wait };
      const code = makeCode(body.length);
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const id = b64(crypto.getRandomValues(new Uint8Array(12)));
      const hash = await codeHash(this.env.OTP_SECRET, salt, body.to, code);
      // The new code replaces any older one: one live code per number.
      state.code = { id, hash: b64(hash), salt: b64(salt), expiresAt: now + body.ttlMs, checks: 0, spent: false };
      state.sends.push({ at: now, until: now + body.windowMs, id });
      out = { ok: true, code, id, expiresAt: state.code.expiresAt };
    } else if (action === "refund") {
      state.sends = state.sends.filter((s) => s.id !== body.id);
      if (state.code?.id === body.id) state.code = null;
      out = { ok: true };
    } else if (action === "verify") {
      out = await this.check(state, body, now);
    } else {
      return undefined;
    }
    await storage.put("state", state);
    await this.keep(state, now);
    return out;
  }

  async check(state, body, now) {
    const c = state.code;
    // The same HMAC work whatever the state, so timing tells nothing either.
    const salt = c ? unb64(c.salt) : new Uint8Array(16);
    const given = await codeHash(this.env.OTP_SECRET, salt, body.to, body.code);
    if (!c) return { valid: false, reason: "no_code" };
    if (c.spent) return { valid: false, reason: "spent" };
    if (c.checks >= body.maxChecks) return { valid: false, reason: "too_many_attempts" };
    if (now >= c.expiresAt) return { valid: false, reason: "expired" };
    c.checks += 1;
    if (!secretEquals(b64(given), c.hash)) return { valid: false, reason: "mismatch" };
    c.spent = true;
    return { valid: true, reason: null };
  }

  /** Keeps an alarm for when everything stored has run out; then the object forgets all. */
  async keep(state, now) {
    const ends = [...state.sends.map((s) => s.until), ...Object.values(state.hits).flat().map((h) => h.until)];
    if (state.code) ends.push(Math.max(state.code.expiresAt, now));
    const last = Math.max(0, ...ends);
    if (last > now) await this.ctx.storage.setAlarm(last);
  }

  async alarm() {
    await this.ctx.blockConcurrencyWhile(async () => {
      const state = await this.ctx.storage.get("state");
      const now = Date.now();
      if (!state) return;
      const alive = state.sends.some((s) => s.until > now) || Object.values(state.hits).flat().some((h) => h.until > now) || (state.code && state.code.expiresAt > now);
      if (alive) await this.keep(state, now);
      else await this.ctx.storage.deleteAll();
    });
  }
}
