// Provider emulator for edgetext: TextLink, Teklink ChatServ, Phone Relay and
// Klink CX behind one fetch-style handler, for SDK tests, the demo and (mounted
// as /sandbox/...) a Cloudflare Worker. Web-standard APIs only: the same file
// runs in Node 20 and workerd. server.mjs serves it over node:http.
//
//   const emu = createEmulator({ store: memoryStore() });
//   const res = await emu.handle(new Request("http://x/relay/health", { headers: { authorization: "Bearer test-relay-key" } }));
//
// Routes: /textlink/..., /teklink/..., /relay/..., /klink/... (see providers.mjs),
// /__emulator/... for control, all below the optional `prefix` (e.g. "/sandbox").
//
// Message lifecycle, computed lazily from `now()` (no timers):
//   queued → sending (+1 s) → sent (+2 s) → delivered (+4 s), or failed (+4 s,
//   "Carrier rejected the message") when the recipient's last character is
//   `failDigit`. Relay email/tg_bot start at "sent". Teklink send_delay_seconds
//   shifts the schedule. tick() posts the webhooks that have become due.
//
// Dropped connections: handle() cannot drop a socket, so it answers a 502
// carrying the header `x-emulator-drop: 1` (DROP_HEADER; test with isDropped).
// server.mjs destroys the socket instead of answering; a worker mount may do
// whatever is closest. "slow" faults wait inside handle(), on a timer that is
// cleared when the `signal` given to handle(request, { signal }) aborts.

import { PROVIDERS, CARRIER_ERROR, serve, validate, str, int, bool } from "./providers.mjs";

export { CARRIER_ERROR };
export const DROP_HEADER = "x-emulator-drop";
export const isDropped = (response) => response.headers.get(DROP_HEADER) === "1";
export const DEFAULT_KEYS = { textlink: "test-textlink-key", teklink: "test-teklink-key", relay: "test-relay-key", klink: "test-klink-key" };
/** Milliseconds after acceptance (plus any send delay) at which each status is reached. */
export const TIMELINE = { sending: 1000, sent: 2000, final: 4000 };
export const FAULT_KINDS = ["429", "503_before", "500_after", "drop_before", "drop_after", "slow"];
const MAX_WEBHOOK_ATTEMPTS = 5;
const ID_PREFIX = { textlink: "tl_", teklink: "tk_", relay: "msg_", klink: "" };

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, accept",
  "access-control-expose-headers": "retry-after",
  "access-control-max-age": "600",
};

/**
 * The store contract: async get(key) → value | undefined, put(key, value),
 * delete(key), list(prefix) → [[key, value], …] sorted by key. Values are
 * JSON-able. This one keeps them in a Map (copies in and out).
 */
export function memoryStore() {
  const map = new Map();
  const copy = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  return {
    async get(key) {
      return copy(map.get(key));
    },
    async put(key, value) {
      map.set(key, copy(value));
    },
    async delete(key) {
      return map.delete(key);
    },
    async list(prefix = "") {
      return [...map.keys()]
        .filter((k) => k.startsWith(prefix))
        .sort()
        .map((k) => [k, copy(map.get(k))]);
    },
  };
}

class InputError extends Error {}

const json = (status, body, headers = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }), ...CORS, ...headers },
  });

const dropResponse = () => json(502, { emulator: "connection dropped" }, { [DROP_HEADER]: "1" });

function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (finished) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", onAbort);
  });
}

const pad = (n) => String(n).padStart(12, "0");
const hexOf = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const parseBody = (raw) => {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

async function hmacHex(secret, body) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hexOf(new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body))));
}

/** The statuses a message passes through, with the time each is reached. */
function stages(m) {
  const final = { status: m.fail ? "failed" : "delivered", at: m.startAt + TIMELINE.final };
  if (m.immediate) return [{ status: "sent", at: m.createdAt }, final];
  return [
    { status: "queued", at: m.createdAt },
    { status: "sending", at: m.startAt + TIMELINE.sending },
    { status: "sent", at: m.startAt + TIMELINE.sent },
    final,
  ];
}

function reached(m, t) {
  const all = stages(m);
  const r = all.filter((s) => s.at <= t);
  return r.length ? r : [all[0]];
}

/** { status, error, deliveredAt, at } of a stored message at time t. */
export function stateAt(m, t) {
  const { status, at } = reached(m, t).at(-1);
  return { status, at, error: status === "failed" ? CARRIER_ERROR : null, deliveredAt: status === "delivered" ? at : null };
}

export function createEmulator(options = {}) {
  const {
    store = memoryStore(),
    now = () => Date.now(),
    random = (array) => crypto.getRandomValues(array),
    fetch: post = (...args) => globalThis.fetch(...args),
    failDigit = "9",
    webhooks = {},
  } = options;
  const keys = { ...DEFAULT_KEYS, ...options.keys };
  const prefix = (options.prefix ?? "").replace(/\/+$/, "");

  // One state change at a time (also keeps a worker's storage consistent).
  let chain = Promise.resolve();
  const exclusive = (fn) => {
    const run = chain.then(() => fn());
    chain = run.catch(() => {});
    return run;
  };
  let tickChain = Promise.resolve();

  const rand = {
    hex: (n) => hexOf(random(new Uint8Array(n))),
    uuid() {
      const b = random(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = hexOf(b);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    digits(n) {
      let out = "";
      while (out.length < n) {
        const [x] = random(new Uint32Array(1));
        if (x < 4_000_000_000) out += String(x % 10);
      }
      return out;
    },
  };

  async function nextSeq() {
    const seq = ((await store.get("seq")) ?? 0) + 1;
    await store.put("seq", seq);
    return seq;
  }
  const append = async (kind, value) => {
    const seq = await nextSeq();
    await store.put(`${kind}:${pad(seq)}`, { seq, ...value });
    return seq;
  };
  const values = async (prefix) => (await store.list(prefix)).map(([, v]) => v);
  const hydrate = (m) => m && { ...m, stateAt: (t) => stateAt(m, t) };
  const outboundAll = async () => (await values("msg:")).sort((a, b) => a.seq - b.seq);

  // What provider handlers may touch (see the header of providers.mjs).
  function context(provider, t) {
    const scoped = (k) => `p:${provider}:${k}`;
    return {
      provider,
      now: t,
      key: keys[provider],
      random: rand,
      seq: nextSeq,
      state: {
        get: (k) => store.get(scoped(k)),
        put: (k, v) => store.put(scoped(k), v),
        delete: (k) => store.delete(scoped(k)),
        list: async (k) => (await store.list(scoped(k))).map(([key, v]) => [key.slice(scoped("").length), v]),
      },
      messages: {
        async add({ id, idPrefix = "", to, text, channel = null, customId = null, immediate = false, delayMs = 0, extra = {} }) {
          const seq = await nextSeq();
          const m = {
            id: id ?? `${idPrefix || ID_PREFIX[provider]}${rand.hex(8)}`,
            seq,
            provider,
            direction: "outbound",
            to,
            text,
            channel,
            customId: customId ?? null,
            createdAt: t,
            startAt: t + delayMs,
            immediate,
            fail: typeof to === "string" && to.length > 0 && to.at(-1) === failDigit,
            extra,
            notified: {},
            attempts: {},
          };
          await store.put(`msg:${m.id}`, m);
          return hydrate(m);
        },
        get: async (id) => {
          const m = await store.get(`msg:${id}`);
          return m?.provider === provider ? hydrate(m) : undefined;
        },
        list: async () => (await outboundAll()).filter((m) => m.provider === provider).map(hydrate),
      },
      inbound: async () => (await values("in:")).filter((e) => e.provider === provider),
      outbox: (kind, payload) => append("outbox", { provider, kind, payload, attempts: 0 }),
    };
  }

  // ------------------------------------------------------------ webhooks

  async function deliver(provider, kind, { url, payload, token }) {
    const body = JSON.stringify(payload);
    const headers = { "content-type": "application/json", "user-agent": "edgetext-emulator" };
    if (provider === "klink" && webhooks.klink?.secret) headers["x-signature"] = await hmacHex(webhooks.klink.secret, body);
    if (token) headers.authorization = `Bearer ${token}`;
    const entry = { at: new Date(now()).toISOString(), provider, kind, url, headers, body: payload, status: null, response: null, error: null };
    try {
      const res = await post(url, { method: "POST", headers, body });
      entry.status = res.status;
      entry.response = (await res.text()).slice(0, 2000);
    } catch (err) {
      entry.error = String(err?.message ?? err);
    }
    // TextLink counts anything but 200 as a failed delivery (webhooks.md).
    entry.ok = provider === "textlink" ? entry.status === 200 : entry.status >= 200 && entry.status < 300;
    await exclusive(() => append("hook", entry));
    return entry;
  }

  async function tick() {
    const run = tickChain.then(async () => {
      const t = now();
      const due = await exclusive(async () => {
        const jobs = [];
        for (const m of await outboundAll()) {
          const cfg = webhooks[m.provider];
          if (!cfg) continue;
          for (const stage of reached(m, t)) {
            const hook = PROVIDERS[m.provider].outboundHook(hydrate(m), stage, cfg);
            if (hook && !m.notified[hook.name]) jobs.push({ id: m.id, provider: m.provider, hook });
          }
        }
        return jobs;
      });
      const deliveries = [];
      const blocked = new Set(); // a message's later webhooks wait until its earlier ones got through
      for (const { id, provider, hook } of due) {
        if (blocked.has(id)) continue;
        const entry = hook.url ? await deliver(provider, hook.name, hook) : { ok: true };
        if (hook.url) deliveries.push(entry);
        await exclusive(async () => {
          const m = await store.get(`msg:${id}`);
          if (!m) return;
          m.attempts[hook.name] = (m.attempts[hook.name] ?? 0) + 1;
          if (entry.ok || m.attempts[hook.name] >= MAX_WEBHOOK_ATTEMPTS) m.notified[hook.name] = true;
          await store.put(`msg:${id}`, m);
        });
        if (!entry.ok) blocked.add(id);
      }
      for (const [key, item] of await exclusive(() => store.list("outbox:"))) {
        const cfg = webhooks[item.provider];
        const hook = cfg && PROVIDERS[item.provider].outboxHook?.(item, cfg);
        const entry = hook?.url ? await deliver(item.provider, item.kind, hook) : { ok: true };
        if (hook?.url) deliveries.push(entry);
        await exclusive(async () => {
          if (entry.ok || item.attempts + 1 >= MAX_WEBHOOK_ATTEMPTS) await store.delete(key);
          else if (await store.get(key)) await store.put(key, { ...item, attempts: item.attempts + 1 });
        });
      }
      return deliveries;
    });
    tickChain = run.catch(() => {});
    return run;
  }

  const INBOUND_RULES = {
    provider: str({ required: true, oneOf: Object.keys(PROVIDERS) }),
    from: str({ required: true, nonEmpty: true }),
    text: str(),
    to: str(),
    channel: str(),
    eventType: str({ oneOf: ["message", "call", "missed", "answered"] }),
    durationSec: int({ min: 0 }),
    tags: { required: false, check: (v) => (Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "must be an array of strings") },
    phoneId: str(),
    at: int({ min: 0 }),
  };

  /**
   * Stores an inbound event and posts it as the provider's inbound webhook
   * (relay: also to each matching registered callback). Input:
   * { provider, from, text, to?, channel?, eventType?, durationSec?, tags?, phoneId?, at? }
   * (klink: `from` is the contact id). Returns { event, deliveries }.
   */
  async function simulateInbound(input) {
    const problem = validate(input, INBOUND_RULES);
    if (problem) throw new InputError(problem);
    const { provider } = input;
    const eventType = provider === "relay" ? (input.eventType ?? "message") : "message";
    if (eventType === "message" && input.text === undefined) throw new InputError("text is required");
    const t = input.at ?? now();
    const c = context(provider, t);
    const event = {
      id: provider === "klink" ? rand.uuid() : `in_${rand.hex(8)}`,
      provider,
      direction: "inbound",
      from: provider === "klink" ? input.from.toLowerCase() : input.from,
      to: input.to ?? null,
      text: input.text ?? null,
      channel: provider === "relay" ? (input.channel ?? (eventType === "message" ? "sms" : "call")) : "sms",
      eventType,
      durationSec: input.durationSec ?? null,
      tags: input.tags ?? [],
      phoneId: provider === "relay" ? (input.phoneId ?? "phone_main") : null,
      createdAt: t,
    };
    const targets = await exclusive(async () => {
      await append("in", event);
      return PROVIDERS[provider].inboundHook(event, webhooks[provider] ?? {}, c);
    });
    const deliveries = [];
    for (const target of targets) if (target.url) deliveries.push(await deliver(provider, "inbound", target));
    return { event, deliveries };
  }

  // ------------------------------------------------------------ faults and views

  const FAULT_RULES = {
    provider: str({ required: true, oneOf: Object.keys(PROVIDERS) }),
    path: str({ pattern: /^\//, patternMsg: 'must start with "/" (a trailing * matches any rest)' }),
    kind: str({ required: true, oneOf: FAULT_KINDS }),
    times: int({ min: 1 }),
    retryAfter: int({ min: 0 }),
    delayMs: int({ min: 0 }),
  };

  /** { provider, path?, kind, times = 1, retryAfter = 1, delayMs = 1000 }: the next `times` matching requests misbehave. */
  async function addFault(spec) {
    const problem = validate(spec, FAULT_RULES);
    if (problem) throw new InputError(problem);
    const fault = { path: null, times: 1, retryAfter: 1, delayMs: 1000, ...spec };
    return exclusive(async () => {
      fault.id = `fault_${await nextSeq()}`;
      await store.put(`fault:${pad(Number(fault.id.slice(6)))}`, fault);
      return fault;
    });
  }

  async function takeFault(provider, path) {
    for (const [key, f] of await store.list("fault:")) {
      const match = !f.path || f.path === path || (f.path.endsWith("*") && path.startsWith(f.path.slice(0, -1)));
      if (f.provider !== provider || !match) continue;
      if (f.times > 1) await store.put(key, { ...f, times: f.times - 1 });
      else await store.delete(key);
      return f;
    }
    return null;
  }

  const only = (items, provider) => (provider ? items.filter((x) => x.provider === provider) : items);

  /** Every provider request received: [{ method, path, headers, body, provider, at }]. */
  async function requests({ provider } = {}) {
    return only(await values("req:"), provider).map(({ seq, ...r }) => r);
  }

  /** Stored messages per provider, outbound with their current status, then inbound events. */
  async function messages({ provider } = {}) {
    const t = now();
    const out = Object.fromEntries(Object.keys(PROVIDERS).filter((p) => !provider || p === provider).map((p) => [p, []]));
    for (const m of await outboundAll()) {
      const s = stateAt(m, t);
      out[m.provider]?.push({
        id: m.id,
        provider: m.provider,
        direction: "outbound",
        to: m.to,
        text: m.text,
        channel: m.channel,
        customId: m.customId,
        status: s.status,
        error: s.error,
        createdAt: new Date(m.createdAt).toISOString(),
        deliveredAt: s.deliveredAt == null ? null : new Date(s.deliveredAt).toISOString(),
        webhooksSent: Object.keys(m.notified),
      });
    }
    for (const { seq, ...e } of await values("in:")) out[e.provider]?.push({ ...e, createdAt: new Date(e.createdAt).toISOString() });
    return out;
  }

  /** Every webhook POST made: [{ at, provider, kind, url, headers, body, status, response, error, ok }]. */
  async function webhookLog() {
    return (await values("hook:")).map(({ seq, ...h }) => h);
  }

  const faults = async () => values("fault:");
  const clearFaults = () => exclusive(async () => Promise.all((await store.list("fault:")).map(([k]) => store.delete(k))));
  const reset = () => exclusive(async () => Promise.all((await store.list("")).map(([k]) => store.delete(k))));

  // ------------------------------------------------------------ HTTP

  async function control(method, path, url, raw) {
    const body = parseBody(raw) ?? {};
    const provider = url.searchParams.get("provider") ?? undefined;
    try {
      switch (`${method} ${path}`) {
        case "GET /requests":
          return json(200, await requests({ provider }));
        case "GET /messages":
          return json(200, await messages({ provider }));
        case "GET /webhooks":
          return json(200, await webhookLog());
        case "GET /faults":
          return json(200, await faults());
        case "POST /faults":
          return json(201, { ok: true, fault: await addFault(body) });
        case "DELETE /faults":
          await clearFaults();
          return json(200, { ok: true });
        case "POST /reset":
          await reset();
          return json(200, { ok: true });
        case "POST /tick":
          return json(200, { ok: true, deliveries: await tick() });
        case "POST /inbound":
          return json(200, { ok: true, ...(await simulateInbound(body)) });
        default:
          return json(404, { ok: false, error: `no control route ${method} /__emulator${path}` });
      }
    } catch (err) {
      if (err instanceof InputError) return json(400, { ok: false, error: err.message });
      throw err;
    }
  }

  async function serveProvider(provider, path, full, request, raw) {
    const t = now();
    const headers = Object.fromEntries(request.headers);
    await append("req", { method: request.method, path: full, provider, headers, body: parseBody(raw) ?? null, at: new Date(t).toISOString() });
    const fault = await takeFault(provider, path);
    const fail = (status, message, extra) => ({ response: { status, body: PROVIDERS[provider].error(status, message), headers: extra } });
    if (fault?.kind === "429") return fail(429, "Too many requests", { "retry-after": String(fault.retryAfter) });
    if (fault?.kind === "503_before") return fail(503, "Service temporarily unavailable");
    if (fault?.kind === "drop_before") return { drop: true };
    const body = parseBody(raw);
    const c = context(provider, t);
    Object.assign(c, {
      method: request.method,
      path,
      query: new URL(request.url).searchParams,
      headers: request.headers,
      body: typeof body === "string" ? undefined : body,
      bodyError: typeof body === "string",
    });
    const response = await serve(provider, c);
    if (fault?.kind === "500_after") return fail(500, "Internal server error");
    if (fault?.kind === "drop_after") return { drop: true };
    return { response, delayMs: fault?.kind === "slow" ? fault.delayMs : 0 };
  }

  /** Answers one request. `signal` aborts a "slow" wait (the answer is then a drop). */
  async function handle(request, { signal } = {}) {
    try {
      const url = new URL(request.url);
      let path = url.pathname;
      if (prefix) {
        if (path !== prefix && !path.startsWith(`${prefix}/`)) return json(404, { ok: false, error: "not found" });
        path = path.slice(prefix.length) || "/";
      }
      if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
      const raw = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
      if (path === "/__emulator" || path.startsWith("/__emulator/")) return await control(request.method, path.slice("/__emulator".length), url, raw);
      const [, provider, ...rest] = path.split("/");
      if (!Object.hasOwn(PROVIDERS, provider)) return json(404, { ok: false, error: `unknown provider path ${path}: use /textlink, /teklink, /relay or /klink` });
      const sub = `/${rest.join("/")}`;
      const out = await exclusive(() => serveProvider(provider, sub, path + url.search, request, raw));
      if (out.delayMs && !(await sleep(out.delayMs, signal))) return dropResponse();
      if (out.drop) return dropResponse();
      return json(out.response.status, out.response.body, out.response.headers);
    } catch (err) {
      return json(500, { ok: false, error: `emulator failure: ${err?.stack ?? err}` });
    }
  }

  return { handle, tick, simulateInbound, addFault, faults, clearFaults, requests, messages, webhookLog, reset, store, keys, now };
}
