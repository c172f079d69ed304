// The four providers as the emulator plays them: request validation, answers
// and webhook payloads, each following /work/shared/providers/*.txt and
// webhooks.md. Where a document is silent, the choice is marked "ours".
// Web-standard JavaScript only (runs in Node and in a Cloudflare Worker).
//
// A handler receives a context `c` built by emulator.mjs:
//   c.method, c.path (below the provider prefix), c.params, c.query
//   (URLSearchParams), c.headers (Headers), c.body (parsed JSON), c.now (ms),
//   c.key (the accepted API key), c.state (get/put/delete/list, scoped to the
//   provider), c.messages (add/get/list/stateAt), c.inbound(), c.outbox(kind,
//   payload), c.random (hex/uuid/digits), c.seq()
// and returns { status, body, headers? }.

export const CARRIER_ERROR = "Carrier rejected the message";
/** The number Teklink webhooks show for a channel whose id is not a 10-digit number (ours). */
export const TEKLINK_CHANNEL_NUMBER = "6465550000";

// ---------------------------------------------------------------- validation

const rule = (required, check) => ({ required: !!required, check });

export const str = (o = {}) =>
  rule(o.required, (v) => {
    if (typeof v !== "string") return "must be a string";
    if (o.nonEmpty && v.trim() === "") return "must not be empty";
    if (o.oneOf && !o.oneOf.includes(v)) return `must be one of ${o.oneOf.join(", ")}`;
    if (o.pattern && !o.pattern.test(v)) return o.patternMsg ?? "is malformed";
  });

export const int = (o = {}) =>
  rule(o.required, (v) => {
    if (typeof v !== "number" || !Number.isInteger(v)) return "must be an integer";
    if (o.min !== undefined && v < o.min) return `must be at least ${o.min}`;
    if (o.max !== undefined && v > o.max) return `must be at most ${o.max}`;
  });

const num = (o = {}) =>
  rule(o.required, (v) => {
    if (typeof v !== "number" || !Number.isFinite(v)) return "must be a number";
    if (o.min !== undefined && v < o.min) return `must be at least ${o.min}`;
  });

export const bool = (o = {}) => rule(o.required, (v) => (typeof v === "boolean" ? undefined : "must be a boolean"));

const strList = (o = {}) =>
  rule(o.required, (v) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) return "must be an array of strings";
    const bad = o.oneOf && v.find((x) => !o.oneOf.includes(x));
    if (bad !== undefined && bad !== false) return `may only contain ${o.oneOf.join(", ")}`;
  });

/** The first problem with `body` against `rules` ("unknown field x", "x is required", "x must be …"), or null. */
export function validate(body, rules) {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "body must be a JSON object";
  for (const k of Object.keys(body)) if (!Object.hasOwn(rules, k)) return `unknown field ${k}`;
  for (const [k, r] of Object.entries(rules)) {
    if (body[k] === undefined) {
      if (r.required) return `${k} is required`;
      continue;
    }
    const problem = r.check(body[k]);
    if (problem) return `${k} ${problem}`;
  }
  return null;
}

// ---------------------------------------------------------------- formats

const E164 = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** Relay times look like "2026-02-17T19:40:00+00:00" (phone-relay.txt). */
export const relayTime = (ms) => new Date(ms).toISOString().slice(0, 19) + "+00:00";
/** Klink times carry micro/nanoseconds: "2026-01-09T03:42:38.000000Z". */
export const klinkTime = (ms) => new Date(ms).toISOString().replace("Z", "000Z");
const day = (ms) => new Date(ms).toISOString().slice(0, 10);

const ok = (status, body, headers) => ({ status, body, headers });
const bearer = (headers) => /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1] ?? null;
const isJsonType = (value) => /^application\/json\b/i.test(value ?? "");
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// Shared gate for textlink, relay and klink: bearer key, then a JSON object body where the route takes one.
function bearerGate(c, route, fail) {
  if (bearer(c.headers) !== c.key) return fail(401, "Unauthorized: invalid or missing API key");
  if (!route.body) return null;
  if (!isJsonType(c.headers.get("content-type"))) return fail(415, "Content-Type must be application/json");
  if (!isObject(c.body)) return fail(400, c.bodyError ? "body is not valid JSON" : "body must be a JSON object");
  return null;
}

// ---------------------------------------------------------------- TextLink

const textlinkPhone = str({ required: true, pattern: E164, patternMsg: "must be an E.164 number with its country prefix, e.g. +11234567890" });

const textlink = {
  error: (status, message) => ({ ok: false, message }),
  gate: bearerGate,
  routes: [
    ["POST", "/api/send-sms", sendSms, { body: true }],
    ["POST", "/api/send-code", sendCode, { body: true }],
    ["POST", "/api/verify-code", verifyCode, { body: true }],
    ["POST", "/api/update-contect-tag", updateTag, { body: true }], // sic: the provider's spelling
  ],
  /** The webhook for an outbound message reaching `stage` (textlink: "sent", then "failed"). */
  outboundHook(m, stage, cfg) {
    if (stage.status !== "sent" && stage.status !== "failed") return null;
    const url = (stage.status === "sent" ? cfg.sentUrl : cfg.failedUrl) ?? cfg.url;
    const payload = { secret: cfg.secret, phone_number: m.to, text: m.text, timestamp: stage.at, sent: true, received: false, portal: false };
    if (m.customId != null) payload.custom_id = m.customId;
    if (stage.status === "failed") payload.message = CARRIER_ERROR; // the failure text, as in tests/fixtures/webhooks/textlink-failed.json
    return { name: stage.status, url, payload };
  },
  inboundHook(e, cfg) {
    const payload = { secret: cfg.secret, phone_number: e.from, text: e.text, timestamp: e.createdAt, received: true, sent: false };
    return [{ url: cfg.receivedUrl ?? cfg.url, payload }];
  },
  outboxHook(item, cfg) {
    return { url: cfg.tagUrl ?? cfg.url, payload: { secret: cfg.secret, ...item.payload } };
  },
};

async function sendSms(c) {
  const problem = validate(c.body, { phone_number: textlinkPhone, text: str({ required: true, nonEmpty: true }), sim_card_id: int({ min: 0 }), custom_id: str() });
  if (problem) return c.fail(400, problem);
  await c.messages.add({ to: c.body.phone_number, text: c.body.text, channel: "sms", customId: c.body.custom_id });
  return ok(200, { ok: true, queued: true });
}

async function sendCode(c) {
  const problem = validate(c.body, {
    phone_number: textlinkPhone,
    service_name: str(),
    sim_card_id: int({ min: 0 }),
    custom_id: str(),
    expiration_time: int({ min: 1 }), // milliseconds (webhooks.md)
    source_country: str({ pattern: /^[A-Z]{2}$/, patternMsg: "must be an upper-case ISO 3166 alpha-2 code" }),
  });
  if (problem) return c.fail(400, problem);
  const { phone_number: to, service_name: service, custom_id: customId } = c.body;
  const code = c.random.digits(6);
  await c.state.put(`otp:${to}`, { code, expiresAt: c.now + (c.body.expiration_time ?? 600_000) });
  const text = `${service ? `${service}: ` : ""}your verification code is ${code}`;
  await c.messages.add({ to, text, channel: "sms", customId });
  return ok(200, { ok: true, code });
}

async function verifyCode(c) {
  const problem = validate(c.body, { phone_number: textlinkPhone, code: str({ required: true }) });
  if (problem) return c.fail(400, problem);
  const key = `otp:${c.body.phone_number}`;
  const otp = await c.state.get(key);
  // ours: a wrong code is HTTP 200 {ok:false}, like TextLink's clients expect; codes are single-use
  if (!otp || otp.code !== c.body.code) return ok(200, { ok: false, message: "Invalid code" });
  await c.state.delete(key);
  if (c.now > otp.expiresAt) return ok(200, { ok: false, message: "Code expired" });
  return ok(200, { ok: true });
}

async function updateTag(c) {
  const problem = validate(c.body, { phone_number: textlinkPhone, tag: str({ required: true }) });
  if (problem) return c.fail(400, problem);
  const { phone_number, tag } = c.body;
  await c.state.put(`contact:${phone_number}`, { phone_number, tag });
  // The tag-changed webhook goes out on the next tick().
  await c.outbox("tag", { phone_number, tag, timestamp: c.now });
  return ok(200, { ok: true });
}

// ---------------------------------------------------------------- Teklink ChatServ

const teklink = {
  error: (status, message) => ({ success: false, message }),
  // Accept and Content-Type must be application/json (406 / 415), the body a JSON
  // object (400), then the bearer header or else `api_token` in the body (401).
  gate(c, route, fail) {
    if (!/\bapplication\/json\b/i.test(c.headers.get("accept") ?? "")) return fail(406, "Accept must be application/json");
    if (!isJsonType(c.headers.get("content-type"))) return fail(415, "Content-Type must be application/json");
    if (!isObject(c.body)) return fail(400, c.bodyError ? "body is not valid JSON" : "body must be a JSON object");
    const token = c.headers.has("authorization") ? bearer(c.headers) : c.body.api_token;
    if (token !== c.key) return fail(401, "Unauthenticated.");
    return null;
  },
  routes: [["POST", "/api/v1/channels/:channel/messages", teklinkSend, { body: true }]],
  // ours (Teklink publishes no payload): one status post per change after "queued".
  outboundHook(m, stage, cfg) {
    if (stage.status === "queued") return null;
    const payload = {
      id: m.id,
      from_telephone_number: m.extra.fromNumber,
      to_telephone_number: m.to,
      message_text: m.text,
      status: stage.status,
    };
    return { name: stage.status, url: cfg.url, payload };
  },
  inboundHook(e, cfg) {
    const payload = { id: e.id, from_telephone_number: e.from, to_telephone_number: e.to ?? TEKLINK_CHANNEL_NUMBER, message_text: e.text };
    return [{ url: cfg.url, payload }];
  },
};

async function teklinkSend(c) {
  const b = c.body;
  const problem = validate(b, {
    api_token: str(),
    template_id: str({ nonEmpty: true }),
    message_text: str({ nonEmpty: true }),
    to_telephone_number: str({ required: true, pattern: /^\d{10}$/, patternMsg: "must be a 10 digit phone number" }),
    new_conversation_state: str({ oneOf: ["open", "closed"] }),
    from_name: str(),
    duplicate_send_reject_timeout_minutes: int({ min: 0 }),
    force_send: bool(),
    send_delay_seconds: int({ min: 0 }),
  });
  if (problem) return c.fail(422, problem);
  if (b.template_id === undefined && b.message_text === undefined) return c.fail(422, "template_id or message_text is required");
  const channel = c.params.channel;
  // ours: duplicate_send_reject_timeout_minutes refuses a second send to the
  // same number on the same channel within the window, unless force_send.
  const window = (b.duplicate_send_reject_timeout_minutes ?? 0) * 60_000;
  if (window > 0 && b.force_send !== true) {
    const recent = (await c.messages.list()).find((m) => m.channel === channel && m.to === b.to_telephone_number && c.now - m.createdAt < window);
    if (recent) return c.fail(422, `a message was sent to ${b.to_telephone_number} within the last ${b.duplicate_send_reject_timeout_minutes} minutes`);
  }
  await c.messages.add({
    to: b.to_telephone_number,
    text: b.message_text ?? `[template ${b.template_id}]`,
    channel,
    delayMs: (b.send_delay_seconds ?? 0) * 1000,
    extra: { fromNumber: /^\d{10}$/.test(channel) ? channel : TEKLINK_CHANNEL_NUMBER, fromName: b.from_name ?? "Automated Message" },
  });
  return ok(201, { success: true, message: "Message sent", data: [] });
}

// ---------------------------------------------------------------- Phone Relay

const RELAY_CHANNELS = ["sms", "wa", "tg", "notify", "email", "tg_bot", "pchat"];
const CALL_TYPES = ["call", "missed", "answered"];
const SORTS = ["newest", "oldest", "slowest", "fastest", "longest", "shortest"];

const relay = {
  error: (status, error) => ({ success: false, error }),
  gate: bearerGate,
  routes: [
    ["POST", "/api/v1/messages", relaySend, { body: true }],
    ["GET", "/api/v1/messages", relayList],
    ["GET", "/api/v1/messages/:id", relayStatus],
    ["GET", "/health", relayHealth],
    ["POST", "/api/v1/webchat/inbound/query", inboundQuery, { body: true }],
    ["GET", "/api/v1/webchat/inbound/query", inboundQuery],
    ["POST", "/api/v1/webchat/callbacks/inbound", registerCallback, { body: true }],
    ["GET", "/api/v1/webchat/callbacks/inbound", listCallbacks],
    ["DELETE", "/api/v1/webchat/callbacks/inbound", deleteCallback, { body: true }],
  ],
  // ours (the relay documents no outbound callback): the message object of
  // GET /api/v1/messages/{id}, as of the change, plus event_type "status",
  // channel and to, for each documented status reached after "queued".
  outboundHook(m, stage, cfg) {
    if (stage.status === "queued" || stage.status === "delivered") return null;
    const payload = { event_type: "status", ...relayMessage(m, stage.at), channel: m.channel, to: m.to };
    return { name: stage.status, url: cfg.url, payload, token: cfg.token };
  },
  // To the configured relay webhook and to every matching registered callback.
  async inboundHook(e, cfg, c) {
    const payload = { event_type: e.eventType, channel: e.channel, source: e.from, text: e.text ?? null, message_id: e.id, created_at: relayTime(e.createdAt) };
    if (e.durationSec != null) payload.duration_sec = e.durationSec;
    if (e.phoneId) payload.phone_id = e.phoneId;
    const targets = [{ url: cfg.url, payload, token: cfg.token }];
    for (const cb of await callbacks(c)) if (callbackWants(cb, e)) targets.push({ url: cb.callback_url, payload, token: cb.callback_token });
    return targets;
  },
};

/** The documented message object. Its status words are "queued | sending | sent | failed": delivery shows as "sent" with delivered_at set. */
function relayMessage(m, at) {
  const s = m.stateAt(at);
  return {
    message_id: m.id,
    status: s.status === "delivered" ? "sent" : s.status,
    last_error: s.error,
    created_at: relayTime(m.createdAt),
    delivered_at: s.deliveredAt == null ? null : relayTime(s.deliveredAt),
  };
}

async function relaySend(c) {
  const b = c.body;
  const problem = validate(b, {
    phone_id: str({ required: true, nonEmpty: true }),
    channel: str({ required: true, oneOf: RELAY_CHANNELS }),
    to: str({ nonEmpty: true }),
    text: str({ required: true, nonEmpty: true }),
    source: str(),
    idempotency_key: str({ nonEmpty: true }),
    subject: str(),
    title: str(),
    bot_token: str({ nonEmpty: true }),
  });
  if (problem) return c.fail(400, problem);
  if (["sms", "wa", "tg", "email"].includes(b.channel) && b.to === undefined) return c.fail(400, `to is required for channel ${b.channel}`);
  if (b.channel === "email" && !b.subject) return c.fail(400, "subject is required for channel email");
  if (b.channel === "tg_bot" && b.bot_token === undefined) return c.fail(400, "bot_token is required for channel tg_bot");
  const key = b.idempotency_key ?? null;
  if (key !== null) {
    const earlier = await c.state.get(`idem:${key}`);
    const m = earlier && (await c.messages.get(earlier));
    if (m) return ok(200, { success: true, duplicate: true, message_id: m.id, status: relayMessage(m, c.now).status, idempotency_key: key });
  }
  const m = await c.messages.add({
    idPrefix: "msg_",
    to: b.to ?? null,
    text: b.text,
    channel: b.channel,
    immediate: b.channel === "email" || b.channel === "tg_bot", // delivered server-side: "sent" at once
    extra: { phone_id: b.phone_id, source: b.source ?? null, subject: b.subject ?? null, title: b.title ?? null },
  });
  if (key !== null) await c.state.put(`idem:${key}`, m.id);
  return ok(202, { success: true, message_id: m.id, status: relayMessage(m, c.now).status, idempotency_key: key });
}

async function relayStatus(c) {
  const m = await c.messages.get(c.params.id);
  if (!m) return c.fail(404, "message not found");
  return ok(200, { success: true, message: relayMessage(m, c.now) });
}

async function relayList(c) {
  const raw = c.query.get("limit") ?? "50";
  const limit = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 1000)) return c.fail(400, "limit must be an integer from 1 to 1000");
  const messages = (await c.messages.list())
    .reverse()
    .slice(0, limit)
    .map((m) => ({ ...relayMessage(m, c.now), channel: m.channel, to: m.to }));
  return ok(200, { success: true, messages, count: messages.length });
}

// ours: /health is listed but not described; it answers this.
function relayHealth(c) {
  return ok(200, { ok: true, status: "ok", service: "phone-relay (edgetext emulator)", time: relayTime(c.now) });
}

const CALLBACK_RULES = {
  callback_url: str({ required: true, pattern: /^https?:\/\/\S+$/, patternMsg: "must be an http(s) URL" }),
  channels: strList(),
  source_filter: str(),
  event_types: strList({ oneOf: CALL_TYPES }),
  keyword_filter: str(),
  min_duration_sec: num({ min: 0 }),
  max_duration_sec: num({ min: 0 }),
  callback_token: str(),
  active: bool(),
};

const callbacks = async (c) => (await c.state.list("callback:")).map(([, v]) => v).sort((a, b) => a.seq - b.seq);

// Registering a URL again replaces its settings and keeps its id (ours).
async function registerCallback(c) {
  const problem = validate(c.body, CALLBACK_RULES);
  if (problem) return c.fail(400, problem);
  const same = (await callbacks(c)).find((cb) => cb.callback_url === c.body.callback_url);
  const callback = {
    id: same?.id ?? `cb_${c.random.hex(6)}`,
    channels: [],
    source_filter: null,
    event_types: [],
    keyword_filter: null,
    min_duration_sec: null,
    max_duration_sec: null,
    callback_token: null,
    active: true,
    ...c.body,
    created_at: same?.created_at ?? relayTime(c.now),
  };
  await c.state.put(`callback:${callback.id}`, { ...callback, seq: same?.seq ?? (await c.seq()) });
  return ok(200, { success: true, callback });
}

async function listCallbacks(c) {
  return ok(200, { success: true, callbacks: (await callbacks(c)).map(({ seq, ...cb }) => cb) });
}

// ours: the document names DELETE but not its body; it takes {"callback_url": "..."}.
async function deleteCallback(c) {
  const problem = validate(c.body, { callback_url: str({ required: true }) });
  if (problem) return c.fail(400, problem);
  let deleted = 0;
  for (const cb of await callbacks(c)) {
    if (cb.callback_url === c.body.callback_url) {
      await c.state.delete(`callback:${cb.id}`);
      deleted++;
    }
  }
  return ok(200, { success: true, deleted });
}

const isCall = (e) => CALL_TYPES.includes(e.eventType);

// ours: `channels` selects messages, `event_types` selects calls; give one
// and only that kind is chosen, give both and either is, give neither and all are.
function selects(f, e) {
  const channels = f.channels?.length ? f.channels : null;
  const types = f.event_types?.length ? f.event_types : null;
  return isCall(e) ? (types ? types.includes(e.eventType) : !channels) : channels ? channels.includes(e.channel) : !types;
}

function callbackWants(cb, e) {
  if (cb.active === false || !selects(cb, e)) return false;
  if (cb.source_filter && !(e.from ?? "").includes(cb.source_filter)) return false;
  if (cb.keyword_filter && !isCall(e) && !(e.text ?? "").toLowerCase().includes(cb.keyword_filter.toLowerCase())) return false;
  if (isCall(e) && cb.min_duration_sec != null && (e.durationSec ?? 0) < cb.min_duration_sec) return false;
  if (isCall(e) && cb.max_duration_sec != null && (e.durationSec ?? 0) > cb.max_duration_sec) return false;
  return true;
}

const QUERY_RULES = {
  phone_id: str(),
  range: str({ pattern: /^(all|\d+[hdw])$/, patternMsg: 'must look like "24h", "7d", "4w" or "all"' }),
  channels: strList(),
  event_types: strList({ oneOf: CALL_TYPES }),
  tags: strList(),
  tag_mode: str({ oneOf: ["any", "all"] }),
  source_contains: str(),
  min_duration_sec: num({ min: 0 }),
  has_response: bool(),
  sort: str({ oneOf: SORTS }),
  limit: int({ min: 1, max: 10_000 }),
};

// GET takes the same filter as query parameters (lists comma-separated).
function filterFromQuery(q) {
  const f = {};
  for (const [k, v] of q) {
    if (["channels", "event_types", "tags"].includes(k)) f[k] = v.split(",").filter(Boolean);
    else if (k === "min_duration_sec" || k === "limit") f[k] = /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    else if (k === "has_response") f[k] = v === "true" ? true : v === "false" ? false : v;
    else f[k] = v;
  }
  return f;
}

const countBy = (items, keyOf) => {
  const out = {};
  for (const it of items) {
    const k = keyOf(it);
    if (k != null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
const ranked = (counts, name, countName = "count") =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => ({ [name]: k, [countName]: n }));
const byDay = (items) =>
  Object.entries(countBy(items, (x) => day(x.createdAt)))
    .sort()
    .map(([d, count]) => ({ day: d, count }));
const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : Math.round((s[mid - 1] + s[mid]) / 2);
};
const domainOf = (addr) => (addr?.includes("@") ? addr.split("@").pop().toLowerCase() : null);

// The documented response shape, computed from the simulated inbound events
// (simulateInbound) and the messages sent through this relay.
async function inboundQuery(c) {
  const f = c.method === "GET" ? filterFromQuery(c.query) : c.body;
  const problem = validate(f, QUERY_RULES);
  if (problem) return c.fail(400, problem);
  const range = /^(\d+)([hdw])$/.exec(f.range ?? "");
  const since = range ? c.now - Number(range[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[range[2]] : -Infinity;
  const allSent = await c.messages.list();
  const inScope = (x, phone) => (!f.phone_id || phone === f.phone_id) && x.createdAt >= since;
  const sent = allSent.filter((m) => inScope(m, m.extra.phone_id) && (!f.channels?.length || f.channels.includes(m.channel)));
  const tagsBySource = {};
  const inbound = (await c.inbound()).map((e) => {
    for (const t of e.tags ?? []) (tagsBySource[e.from] ??= new Set()).add(t);
    const reply = allSent.find((m) => m.to === e.from && m.createdAt >= e.createdAt);
    return { ...e, responseMin: reply ? Math.round((reply.createdAt - e.createdAt) / 60_000) : null };
  });
  const matches = inbound.filter((e) => {
    if (!inScope(e, e.phoneId) || !selects(f, e)) return false;
    if (f.tags?.length) {
      const has = f.tags.filter((t) => (e.tags ?? []).includes(t)).length;
      if (f.tag_mode === "all" ? has < f.tags.length : has === 0) return false;
    }
    if (f.source_contains && !(e.from ?? "").includes(f.source_contains)) return false;
    if (f.min_duration_sec != null && !((e.durationSec ?? -1) >= f.min_duration_sec)) return false;
    if (f.has_response != null && (e.responseMin !== null) !== f.has_response) return false;
    return true;
  });
  const nullsLast = (a, b, dir) => (a == null ? 1 : b == null ? -1 : dir * (a - b));
  const order = {
    newest: (a, b) => b.createdAt - a.createdAt,
    oldest: (a, b) => a.createdAt - b.createdAt,
    slowest: (a, b) => nullsLast(a.responseMin, b.responseMin, -1),
    fastest: (a, b) => nullsLast(a.responseMin, b.responseMin, 1),
    longest: (a, b) => nullsLast(a.durationSec, b.durationSec, -1),
    shortest: (a, b) => nullsLast(a.durationSec, b.durationSec, 1),
  }[f.sort ?? "newest"];
  const limit = f.limit ?? 100;
  const calls = matches.filter(isCall);
  const messages = matches.filter((e) => !isCall(e));
  const durations = calls.map((e) => e.durationSec).filter((d) => d != null);
  const sentByChannel = countBy(sent, (m) => m.channel);
  const persons = {};
  for (const m of sent.filter((m) => m.to)) {
    const p = (persons[m.to] ??= { destination: m.to, total: 0, last: 0 });
    p.total++;
    p.last = Math.max(p.last, m.createdAt);
  }
  const emailIn = messages.filter((e) => e.channel === "email");
  const emailOut = sent.filter((m) => m.channel === "email");
  const events = [...matches].sort(order).slice(0, limit);
  return ok(200, {
    success: true,
    summary: {
      inbound_total: matches.length,
      calls_total: calls.length,
      messages_total: messages.length,
      answered_calls: calls.filter((e) => e.eventType === "answered").length,
      missed_calls: calls.filter((e) => e.eventType === "missed").length,
      avg_call_duration_sec: durations.length ? Math.round(durations.reduce((a, b) => a + b, 0) / durations.length) : 0,
      median_response_min: median(matches.map((e) => e.responseMin).filter((x) => x !== null)),
      channels: countBy(messages, (e) => e.channel),
    },
    sent_summary: { sent_total: sent.length, channels: sentByChannel },
    sent_by_channel: sentByChannel,
    sent_by_day: byDay(sent),
    sent_by_person: Object.values(persons)
      .sort((a, b) => b.total - a.total || b.last - a.last)
      .map((p) => ({ destination: p.destination, total: p.total, last_sent: relayTime(p.last) })),
    sent_by_tag: ranked(countBy(sent.flatMap((m) => [...(tagsBySource[m.to] ?? [])].map((tag) => ({ tag }))), (x) => x.tag), "tag"),
    sent_events: [...sent]
      .reverse()
      .slice(0, limit)
      .map((m) => ({ message_id: m.id, destination: m.to, channel: m.channel, status: relayMessage(m, c.now).status, created_at: relayTime(m.createdAt) })),
    email_report: {
      inbound_total: emailIn.length,
      sent_total: emailOut.length,
      top_inbound_senders: ranked(countBy(emailIn, (e) => e.from), "sender"),
      top_sent_recipients: ranked(countBy(emailOut, (m) => m.to), "recipient"),
      domains: ranked(countBy([...emailIn.map((e) => e.from), ...emailOut.map((m) => m.to)], domainOf), "domain"),
      by_day: byDay([...emailIn, ...emailOut]),
    },
    hourly: Object.entries(countBy(matches, (e) => new Date(e.createdAt).getUTCHours()))
      .map(([hour, count]) => ({ hour: Number(hour), count }))
      .sort((a, b) => a.hour - b.hour),
    top_contacts: ranked(countBy(matches, (e) => e.from), "source", "total").slice(0, 10),
    events: events.map((e) => ({
      message_id: e.id,
      event_type: e.eventType,
      channel: e.channel,
      source: e.from,
      text: e.text ?? null,
      duration_sec: e.durationSec ?? null,
      tags: e.tags ?? [],
      response_min: e.responseMin,
      created_at: relayTime(e.createdAt),
    })),
    count: events.length,
  });
}

// ---------------------------------------------------------------- Klink CX

const klink = {
  error: (status, message) => ({ status, message }),
  gate: bearerGate,
  routes: [["POST", "/api/v1/messages/send", klinkSend, { body: true }]],
  // message.outbound once sent; ours: message.failed (data.error) when it fails.
  outboundHook(m, stage, cfg) {
    const event = { sent: "message.outbound", failed: "message.failed" }[stage.status];
    if (!event) return null;
    const data = { ...m.extra.data, updatedAt: klinkTime(stage.at) };
    if (stage.status === "failed") data.error = CARRIER_ERROR;
    return { name: stage.status, url: cfg.url, payload: { event, timestamp: klinkTime(stage.at), data } };
  },
  async inboundHook(e, cfg, c) {
    const roomId = await klinkRoom(c, e.from);
    const data = { id: e.id, createdAt: klinkTime(e.createdAt), message: e.text, direction: "incoming", type: "text", contactId: e.from, roomId };
    return [{ url: cfg.url, payload: { event: "message.inbound", timestamp: klinkTime(e.createdAt), data } }];
  },
};

async function klinkSend(c) {
  const b = c.body;
  const problem = validate(b, {
    contactId: str({ required: true, pattern: UUID, patternMsg: "must be a UUID" }),
    messageType: str({ required: true, pattern: /^[a-z_]+$/, patternMsg: 'must be a message type such as "text"' }),
    message: str({ required: true }),
    createdAt: str({ pattern: ISO_TIME, patternMsg: "must be an ISO 8601 time" }),
  });
  if (problem) return c.fail(400, problem);
  if (b.messageType === "text" && b.message.trim() === "") return c.fail(400, "message must not be empty for a text message");
  const contactId = b.contactId.toLowerCase();
  const roomId = await klinkRoom(c, contactId);
  const id = c.random.uuid();
  const at = klinkTime(c.now);
  // The documented field set of the 200 answer; this emulator has no uploads.
  const data = {
    id, createdAt: at, updatedAt: at, deletedAt: null, clientRequestId: "",
    partition_key: day(c.now).slice(0, 7).replace("-", "_"),
    message: b.message, direction: "outgoing", type: b.messageType, readAt: null, metadata: {},
    platformId: "edgetext-emulator", platformMessageId: `m_${c.random.hex(24)}`,
    replyPlatformMessageId: null, replyReaction: null, linkMessageId: null, linkMessagePartitionKey: null,
    template: null, locale: "", url: "", previewUrl: "", imageSetId: "",
    roomId, room: {}, actorId: null, actorType: "api", actor: null, uploadId: null, upload: null,
    senderId: null, workflowRule: null, assigneeId: null, assignee: null, repliedMessage: null,
    editedMessageId: null, editedMessagePartitionKey: null, editedMessage: null, isEdited: false, editedAt: null,
    label: "", contactId, receiverMetadata: null, attachments: null,
  };
  await c.messages.add({ id, to: contactId, text: b.message, channel: b.messageType, extra: { data } });
  return ok(200, { status: 200, message: "Message sent successfully", data });
}

/** One room per contact, made on first use. */
async function klinkRoom(c, contactId) {
  const key = `room:${contactId}`;
  let room = await c.state.get(key);
  if (!room) await c.state.put(key, (room = c.random.uuid()));
  return room;
}

// ---------------------------------------------------------------- dispatch

export const PROVIDERS = { textlink, teklink, relay, klink };

for (const p of Object.values(PROVIDERS)) {
  p.routes = p.routes.map(([method, pattern, handler, opts = {}]) => ({
    method,
    handler,
    body: !!opts.body,
    regex: new RegExp(`^${pattern.replace(/:(\w+)/g, "(?<$1>[^/]+)")}$`),
  }));
}

/** Routes, gates and answers one provider request: { status, body, headers? }. */
export async function serve(name, c) {
  const p = PROVIDERS[name];
  c.fail = (status, message, headers) => ({ status, body: p.error(status, message), headers });
  const matching = p.routes.filter((r) => r.regex.test(c.path));
  if (!matching.length) return c.fail(404, `no route ${c.method} ${c.path}`);
  const route = matching.find((r) => r.method === c.method);
  if (!route) return c.fail(405, `method ${c.method} not allowed`, { allow: matching.map((r) => r.method).join(", ") });
  try {
    c.params = Object.fromEntries(Object.entries(route.regex.exec(c.path).groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
  } catch {
    return c.fail(404, "malformed path");
  }
  return p.gate(c, route, c.fail) ?? (await route.handler(c));
}
