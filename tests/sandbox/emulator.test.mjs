// The provider emulator, driven over HTTP with plain fetch:  node --test tests/sandbox/
import { describe, test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHmac } from "node:crypto";
import { startEmulator } from "../../sandbox/server.mjs";
import { createEmulator, memoryStore, isDropped, DROP_HEADER } from "../../sandbox/emulator.mjs";

const T0 = Date.UTC(2026, 1, 21, 12, 0, 0);
const KEYS = { textlink: "test-textlink-key", teklink: "test-teklink-key", relay: "test-relay-key", klink: "test-klink-key" };
const CONTACT = "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** One emulator with a hand-driven clock. */
async function emulatorWith(options = {}) {
  const clock = { t: T0 };
  const emu = await startEmulator({ now: () => clock.t, ...options });
  const call = async (method, path, { key, body, raw, headers = {} } = {}) => {
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    if (body !== undefined && !("content-type" in h)) h["content-type"] = "application/json";
    const res = await fetch(emu.url + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  const ctl = async (method, path, body) => (await call(method, `/__emulator${path}`, { body })).body;
  return { emu, clock, call, ctl, close: () => emu.close() };
}

const post = (env, provider, path, body, opts = {}) => env.call("POST", `/${provider}${path}`, { key: KEYS[provider], body, ...opts });
const tek = (env, body, opts = {}) =>
  env.call("POST", "/teklink/api/v1/channels/chan-1/messages", { key: KEYS.teklink, body, ...opts, headers: { accept: "application/json", ...opts.headers } });
const stored = async (env, provider) => (await env.ctl("GET", `/messages?provider=${provider}`))[provider].filter((m) => m.direction === "outbound");

/** A webhook receiver that records each POST and answers answer(req, n). */
async function receiver(answer = () => 200) {
  const got = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      got.push({ path: req.url, headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(answer(req, got.length));
      res.end("ok");
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, got, close: () => new Promise((r) => server.close(r)) };
}

/** Runs each [body, expected message] case and checks status and message. */
async function rejects(send, cases, status, field = "message") {
  for (const [body, message] of cases) {
    const res = await send(body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    assert.equal(res.body[field], message, JSON.stringify(body));
  }
}

describe("CORS", () => {
  let env;
  before(async () => (env = await emulatorWith()));
  after(() => env.close());

  test("a preflight is answered with the allowed headers", async () => {
    const res = await fetch(`${env.emu.url}/relay/api/v1/messages`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.equal(res.headers.get("access-control-allow-headers"), "authorization, content-type, accept");
    assert.match(res.headers.get("access-control-allow-methods"), /POST/);
    assert.deepEqual(await env.ctl("GET", "/requests"), [], "preflights are not recorded");
  });

  test("every answer, errors too, allows any origin", async () => {
    for (const res of [await env.call("GET", "/relay/health"), await post(env, "textlink", "/api/send-sms", {}), await env.call("GET", "/__emulator/requests")]) {
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
    }
  });
});

describe("TextLink", () => {
  let env;
  before(async () => (env = await emulatorWith()));
  after(() => env.close());
  beforeEach(() => env.ctl("POST", "/reset"));

  test("send-sms answers {ok, queued} and the wire request is recorded exactly", async () => {
    const body = { phone_number: "+12125551212", text: "Hello from edgetext", custom_id: "0b30557a-9fc4-490e-b358-7da2c7ec1136" };
    const res = await post(env, "textlink", "/api/send-sms", body);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true, queued: true });
    const [req] = await env.ctl("GET", "/requests");
    assert.equal(req.method, "POST");
    assert.equal(req.path, "/textlink/api/send-sms");
    assert.equal(req.headers.authorization, "Bearer test-textlink-key");
    assert.equal(req.headers["content-type"], "application/json");
    assert.deepEqual(req.body, body);
    const [m] = await stored(env, "textlink");
    assert.equal(m.to, "+12125551212");
    assert.equal(m.customId, body.custom_id);
    assert.equal(m.status, "queued");
  });

  test("send-sms takes sim_card_id and custom_id", async () => {
    const res = await post(env, "textlink", "/api/send-sms", { phone_number: "+381611231234", text: "Dummy message text...", sim_card_id: 7, custom_id: "order-42" });
    assert.deepEqual([res.status, res.body], [200, { ok: true, queued: true }]);
  });

  test("a missing or wrong key is 401 {ok:false}", async () => {
    const body = { phone_number: "+12125551212", text: "x" };
    for (const key of [undefined, "wrong-key"]) {
      const res = await env.call("POST", "/textlink/api/send-sms", { key, body });
      assert.equal(res.status, 401);
      assert.equal(res.body.ok, false);
      assert.equal(typeof res.body.message, "string");
    }
    const basic = await env.call("POST", "/textlink/api/send-sms", { body, headers: { authorization: "Basic dGVzdA==" } });
    assert.equal(basic.status, 401);
    assert.deepEqual(await stored(env, "textlink"), []);
  });

  test("send-sms validates every field", async () => {
    const ok = { phone_number: "+12125551212", text: "hi" };
    await rejects((b) => post(env, "textlink", "/api/send-sms", b), [
      [{ text: "hi" }, "phone_number is required"],
      [{ ...ok, phone_number: "2125551212" }, "phone_number must be an E.164 number with its country prefix, e.g. +11234567890"],
      [{ ...ok, phone_number: 12125551212 }, "phone_number must be a string"],
      [{ phone_number: ok.phone_number }, "text is required"],
      [{ ...ok, text: "" }, "text must not be empty"],
      [{ ...ok, sim_card_id: "7" }, "sim_card_id must be an integer"],
      [{ ...ok, custom_id: 42 }, "custom_id must be a string"],
      [{ ...ok, to: "+12125551212" }, "unknown field to"],
      [{ ...ok, customId: "x" }, "unknown field customId"],
    ], 400);
    assert.deepEqual(await stored(env, "textlink"), []);
  });

  test("a body that is not JSON is refused", async () => {
    const type = await env.call("POST", "/textlink/api/send-sms", { key: KEYS.textlink, raw: '{"phone_number":"+12125551212","text":"x"}', headers: { "content-type": "text/plain" } });
    assert.equal(type.status, 415);
    const broken = await env.call("POST", "/textlink/api/send-sms", { key: KEYS.textlink, raw: "{nope", headers: { "content-type": "application/json" } });
    assert.deepEqual([broken.status, broken.body], [400, { ok: false, message: "body is not valid JSON" }]);
    const array = await post(env, "textlink", "/api/send-sms", [1]);
    assert.deepEqual([array.status, array.body.message], [400, "body must be a JSON object"]);
  });

  test("send-code makes a 6-digit code that verify-code accepts once", async () => {
    const sent = await post(env, "textlink", "/api/send-code", { phone_number: "+11234567890", service_name: "Tribal", custom_id: "otp-1", expiration_time: 300000 });
    assert.equal(sent.status, 200);
    assert.equal(sent.body.ok, true);
    assert.match(sent.body.code, /^\d{6}$/);
    const [m] = await stored(env, "textlink");
    assert.match(m.text, new RegExp(`Tribal.*${sent.body.code}`));
    const wrongCode = sent.body.code === "000000" ? "111111" : "000000";
    assert.deepEqual((await post(env, "textlink", "/api/verify-code", { phone_number: "+11234567890", code: wrongCode })).body, { ok: false, message: "Invalid code" });
    const good = await post(env, "textlink", "/api/verify-code", { phone_number: "+11234567890", code: sent.body.code });
    assert.deepEqual([good.status, good.body], [200, { ok: true }]);
    assert.deepEqual((await post(env, "textlink", "/api/verify-code", { phone_number: "+11234567890", code: sent.body.code })).body, { ok: false, message: "Invalid code" }, "single use");
    assert.deepEqual((await post(env, "textlink", "/api/verify-code", { phone_number: "+19999999999", code: "123456" })).body, { ok: false, message: "Invalid code" });
  });

  test("codes expire after expiration_time milliseconds", async () => {
    const { body } = await post(env, "textlink", "/api/send-code", { phone_number: "+11234567890", expiration_time: 1000, source_country: "US", sim_card_id: 1 });
    env.clock.t += 1001;
    try {
      assert.deepEqual((await post(env, "textlink", "/api/verify-code", { phone_number: "+11234567890", code: body.code })).body, { ok: false, message: "Code expired" });
    } finally {
      env.clock.t = T0;
    }
  });

  test("send-code and verify-code validate their fields", async () => {
    await rejects((b) => post(env, "textlink", "/api/send-code", b), [
      [{}, "phone_number is required"],
      [{ phone_number: "+11234567890", source_country: "us" }, "source_country must be an upper-case ISO 3166 alpha-2 code"],
      [{ phone_number: "+11234567890", expiration_time: "600000" }, "expiration_time must be an integer"],
      [{ phone_number: "+11234567890", expiration_time: 0 }, "expiration_time must be at least 1"],
      [{ phone_number: "+11234567890", service_name: 5 }, "service_name must be a string"],
      [{ phone_number: "+11234567890", length: 6 }, "unknown field length"],
    ], 400);
    await rejects((b) => post(env, "textlink", "/api/verify-code", b), [
      [{ phone_number: "+11234567890" }, "code is required"],
      [{ phone_number: "+11234567890", code: 123456 }, "code must be a string"],
      [{ phone_number: "+11234567890", code: "1", token: "x" }, "unknown field token"],
    ], 400);
  });

  test("update-contect-tag (sic) sets a tag; other paths and methods are refused", async () => {
    const res = await post(env, "textlink", "/api/update-contect-tag", { phone_number: "+11234567890", tag: "VIP" });
    assert.deepEqual([res.status, res.body], [200, { ok: true }]);
    await rejects((b) => post(env, "textlink", "/api/update-contect-tag", b), [
      [{ phone_number: "+11234567890" }, "tag is required"],
      [{ phone_number: "+11234567890", tag: "VIP", name: "Ana" }, "unknown field name"],
    ], 400);
    assert.equal((await post(env, "textlink", "/api/update-contact-tag", { phone_number: "+11234567890", tag: "VIP" })).status, 404);
    const get = await env.call("GET", "/textlink/api/send-sms", { key: KEYS.textlink });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    assert.equal((await env.call("GET", "/nowhere/api")).status, 404);
  });
});

describe("Teklink", () => {
  let env;
  before(async () => (env = await emulatorWith()));
  after(() => env.close());
  beforeEach(() => env.ctl("POST", "/reset"));

  test("a template send with the bearer header is 201 with the documented body", async () => {
    const body = { to_telephone_number: "2125551212", template_id: "1e3fa777-17bf-4400-ba80-81e6ba524734", new_conversation_state: "closed" };
    const res = await tek(env, body);
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { success: true, message: "Message sent", data: [] });
    const [req] = await env.ctl("GET", "/requests");
    assert.equal(req.path, "/teklink/api/v1/channels/chan-1/messages");
    assert.equal(req.headers.accept, "application/json");
    assert.deepEqual(req.body, body);
    const [m] = await stored(env, "teklink");
    assert.equal(m.channel, "chan-1");
    assert.equal(m.to, "2125551212");
  });

  test("api_token in the body authenticates instead of the header, with every optional field", async () => {
    const body = { api_token: KEYS.teklink, to_telephone_number: "2125551212", message_text: "Your table is ready", new_conversation_state: "open", from_name: "Front Desk", duplicate_send_reject_timeout_minutes: 30, force_send: true, send_delay_seconds: 5 };
    const res = await tek(env, body, { key: null });
    assert.deepEqual([res.status, res.body.success], [201, true]);
    assert.equal((await stored(env, "teklink"))[0].text, "Your table is ready");
  });

  test("no credentials, a wrong bearer or a wrong api_token is 401", async () => {
    const body = { to_telephone_number: "2125551212", message_text: "x" };
    for (const [key, extra] of [[null, {}], ["wrong", {}], [null, { api_token: "wrong" }], ["wrong", { api_token: KEYS.teklink }]]) {
      const res = await tek(env, { ...body, ...extra }, { key });
      assert.equal(res.status, 401, JSON.stringify([key, extra]));
      assert.deepEqual(res.body, { success: false, message: "Unauthenticated." });
    }
    assert.deepEqual(await stored(env, "teklink"), []);
  });

  test("Accept and Content-Type must be application/json", async () => {
    const body = { to_telephone_number: "2125551212", message_text: "x" };
    const noAccept = await env.call("POST", "/teklink/api/v1/channels/chan-1/messages", { key: KEYS.teklink, body });
    assert.deepEqual([noAccept.status, noAccept.body.success], [406, false]);
    const html = await tek(env, body, { headers: { accept: "text/html" } });
    assert.equal(html.status, 406);
    const plain = await tek(env, undefined, { raw: JSON.stringify(body), headers: { "content-type": "text/plain" } });
    assert.equal(plain.status, 415);
  });

  test("fields are checked with 422 {success:false, message}", async () => {
    const ok = { to_telephone_number: "2125551212", message_text: "x" };
    await rejects((b) => tek(env, b), [
      [{ message_text: "x" }, "to_telephone_number is required"],
      [{ ...ok, to_telephone_number: "212555121" }, "to_telephone_number must be a 10 digit phone number"],
      [{ ...ok, to_telephone_number: "+12125551212" }, "to_telephone_number must be a 10 digit phone number"],
      [{ ...ok, to_telephone_number: 2125551212 }, "to_telephone_number must be a string"],
      [{ to_telephone_number: "2125551212" }, "template_id or message_text is required"],
      [{ ...ok, message_text: "" }, "message_text must not be empty"],
      [{ ...ok, new_conversation_state: "pending" }, "new_conversation_state must be one of open, closed"],
      [{ ...ok, from_name: 1 }, "from_name must be a string"],
      [{ ...ok, force_send: "yes" }, "force_send must be a boolean"],
      [{ ...ok, send_delay_seconds: -1 }, "send_delay_seconds must be at least 0"],
      [{ ...ok, duplicate_send_reject_timeout_minutes: 1.5 }, "duplicate_send_reject_timeout_minutes must be an integer"],
      [{ ...ok, text: "x" }, "unknown field text"],
    ], 422);
    assert.deepEqual(await stored(env, "teklink"), []);
  });

  test("duplicate_send_reject_timeout_minutes refuses a repeat unless force_send", async () => {
    const body = { to_telephone_number: "2125551212", message_text: "auto reply", duplicate_send_reject_timeout_minutes: 10 };
    assert.equal((await tek(env, body)).status, 201);
    const again = await tek(env, body);
    assert.equal(again.status, 422);
    assert.match(again.body.message, /within the last 10 minutes/);
    assert.equal((await tek(env, { ...body, force_send: true })).status, 201);
    assert.equal((await tek(env, { ...body, duplicate_send_reject_timeout_minutes: 0 })).status, 201, "0 = continuous");
    assert.equal((await stored(env, "teklink")).length, 3);
  });
});

describe("Phone Relay", () => {
  let env;
  before(async () => (env = await emulatorWith()));
  after(() => env.close());
  beforeEach(() => env.ctl("POST", "/reset"));
  const send = (body) => post(env, "relay", "/api/v1/messages", body);
  const sms = { phone_id: "phone_main", channel: "sms", to: "+15551234567", text: "hello", source: "my-app", idempotency_key: "my-unique-id-001" };

  test("a send is 202 with message_id, status and idempotency_key", async () => {
    const res = await send(sms);
    assert.equal(res.status, 202);
    assert.match(res.body.message_id, /^msg_[0-9a-f]{16}$/);
    assert.deepEqual(res.body, { success: true, message_id: res.body.message_id, status: "queued", idempotency_key: "my-unique-id-001" });
    const noKey = await send({ phone_id: "phone_main", channel: "sms", to: "+15551234567", text: "hello" });
    assert.equal(noKey.body.idempotency_key, null);
  });

  test("a repeated idempotency_key is 200 duplicate with the same message_id and no second message", async () => {
    const first = await send(sms);
    const again = await send({ ...sms, text: "hello again" });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { success: true, duplicate: true, message_id: first.body.message_id, status: "queued", idempotency_key: sms.idempotency_key });
    assert.equal((await stored(env, "relay")).length, 1);
    assert.equal((await send({ ...sms, idempotency_key: "other" })).status, 202);
  });

  test("every channel of the document is accepted; email and tg_bot are sent at once", async () => {
    const cases = [
      [{ phone_id: "phone_main", channel: "wa", to: "+15551234567", text: "hello" }, "queued"],
      [{ phone_id: "phone_main", channel: "tg", to: "@name", text: "hello" }, "queued"],
      [{ phone_id: "phone_main", channel: "notify", title: "Alert", text: "hello" }, "queued"],
      [{ phone_id: "phone_main", channel: "notify", subject: "Alert", text: "hello" }, "queued"],
      [{ phone_id: "phone_main", channel: "email", to: "me@example.com", subject: "Hi", text: "hello" }, "sent"],
      [{ phone_id: "phone_main", channel: "tg_bot", to: "123456789", bot_token: "bot-tok", text: "hello" }, "sent"],
      [{ phone_id: "phone_main", channel: "pchat", to: "room-7", text: "hello", idempotency_key: "k-pchat" }, "queued"],
      [{ phone_id: "phone_main", channel: "pchat", text: "hello" }, "queued"],
    ];
    for (const [body, status] of cases) {
      const res = await send(body);
      assert.deepEqual([res.status, res.body.status], [202, status], JSON.stringify(body));
    }
  });

  test("fields are checked with 400 {success:false, error}", async () => {
    await rejects(send, [
      [{ channel: "sms", to: "+15551234567", text: "x" }, "phone_id is required"],
      [{ phone_id: "phone_main", to: "+15551234567", text: "x" }, "channel is required"],
      [{ phone_id: "phone_main", channel: "fax", to: "+1", text: "x" }, "channel must be one of sms, wa, tg, notify, email, tg_bot, pchat"],
      [{ phone_id: "phone_main", channel: "sms", to: "+15551234567" }, "text is required"],
      [{ phone_id: "phone_main", channel: "sms", text: "x" }, "to is required for channel sms"],
      [{ phone_id: "phone_main", channel: "wa", text: "x" }, "to is required for channel wa"],
      [{ phone_id: "phone_main", channel: "tg", text: "x" }, "to is required for channel tg"],
      [{ phone_id: "phone_main", channel: "email", to: "me@example.com", text: "x" }, "subject is required for channel email"],
      [{ phone_id: "phone_main", channel: "tg_bot", to: "1", text: "x" }, "bot_token is required for channel tg_bot"],
      [{ phone_id: "phone_main", channel: "sms", to: 15551234567, text: "x" }, "to must be a string"],
      [{ ...sms, idempotency_key: "" }, "idempotency_key must not be empty"],
      [{ ...sms, priority: "high" }, "unknown field priority"],
    ], 400, "error");
    assert.deepEqual(await stored(env, "relay"), []);
  });

  test("every route, /health too, wants the bearer key", async () => {
    const routes = [
      ["POST", "/api/v1/messages", sms],
      ["GET", "/api/v1/messages"],
      ["GET", "/api/v1/messages/msg_1"],
      ["GET", "/health"],
      ["POST", "/api/v1/webchat/inbound/query", {}],
      ["GET", "/api/v1/webchat/inbound/query"],
      ["GET", "/api/v1/webchat/callbacks/inbound"],
      ["POST", "/api/v1/webchat/callbacks/inbound", { callback_url: "https://example.com/h" }],
      ["DELETE", "/api/v1/webchat/callbacks/inbound", { callback_url: "https://example.com/h" }],
    ];
    for (const [method, path, body] of routes) {
      for (const key of [undefined, "nope"]) {
        const res = await env.call(method, `/relay${path}`, { key, body });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.body.success, false);
        assert.equal(typeof res.body.error, "string");
      }
    }
  });

  test("status by id, 404 for an unknown id, and the newest-first list", async () => {
    const ids = [];
    for (const to of ["+15550000001", "+15550000002", "+15550000003"]) ids.push((await send({ phone_id: "phone_main", channel: "sms", to, text: "x" })).body.message_id);
    const one = await env.call("GET", `/relay/api/v1/messages/${ids[0]}`, { key: KEYS.relay });
    assert.deepEqual(one.body, { success: true, message: { message_id: ids[0], status: "queued", last_error: null, created_at: "2026-02-21T12:00:00+00:00", delivered_at: null } });
    const missing = await env.call("GET", "/relay/api/v1/messages/msg_nope", { key: KEYS.relay });
    assert.deepEqual([missing.status, missing.body], [404, { success: false, error: "message not found" }]);
    const list = await env.call("GET", "/relay/api/v1/messages?limit=2", { key: KEYS.relay });
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 2);
    assert.deepEqual(list.body.messages.map((m) => m.message_id), [ids[2], ids[1]]);
    assert.equal(list.body.messages[0].to, "+15550000003");
    assert.equal((await env.call("GET", "/relay/api/v1/messages", { key: KEYS.relay })).body.count, 3, "limit defaults to 50");
    for (const bad of ["0", "abc", "1001", "-1"]) assert.equal((await env.call("GET", `/relay/api/v1/messages?limit=${bad}`, { key: KEYS.relay })).status, 400, bad);
  });

  test("/health answers ok", async () => {
    const res = await env.call("GET", "/relay/health", { key: KEYS.relay });
    assert.equal(res.status, 200);
    assert.equal(res.body.ok, true);
  });

  test("inbound callbacks are registered, listed, replaced and deleted", async () => {
    const cb = { callback_url: "https://example.com/inbound-hook", channels: ["sms", "wa"], source_filter: "+1555", event_types: ["call", "missed", "answered"], keyword_filter: "support", min_duration_sec: 5, max_duration_sec: 900, callback_token: "secret-token", active: true };
    const reg = await post(env, "relay", "/api/v1/webchat/callbacks/inbound", cb);
    assert.equal(reg.status, 200);
    assert.equal(reg.body.success, true);
    assert.match(reg.body.callback.id, /^cb_[0-9a-f]{12}$/);
    assert.deepEqual({ ...reg.body.callback, id: undefined, created_at: undefined }, { ...cb, id: undefined, created_at: undefined });
    const again = await post(env, "relay", "/api/v1/webchat/callbacks/inbound", { callback_url: cb.callback_url, active: false });
    assert.equal(again.body.callback.id, reg.body.callback.id, "same URL keeps its id");
    assert.equal(again.body.callback.active, false);
    await post(env, "relay", "/api/v1/webchat/callbacks/inbound", { callback_url: "http://127.0.0.1:9/other" });
    const list = await env.call("GET", "/relay/api/v1/webchat/callbacks/inbound", { key: KEYS.relay });
    assert.deepEqual(list.body.callbacks.map((c) => c.callback_url), [cb.callback_url, "http://127.0.0.1:9/other"]);
    const del = await env.call("DELETE", "/relay/api/v1/webchat/callbacks/inbound", { key: KEYS.relay, body: { callback_url: cb.callback_url } });
    assert.deepEqual([del.status, del.body], [200, { success: true, deleted: 1 }]);
    const none = await env.call("DELETE", "/relay/api/v1/webchat/callbacks/inbound", { key: KEYS.relay, body: { callback_url: cb.callback_url } });
    assert.deepEqual(none.body, { success: true, deleted: 0 });
    assert.equal((await env.call("GET", "/relay/api/v1/webchat/callbacks/inbound", { key: KEYS.relay })).body.callbacks.length, 1);
    await rejects((b) => post(env, "relay", "/api/v1/webchat/callbacks/inbound", b), [
      [{ channels: ["sms"] }, "callback_url is required"],
      [{ callback_url: "ftp://x" }, "callback_url must be an http(s) URL"],
      [{ callback_url: "https://x.test", channels: "sms" }, "channels must be an array of strings"],
      [{ callback_url: "https://x.test", event_types: ["message"] }, "event_types may only contain call, missed, answered"],
      [{ callback_url: "https://x.test", active: "yes" }, "active must be a boolean"],
      [{ callback_url: "https://x.test", min_duration_sec: "5" }, "min_duration_sec must be a number"],
      [{ callback_url: "https://x.test", url: "x" }, "unknown field url"],
    ], 400, "error");
    const badDelete = await env.call("DELETE", "/relay/api/v1/webchat/callbacks/inbound", { key: KEYS.relay, body: { id: "cb_1" } });
    assert.deepEqual([badDelete.status, badDelete.body.error], [400, "unknown field id"]);
  });

  test("the inbound query computes the documented shape from stored events and sends", async () => {
    const at = (min) => T0 - min * 60_000;
    const inbound = [
      { provider: "relay", from: "+15551230001", text: "need support", tags: ["vip"], at: at(120) },
      { provider: "relay", from: "+15551230002", text: "hello", channel: "wa", at: at(60) },
      { provider: "relay", from: "+15551230001", eventType: "missed", durationSec: 0, at: at(30) },
      { provider: "relay", from: "+15559990000", eventType: "answered", durationSec: 120, tags: ["support"], at: at(20) },
      { provider: "relay", from: "+442079460958", text: "old", at: at(10 * 24 * 60) },
      { provider: "relay", from: "+15551230003", text: "other phone", phoneId: "phone_2", at: at(5) },
    ];
    for (const e of inbound) assert.equal((await env.call("POST", "/__emulator/inbound", { body: e })).status, 200);
    await send({ phone_id: "phone_main", channel: "sms", to: "+15551230001", text: "on it" });
    const q = async (filter) => {
      const res = await post(env, "relay", "/api/v1/webchat/inbound/query", filter);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const all = await q({ phone_id: "phone_main", range: "7d" });
    assert.deepEqual(all.summary, { inbound_total: 4, calls_total: 2, messages_total: 2, answered_calls: 1, missed_calls: 1, avg_call_duration_sec: 60, median_response_min: 75, channels: { sms: 1, wa: 1 } });
    assert.deepEqual(all.sent_summary, { sent_total: 1, channels: { sms: 1 } });
    assert.deepEqual(all.sent_by_channel, { sms: 1 });
    assert.deepEqual(all.sent_by_day, [{ day: "2026-02-21", count: 1 }]);
    assert.deepEqual(all.sent_by_person, [{ destination: "+15551230001", total: 1, last_sent: "2026-02-21T12:00:00+00:00" }]);
    assert.deepEqual(all.sent_by_tag, [{ tag: "vip", count: 1 }]);
    assert.equal(all.sent_events[0].destination, "+15551230001");
    assert.deepEqual(all.hourly, [{ hour: 10, count: 1 }, { hour: 11, count: 3 }]);
    assert.deepEqual(all.top_contacts[0], { source: "+15551230001", total: 2 });
    assert.deepEqual(Object.keys(all.email_report), ["inbound_total", "sent_total", "top_inbound_senders", "top_sent_recipients", "domains", "by_day"]);
    assert.deepEqual(all.events.map((e) => e.event_type), ["answered", "missed", "message", "message"], "newest first");
    assert.equal(all.events[3].response_min, 120);
    assert.equal(all.count, 4);
    const pick = async (filter) => (await q({ range: "7d", phone_id: "phone_main", ...filter })).events.map((e) => e.source + ":" + e.event_type);
    assert.deepEqual(await pick({ channels: ["wa"] }), ["+15551230002:message"]);
    assert.deepEqual(await pick({ channels: ["sms"], event_types: ["missed"] }), ["+15551230001:missed", "+15551230001:message"]);
    assert.deepEqual(await pick({ tags: ["vip", "support"], tag_mode: "any" }), ["+15559990000:answered", "+15551230001:message"]);
    assert.deepEqual(await pick({ tags: ["vip", "support"], tag_mode: "all" }), []);
    assert.deepEqual(await pick({ source_contains: "999" }), ["+15559990000:answered"]);
    assert.deepEqual(await pick({ min_duration_sec: 10 }), ["+15559990000:answered"]);
    assert.deepEqual(await pick({ has_response: true, sort: "slowest" }), ["+15551230001:message", "+15551230001:missed"]);
    assert.equal((await q({ limit: 1 })).count, 1);
    assert.equal((await q({})).summary.inbound_total, 6, "no range: everything, every phone");
    assert.deepEqual(await pick({ phone_id: "phone_2" }), ["+15551230003:message"]);
    const viaGet = await env.call("GET", "/relay/api/v1/webchat/inbound/query?channels=wa&range=7d", { key: KEYS.relay });
    assert.deepEqual(viaGet.body.events.map((e) => e.source), ["+15551230002"]);
    const documented = { phone_id: "phone_main", range: "7d", channels: ["sms", "wa", "tg"], event_types: ["call", "missed", "answered"], tags: ["vip", "support"], tag_mode: "any", source_contains: "+1555", min_duration_sec: 10, has_response: true, sort: "slowest", limit: 200 };
    assert.equal((await q(documented)).success, true);
    await rejects((b) => post(env, "relay", "/api/v1/webchat/inbound/query", b), [
      [{ range: "yesterday" }, 'range must look like "24h", "7d", "4w" or "all"'],
      [{ tag_mode: "some" }, "tag_mode must be one of any, all"],
      [{ sort: "loudest" }, "sort must be one of newest, oldest, slowest, fastest, longest, shortest"],
      [{ limit: 0 }, "limit must be at least 1"],
      [{ has_response: "true" }, "has_response must be a boolean"],
      [{ phoneId: "phone_main" }, "unknown field phoneId"],
    ], 400, "error");
  });
});

describe("Klink CX", () => {
  let env;
  before(async () => (env = await emulatorWith()));
  after(() => env.close());
  beforeEach(() => env.ctl("POST", "/reset"));
  const send = (body, opts) => post(env, "klink", "/api/v1/messages/send", body, opts);

  test("a send answers the documented envelope with its whole field set", async () => {
    const res = await send({ contactId: CONTACT, messageType: "text", message: "It is your message.", createdAt: "2026-01-08T16:03:39.923Z" });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 200);
    assert.equal(res.body.message, "Message sent successfully");
    const d = res.body.data;
    assert.match(d.id, UUID);
    assert.match(d.roomId, UUID);
    assert.equal(d.createdAt, "2026-02-21T12:00:00.000000Z");
    assert.equal(d.partition_key, "2026_02");
    assert.deepEqual([d.direction, d.type, d.message, d.contactId, d.actorType], ["outgoing", "text", "It is your message.", CONTACT, "api"]);
    const documented = ["id", "createdAt", "updatedAt", "deletedAt", "clientRequestId", "partition_key", "message", "direction", "type", "readAt", "metadata", "platformId", "platformMessageId", "replyPlatformMessageId", "replyReaction", "linkMessageId", "linkMessagePartitionKey", "template", "locale", "url", "previewUrl", "imageSetId", "roomId", "room", "actorId", "actorType", "actor", "uploadId", "upload", "senderId", "workflowRule", "assigneeId", "assignee", "repliedMessage", "editedMessageId", "editedMessagePartitionKey", "editedMessage", "isEdited", "editedAt", "label", "contactId", "receiverMetadata", "attachments"];
    assert.deepEqual(Object.keys(d), documented);
    const second = await send({ contactId: CONTACT.toUpperCase(), messageType: "text", message: "again" });
    assert.equal(second.body.data.roomId, d.roomId, "one room per contact");
    assert.equal((await stored(env, "klink"))[0].id, d.id);
  });

  test("bad input is 400 {status:400, message}; a bad key is 401", async () => {
    const ok = { contactId: CONTACT, messageType: "text", message: "hi" };
    await rejects(send, [
      [{ messageType: "text", message: "hi" }, "contactId is required"],
      [{ ...ok, contactId: "+15551234567" }, "contactId must be a UUID"],
      [{ contactId: CONTACT, message: "hi" }, "messageType is required"],
      [{ ...ok, messageType: "Text" }, 'messageType must be a message type such as "text"'],
      [{ contactId: CONTACT, messageType: "text" }, "message is required"],
      [{ ...ok, message: " " }, "message must not be empty for a text message"],
      [{ ...ok, createdAt: "yesterday" }, "createdAt must be an ISO 8601 time"],
      [{ ...ok, to: "+15551234567" }, "unknown field to"],
    ], 400);
    const res = await send({ contactId: CONTACT, messageType: "text", message: "x" });
    assert.equal(res.status, 200);
    const bad = await send(ok, { key: "kpt_wrong" });
    assert.deepEqual([bad.status, bad.body.status], [401, 401]);
  });
});

describe("message lifecycle", () => {
  let env;
  before(async () => (env = await emulatorWith()));
  after(() => env.close());
  beforeEach(async () => {
    env.clock.t = T0;
    await env.ctl("POST", "/reset");
  });
  const relayStatus = async (id) => (await env.call("GET", `/relay/api/v1/messages/${id}`, { key: KEYS.relay })).body.message;

  test("queued → sending → sent → delivered, with the relay's documented words", async () => {
    const { message_id: id } = (await post(env, "relay", "/api/v1/messages", { phone_id: "p", channel: "sms", to: "+15551234567", text: "x" })).body;
    const seen = [];
    for (const t of [0, 999, 1000, 2000, 3999, 4000]) {
      env.clock.t = T0 + t;
      seen.push((await relayStatus(id)).status);
    }
    assert.deepEqual(seen, ["queued", "queued", "sending", "sent", "sent", "sent"]);
    const done = await relayStatus(id);
    assert.equal(done.delivered_at, "2026-02-21T12:00:04+00:00");
    assert.equal(done.last_error, null);
    const [m] = await stored(env, "relay");
    assert.equal(m.status, "delivered");
    assert.equal(m.deliveredAt, "2026-02-21T12:00:04.000Z");
  });

  test("a recipient ending in the fail digit fails with the carrier's error", async () => {
    const { message_id: id } = (await post(env, "relay", "/api/v1/messages", { phone_id: "p", channel: "sms", to: "+15551234569", text: "x" })).body;
    env.clock.t = T0 + 2000;
    assert.equal((await relayStatus(id)).status, "sent");
    env.clock.t = T0 + 4000;
    assert.deepEqual(await relayStatus(id), { message_id: id, status: "failed", last_error: "Carrier rejected the message", created_at: "2026-02-21T12:00:00+00:00", delivered_at: null });
    await post(env, "textlink", "/api/send-sms", { phone_number: "+12125550199", text: "x" });
    env.clock.t = T0 + 10_000;
    const [tl] = await stored(env, "textlink");
    assert.deepEqual([tl.status, tl.error], ["failed", "Carrier rejected the message"]);
  });

  test("Teklink send_delay_seconds shifts the schedule", async () => {
    await tek(env, { to_telephone_number: "2125551212", message_text: "later", send_delay_seconds: 5 });
    env.clock.t = T0 + 2000;
    assert.equal((await stored(env, "teklink"))[0].status, "queued");
    env.clock.t = T0 + 7000;
    assert.equal((await stored(env, "teklink"))[0].status, "sent");
  });

  test("the failDigit option changes which recipients fail", async () => {
    const other = await emulatorWith({ failDigit: "7" });
    try {
      await post(other, "relay", "/api/v1/messages", { phone_id: "p", channel: "sms", to: "+15551234567", text: "x" });
      await post(other, "relay", "/api/v1/messages", { phone_id: "p", channel: "sms", to: "+15551234569", text: "x" });
      other.clock.t = T0 + 5000;
      assert.deepEqual((await stored(other, "relay")).map((m) => m.status), ["failed", "delivered"]);
    } finally {
      await other.close();
    }
  });
});

describe("webhooks", () => {
  let hooks;
  before(async () => (hooks = await receiver((req) => (req.url.startsWith("/flaky") && hooks.got.filter((g) => g.path.startsWith("/flaky")).length === 1 ? 500 : 200))));
  after(() => hooks.close());
  beforeEach(() => hooks.got.splice(0));
  const withHooks = (webhooks, extra = {}) => emulatorWith({ webhooks, ...extra });

  test("TextLink: sent, then failed, to their own URLs with the secret and custom_id, each once", async () => {
    const env = await withHooks({ textlink: { url: `${hooks.url}/tl`, sentUrl: `${hooks.url}/tl?event=sent`, failedUrl: `${hooks.url}/tl?event=failed`, secret: "tl-hook-secret" } });
    try {
      await post(env, "textlink", "/api/send-sms", { phone_number: "+11234567899", text: "Your order shipped", custom_id: "order-42" });
      await post(env, "textlink", "/api/send-sms", { phone_number: "+11234567890", text: "fine" });
      assert.deepEqual(await env.emu.emulator.tick(), [], "nothing is due while queued");
      env.clock.t = T0 + 2500;
      await env.emu.emulator.tick();
      assert.deepEqual(hooks.got.map((g) => g.path), ["/tl?event=sent", "/tl?event=sent"]);
      assert.deepEqual(hooks.got[0].body, { secret: "tl-hook-secret", phone_number: "+11234567899", text: "Your order shipped", timestamp: T0 + 2000, sent: true, received: false, portal: false, custom_id: "order-42" });
      assert.equal("custom_id" in hooks.got[1].body, false, "no custom_id given, none sent");
      env.clock.t = T0 + 7500;
      const deliveries = (await env.ctl("POST", "/tick")).deliveries;
      assert.deepEqual(deliveries.map((d) => [d.kind, d.status, d.ok]), [["failed", 200, true]]);
      assert.deepEqual(hooks.got[2].body, { secret: "tl-hook-secret", phone_number: "+11234567899", text: "Your order shipped", timestamp: T0 + 4000, sent: true, received: false, portal: false, custom_id: "order-42", message: "Carrier rejected the message" });
      assert.equal(hooks.got[2].path, "/tl?event=failed");
      assert.deepEqual(await env.emu.emulator.tick(), [], "never twice");
      const log = await env.ctl("GET", "/webhooks");
      assert.equal(log.length, 3);
      assert.deepEqual(Object.keys(log[0]).sort(), ["at", "body", "error", "headers", "kind", "ok", "provider", "response", "status", "url"]);
    } finally {
      await env.close();
    }
  });

  test("TextLink: a tag change posts the tag webhook on the next tick", async () => {
    const env = await withHooks({ textlink: { url: `${hooks.url}/tl`, tagUrl: `${hooks.url}/tl?event=tag`, secret: "s" } });
    try {
      await post(env, "textlink", "/api/update-contect-tag", { phone_number: "+11234567890", tag: "VIP" });
      await env.emu.emulator.tick();
      assert.deepEqual(hooks.got.map((g) => [g.path, g.body]), [["/tl?event=tag", { secret: "s", phone_number: "+11234567890", tag: "VIP", timestamp: T0 }]]);
      await env.emu.emulator.tick();
      assert.equal(hooks.got.length, 1);
    } finally {
      await env.close();
    }
  });

  test("Klink: message.outbound and message.failed, signed with x-signature", async () => {
    const env = await withHooks({ klink: { url: `${hooks.url}/klink`, secret: "klink-signing-secret" } });
    try {
      const failing = CONTACT.slice(0, -1) + "9";
      const res = await post(env, "klink", "/api/v1/messages/send", { contactId: failing, messageType: "text", message: "hi" });
      env.clock.t = T0 + 5000;
      await env.emu.emulator.tick();
      assert.deepEqual(hooks.got.map((g) => g.body.event), ["message.outbound", "message.failed"]);
      for (const g of hooks.got) {
        assert.equal(g.headers["x-signature"], createHmac("sha256", "klink-signing-secret").update(g.raw).digest("hex"));
        assert.equal(g.body.data.id, res.body.data.id);
        assert.equal(g.body.data.contactId, failing);
      }
      assert.equal(hooks.got[0].body.timestamp, "2026-02-21T12:00:02.000000Z");
      assert.equal(hooks.got[1].body.data.error, "Carrier rejected the message");
    } finally {
      await env.close();
    }
  });

  test("Relay and Teklink: a status post per change, the relay's with its bearer token", async () => {
    const env = await withHooks({ relay: { url: `${hooks.url}/relay`, token: "relay-token" }, teklink: { url: `${hooks.url}/webhooks/teklink/tek-secret` } });
    try {
      const { message_id: id } = (await post(env, "relay", "/api/v1/messages", { phone_id: "p", channel: "sms", to: "+15551234569", text: "x" })).body;
      await tek(env, { to_telephone_number: "2125551212", message_text: "hello" });
      env.clock.t = T0 + 1500;
      await env.emu.emulator.tick();
      env.clock.t = T0 + 5000;
      await env.emu.emulator.tick();
      const relay = hooks.got.filter((g) => g.path === "/relay");
      assert.deepEqual(relay.map((g) => g.body.status), ["sending", "sent", "failed"]);
      assert.ok(relay.every((g) => g.headers.authorization === "Bearer relay-token"));
      assert.deepEqual(relay[2].body, { event_type: "status", message_id: id, status: "failed", last_error: "Carrier rejected the message", created_at: "2026-02-21T12:00:00+00:00", delivered_at: null, channel: "sms", to: "+15551234569" });
      const teklink = hooks.got.filter((g) => g.path === "/webhooks/teklink/tek-secret");
      assert.deepEqual(teklink.map((g) => g.body.status), ["sending", "sent", "delivered"]);
      assert.deepEqual(Object.keys(teklink[0].body), ["id", "from_telephone_number", "to_telephone_number", "message_text", "status"]);
      assert.deepEqual([teklink[0].body.to_telephone_number, teklink[0].body.message_text], ["2125551212", "hello"]);
    } finally {
      await env.close();
    }
  });

  test("a failed delivery is logged and retried on the next tick, in order", async () => {
    const env = await withHooks({ textlink: { url: `${hooks.url}/flaky`, secret: "s" } });
    try {
      await post(env, "textlink", "/api/send-sms", { phone_number: "+11234567899", text: "x" });
      env.clock.t = T0 + 5000;
      const first = await env.emu.emulator.tick();
      assert.deepEqual(first.map((d) => [d.kind, d.status, d.ok]), [["sent", 500, false]], "failed waits for sent");
      const second = await env.emu.emulator.tick();
      assert.deepEqual(second.map((d) => [d.kind, d.status]), [["sent", 200], ["failed", 200]]);
      assert.deepEqual((await env.ctl("GET", "/webhooks")).map((d) => d.status), [500, 200, 200]);
    } finally {
      await env.close();
    }
  });

  test("TextLink counts only HTTP 200 as delivered; an unreachable receiver is logged", async () => {
    const created = await receiver(() => 201);
    const env = await withHooks({ textlink: { url: created.url, secret: "s" }, relay: { url: "http://127.0.0.1:9/unreachable", token: "t" } });
    try {
      await post(env, "textlink", "/api/send-sms", { phone_number: "+11234567890", text: "x" });
      await post(env, "relay", "/api/v1/messages", { phone_id: "p", channel: "email", to: "a@b.co", subject: "s", text: "x" });
      const log = await env.emu.emulator.tick();
      env.clock.t = T0 + 2000;
      const [sent, relay] = await env.emu.emulator.tick();
      assert.equal(log.length, 1);
      assert.equal(log[0].ok, false);
      assert.equal(log[0].status, null);
      assert.match(log[0].error, /fetch failed|ECONNREFUSED/);
      assert.deepEqual([sent.status, sent.ok], [201, false]);
      assert.equal(relay.provider, "relay");
    } finally {
      await env.close();
      await created.close();
    }
  });
});

describe("inbound simulation", () => {
  let hooks, env;
  before(async () => {
    hooks = await receiver();
    env = await emulatorWith({
      webhooks: {
        textlink: { url: `${hooks.url}/tl`, receivedUrl: `${hooks.url}/tl?event=received`, secret: "tl-hook-secret" },
        teklink: { url: `${hooks.url}/webhooks/teklink/tek` },
        relay: { url: `${hooks.url}/relay`, token: "relay-token" },
        klink: { url: `${hooks.url}/klink`, secret: "ks" },
      },
    });
  });
  after(async () => {
    await env.close();
    await hooks.close();
  });
  beforeEach(async () => {
    hooks.got.splice(0);
    await env.ctl("POST", "/reset");
  });

  test("TextLink: a received-message webhook", async () => {
    const { deliveries } = await env.emu.emulator.simulateInbound({ provider: "textlink", from: "+11234567890", text: "Working!" });
    assert.deepEqual(deliveries.map((d) => d.status), [200]);
    assert.deepEqual(hooks.got[0].path, "/tl?event=received");
    assert.deepEqual(hooks.got[0].body, { secret: "tl-hook-secret", phone_number: "+11234567890", text: "Working!", timestamp: T0, received: true, sent: false });
  });

  test("Klink: a signed message.inbound", async () => {
    await env.emu.emulator.simulateInbound({ provider: "klink", from: CONTACT, text: "Hi there" });
    const [g] = hooks.got;
    assert.equal(g.headers["x-signature"], createHmac("sha256", "ks").update(g.raw).digest("hex"));
    assert.equal(g.body.event, "message.inbound");
    assert.equal(g.body.timestamp, "2026-02-21T12:00:00.000000Z");
    assert.deepEqual({ ...g.body.data, id: 0, roomId: 0 }, { id: 0, createdAt: "2026-02-21T12:00:00.000000Z", message: "Hi there", direction: "incoming", type: "text", contactId: CONTACT, roomId: 0 });
  });

  test("Teklink: an inbound message to the channel's number", async () => {
    await env.emu.emulator.simulateInbound({ provider: "teklink", from: "2125551212", to: "6465550000", text: "STOP" });
    const [g] = hooks.got;
    assert.equal(g.path, "/webhooks/teklink/tek");
    assert.deepEqual({ ...g.body, id: 0 }, { id: 0, from_telephone_number: "2125551212", to_telephone_number: "6465550000", message_text: "STOP" });
  });

  test("Relay: to the configured URL and to each matching registered callback with its token", async () => {
    await post(env, "relay", "/api/v1/webchat/callbacks/inbound", { callback_url: `${hooks.url}/cb-wa`, channels: ["wa"], keyword_filter: "HELP", callback_token: "cb-token" });
    await post(env, "relay", "/api/v1/webchat/callbacks/inbound", { callback_url: `${hooks.url}/cb-off`, active: false });
    await post(env, "relay", "/api/v1/webchat/callbacks/inbound", { callback_url: `${hooks.url}/cb-calls`, event_types: ["missed"], min_duration_sec: 0 });
    const res = await env.call("POST", "/__emulator/inbound", { body: { provider: "relay", from: "+15551234567", channel: "wa", text: "need help" } });
    assert.equal(res.status, 200);
    assert.equal(res.body.event.channel, "wa");
    assert.deepEqual(hooks.got.map((g) => [g.path, g.headers.authorization]), [["/relay", "Bearer relay-token"], ["/cb-wa", "Bearer cb-token"]]);
    assert.deepEqual({ ...hooks.got[0].body, message_id: 0 }, { event_type: "message", channel: "wa", source: "+15551234567", text: "need help", message_id: 0, created_at: "2026-02-21T12:00:00+00:00", phone_id: "phone_main" });
    hooks.got.splice(0);
    await env.emu.emulator.simulateInbound({ provider: "relay", from: "+15551234567", eventType: "missed", durationSec: 0 });
    assert.deepEqual(hooks.got.map((g) => g.path), ["/relay", "/cb-calls"]);
    assert.equal(hooks.got[0].body.channel, "call");
    assert.equal(hooks.got[0].body.duration_sec, 0);
  });

  test("inbound events are listed among the messages; bad input is 400", async () => {
    await env.emu.emulator.simulateInbound({ provider: "textlink", from: "+11234567890", text: "yo" });
    const { textlink } = await env.ctl("GET", "/messages");
    assert.deepEqual(textlink.map((m) => [m.direction, m.from, m.text]), [["inbound", "+11234567890", "yo"]]);
    for (const [body, error] of [
      [{ provider: "sms", from: "+1", text: "x" }, "provider must be one of textlink, teklink, relay, klink"],
      [{ provider: "textlink", text: "x" }, "from is required"],
      [{ provider: "textlink", from: "+11234567890" }, "text is required"],
      [{ provider: "relay", from: "+1", eventType: "fax" }, "eventType must be one of message, call, missed, answered"],
      [{ provider: "textlink", from: "+1", text: "x", body: "y" }, "unknown field body"],
    ]) {
      const res = await env.call("POST", "/__emulator/inbound", { body });
      assert.deepEqual([res.status, res.body], [400, { ok: false, error }]);
    }
  });
});

describe("faults", () => {
  let env;
  before(async () => (env = await emulatorWith()));
  after(() => env.close());
  beforeEach(() => env.ctl("POST", "/reset"));
  const fault = (spec) => env.call("POST", "/__emulator/faults", { body: spec });
  const sms = { phone_number: "+12125551212", text: "x" };
  const sendSms = () => post(env, "textlink", "/api/send-sms", sms);

  test("429 answers Retry-After and takes nothing, once", async () => {
    const added = await fault({ provider: "textlink", path: "/api/send-sms", kind: "429", retryAfter: 7 });
    assert.equal(added.status, 201);
    assert.deepEqual({ ...added.body.fault, id: 0 }, { id: 0, provider: "textlink", path: "/api/send-sms", kind: "429", times: 1, retryAfter: 7, delayMs: 1000 });
    const limited = await sendSms();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "7");
    assert.deepEqual(limited.body, { ok: false, message: "Too many requests" });
    assert.deepEqual(await stored(env, "textlink"), []);
    assert.equal((await sendSms()).status, 200, "times defaults to 1");
    assert.equal((await stored(env, "textlink")).length, 1);
    assert.deepEqual(await env.ctl("GET", "/faults"), []);
  });

  test("503_before takes nothing; 500_after stores the message and then fails", async () => {
    await fault({ provider: "relay", path: "/api/v1/messages", kind: "503_before" });
    const body = { phone_id: "p", channel: "sms", to: "+15551234567", text: "x", idempotency_key: "k1" };
    const unavailable = await post(env, "relay", "/api/v1/messages", body);
    assert.deepEqual([unavailable.status, unavailable.body.success], [503, false]);
    assert.deepEqual(await stored(env, "relay"), []);
    await fault({ provider: "relay", path: "/api/v1/messages", kind: "500_after" });
    const failed = await post(env, "relay", "/api/v1/messages", body);
    assert.deepEqual([failed.status, failed.body], [500, { success: false, error: "Internal server error" }]);
    assert.equal((await stored(env, "relay")).length, 1, "taken");
    const retry = await post(env, "relay", "/api/v1/messages", body);
    assert.deepEqual([retry.status, retry.body.duplicate], [200, true], "a retry with the same key is a duplicate");
  });

  test("drop_before: the connection drops and nothing is taken", async () => {
    await fault({ provider: "klink", path: "/api/v1/messages/send", kind: "drop_before" });
    await assert.rejects(post(env, "klink", "/api/v1/messages/send", { contactId: CONTACT, messageType: "text", message: "x" }));
    assert.deepEqual(await stored(env, "klink"), []);
    assert.equal((await env.ctl("GET", "/requests")).length, 1, "the attempt is recorded");
  });

  test("drop_after: the connection drops after the message is taken", async () => {
    await fault({ provider: "teklink", path: "/api/v1/channels/*", kind: "drop_after" });
    await assert.rejects(tek(env, { to_telephone_number: "2125551212", message_text: "x" }));
    assert.equal((await stored(env, "teklink")).length, 1);
  });

  test("slow answers after delayMs, times counts down, and a fault hits only its path", async () => {
    await fault({ provider: "textlink", path: "/api/send-sms", kind: "slow", delayMs: 300, times: 2 });
    assert.equal((await post(env, "textlink", "/api/update-contect-tag", { phone_number: "+11234567890", tag: "a" })).status, 200);
    for (let i = 0; i < 3; i++) {
      const start = Date.now();
      assert.equal((await sendSms()).status, 200);
      const took = Date.now() - start;
      if (i < 2) assert.ok(took >= 290, `slow ${i}: ${took} ms`);
      else assert.ok(took < 250, `fast again: ${took} ms`);
    }
    assert.equal((await stored(env, "textlink")).length, 3, "slow sends are taken");
  });

  test("a fault without a path hits any route; a fault is only for its provider", async () => {
    await env.emu.emulator.addFault({ provider: "relay", kind: "503_before" });
    assert.equal((await post(env, "textlink", "/api/send-sms", sms)).status, 200);
    assert.equal((await env.call("GET", "/relay/health", { key: KEYS.relay })).status, 503);
    assert.equal((await env.call("GET", "/relay/health", { key: KEYS.relay })).status, 200);
  });

  test("bad fault specs are 400; faults can be listed and cleared", async () => {
    for (const [spec, error] of [
      [{ provider: "textlink", kind: "418" }, "kind must be one of 429, 503_before, 500_after, drop_before, drop_after, slow"],
      [{ kind: "429" }, "provider is required"],
      [{ provider: "textlink", kind: "429", times: 0 }, "times must be at least 1"],
      [{ provider: "textlink", kind: "429", path: "api" }, 'path must start with "/" (a trailing * matches any rest)'],
    ]) {
      const res = await fault(spec);
      assert.deepEqual([res.status, res.body], [400, { ok: false, error }]);
    }
    await fault({ provider: "textlink", kind: "429", times: 5 });
    assert.equal((await env.ctl("GET", "/faults")).length, 1);
    await env.call("DELETE", "/__emulator/faults");
    assert.deepEqual(await env.ctl("GET", "/faults"), []);
    assert.equal((await sendSms()).status, 200);
  });

  test("close() does not wait for a slow answer", async () => {
    const other = await emulatorWith();
    await other.emu.emulator.addFault({ provider: "relay", kind: "slow", delayMs: 60_000 });
    const pending = other.call("GET", "/relay/health", { key: KEYS.relay }).then(() => "answered", () => "dropped");
    while (!(await other.emu.emulator.requests()).length) await new Promise((r) => setTimeout(r, 10));
    const start = Date.now();
    await other.close();
    assert.equal(await pending, "dropped");
    assert.ok(Date.now() - start < 2000);
  });
});

describe("core", () => {
  test("reset forgets requests, messages, faults and webhooks", async () => {
    const env = await emulatorWith();
    try {
      await post(env, "textlink", "/api/send-sms", { phone_number: "+12125551212", text: "x" });
      await env.emu.emulator.addFault({ provider: "textlink", kind: "429" });
      assert.deepEqual(await env.ctl("POST", "/reset"), { ok: true });
      assert.deepEqual(await env.ctl("GET", "/requests"), []);
      assert.deepEqual(await env.ctl("GET", "/messages"), { textlink: [], teklink: [], relay: [], klink: [] });
      assert.deepEqual(await env.ctl("GET", "/faults"), []);
      assert.deepEqual(await env.ctl("GET", "/webhooks"), []);
      assert.equal((await env.call("GET", "/__emulator/nothing")).status, 404);
    } finally {
      await env.close();
    }
  });

  test("handle() works without a server, below a mount prefix, with its own keys and store", async () => {
    const store = memoryStore();
    const emu = createEmulator({ store, prefix: "/sandbox", keys: { relay: "k" }, now: () => T0 });
    const req = (path, init = {}) => emu.handle(new Request(`https://demo.example${path}`, init));
    assert.equal((await req("/relay/health", { headers: { authorization: "Bearer k" } })).status, 404, "outside the prefix");
    assert.equal((await req("/sandbox/relay/health", { headers: { authorization: "Bearer test-relay-key" } })).status, 401);
    const ok = await req("/sandbox/relay/health", { headers: { authorization: "Bearer k" } });
    assert.deepEqual([ok.status, (await ok.json()).ok], [200, true]);
    assert.equal((await req("/sandbox/__emulator/requests")).status, 200);
    await emu.addFault({ provider: "relay", kind: "drop_before" });
    const dropped = await req("/sandbox/relay/health", { headers: { authorization: "Bearer k" } });
    assert.equal(isDropped(dropped), true);
    assert.equal(dropped.headers.get(DROP_HEADER), "1");
    assert.ok((await store.list("req:")).length === 3, "state lives in the given store");
  });

  test("memoryStore keeps copies and lists by prefix in key order", async () => {
    const s = memoryStore();
    const v = { a: [1] };
    await s.put("x:2", v);
    await s.put("x:1", { b: 2 });
    await s.put("y:1", 3);
    v.a.push(2);
    assert.deepEqual(await s.get("x:2"), { a: [1] });
    assert.deepEqual(await s.list("x:"), [["x:1", { b: 2 }], ["x:2", { a: [1] }]]);
    assert.equal(await s.get("nope"), undefined);
    await s.delete("x:1");
    assert.deepEqual((await s.list("")).map(([k]) => k), ["x:2", "y:1"]);
  });
});
