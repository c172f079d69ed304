// The webhook worker under workerd: every payload kind of every provider,
// credentials, redeliveries, hostile bodies and reads. Integrity, the
// outbox, retention and forwarding are in integrity.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startWorker, root } from "./harness.mjs";

const fixture = (name) => readFileSync(join(root, "tests", "fixtures", "webhooks", name), "utf8").trim();
const sign = (body, secret = "klink-signing-secret") => createHmac("sha256", secret).update(body).digest("hex");

let w;
const statuses = [];
async function post(path, body, headers = {}) {
  const res = await w.mf.dispatchFetch(`http://worker${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  statuses.push(res.status);
  return { status: res.status, json: await res.json().catch(() => null) };
}
async function get(path, token = "reader-token") {
  const res = await w.mf.dispatchFetch(`http://worker${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  statuses.push(res.status);
  return { status: res.status, json: await res.json().catch(() => null) };
}
const count = async () => (await w.db.prepare("SELECT COUNT(*) AS n FROM events").first()).n;

before(async () => {
  w = await startWorker();
});
after(async () => {
  await w?.mf.dispose();
  assert.ok(statuses.length > 40);
  assert.ok(statuses.every((s) => s < 500), `no 5xx: ${statuses.join(",")}`);
});

test("every TextLink webhook is stored once, and a status is built from them", async () => {
  const before = await count();
  for (const [name, event] of [["textlink-received.json", ""], ["textlink-tag.json", ""], ["textlink-sent.json", "?event=sent"], ["textlink-failed.json", "?event=failed"]]) {
    const r = await post(`/webhooks/textlink${event}`, fixture(name));
    assert.deepEqual([r.status, r.json], [200, { ok: true, events: 1 }], name);
  }
  const again = await post("/webhooks/textlink?event=failed", fixture("textlink-failed.json"));
  assert.deepEqual([again.status, again.json], [200, { ok: true, events: 1 }], "a redelivery is still answered 200");
  assert.equal(await count(), before + 4, "and stored once");
  const s = await get("/v1/status/textlink/order-42");
  assert.equal(s.status, 200);
  assert.equal(s.json.status, "failed");
  assert.equal(s.json.error, "SIM card has no signal");
  assert.equal(s.json.provider, "textlink");
  // A late "sent" never overwrites "failed".
  await post("/webhooks/textlink?event=sent", fixture("textlink-sent.json").replace("1748455363370", "1748455399999"));
  assert.equal((await get("/v1/status/textlink/order-42")).json.status, "failed");
  assert.equal((await get("/v1/status/order-42")).status, 404, "the one status route names the provider");
});

// Every fixture of every provider: accepted with its credential (events
// stored, secrets left out), refused without it (nothing stored), and stored
// once when delivered again.
const KINDS = [
  ["textlink-received.json", "/webhooks/textlink?event=received", {}, 1, "message.received"],
  ["textlink-sent.json", "/webhooks/textlink?event=sent", {}, 1, "message.sent"],
  ["textlink-failed.json", "/webhooks/textlink?event=failed", {}, 1, "message.failed"],
  ["textlink-tag.json", "/webhooks/textlink?event=tag", {}, 1, "contact.tag_changed"],
  ["relay-message.json", "/webhooks/relay", { authorization: "Bearer relay-token" }, 1, "message.received"],
  ["relay-answered.json", "/webhooks/relay", { "x-callback-token": "relay-token" }, 1, "call.answered"],
  ["relay-missed-token-in-body.json", "/webhooks/relay", {}, 1, "call.missed"],
  ["klink-inbound.json", "/webhooks/klink", "sign", 1, "message.received"],
  ["klink-outbound.json", "/webhooks/klink", "sign", 1, "message.sent"],
  ["klink-contact-create.json", "/webhooks/klink", "sign", 0, null],
  ["teklink-inbound.json", "/webhooks/teklink/tek-path-secret", {}, 1, "message.received"],
];
const SECRET_VALUES = ["tl-hook-secret", "relay-token", "klink-signing-secret", "tek-path-secret"];

test("every payload kind: accepted with its credential, refused without, stored once", async () => {
  const shared = w;
  w = await startWorker(); // empty storage: every first delivery is new
  try {
    await everyKind();
  } finally {
    await w.mf.dispose();
    w = shared;
  }
});

async function everyKind() {
  for (const [name, path, creds, n, type] of KINDS) {
    const body = fixture(name);
    const headers = creds === "sign" ? { "x-signature": sign(body) } : creds;
    const before = await count();

    // The same body with the credential spoiled: a wrong secret field, token, signature or path.
    const spoiled = name === "relay-missed-token-in-body.json" || name.startsWith("textlink")
      ? [path, body.replace(/"(secret|callback_token)":"[^"]*"/, '"$1":"wrong"'), headers]
      : creds === "sign" ? [path, body, { "x-signature": sign(body, "wrong") }]
      : name.startsWith("relay") ? [path, body, Object.fromEntries(Object.keys(headers).map((k) => [k, k === "authorization" ? "Bearer wrong" : "wrong"]))]
      : [path.replace("tek-path-secret", "tek-path-secreT"), body, headers];
    assert.notEqual(spoiled[1] + JSON.stringify(spoiled[2]) + spoiled[0], body + JSON.stringify(headers) + path, `${name}: the credential was spoiled`);
    const refused = await post(...spoiled);
    assert.equal(refused.status, 401, `${name} with a bad credential`);
    assert.equal(await count(), before, `${name}: nothing stored when refused`);

    const first = await post(path, body, headers);
    assert.deepEqual([first.status, first.json], [200, { ok: true, events: n }], name);
    assert.equal(await count(), before + n, `${name}: stored`);
    const again = await post(path, body, headers);
    assert.deepEqual([again.status, again.json], [200, { ok: true, events: n }], `${name} redelivered`);
    assert.equal(await count(), before + n, `${name}: stored once`);

    if (n) {
      const { events } = (await get("/v1/events?limit=1")).json;
      assert.equal(events[0].type, type, name);
      assert.equal(events[0].provider, path.split("/")[2].split("?")[0], name);
      const stored = JSON.stringify(events[0]);
      for (const secret of SECRET_VALUES) assert.ok(!stored.includes(secret), `${name}: the stored event holds no secret`);
    }
  }
}

test("relay callbacks with the token in each place it may travel", async () => {
  assert.equal((await post("/webhooks/relay", fixture("relay-message.json"), { authorization: "Bearer relay-token" })).status, 200);
  assert.equal((await post("/webhooks/relay", fixture("relay-answered.json"), { "x-callback-token": "relay-token" })).status, 200);
  assert.equal((await post("/webhooks/relay", fixture("relay-missed-token-in-body.json"))).status, 200);
  assert.equal((await post("/webhooks/relay", fixture("relay-message.json"))).status, 401);
  assert.equal((await post("/webhooks/relay", fixture("relay-message.json"), { authorization: "Bearer wrong" })).status, 401);
  const { json } = await get("/v1/events?limit=3");
  assert.deepEqual(json.events.map((e) => e.type).sort(), ["call.answered", "call.missed", "message.received"]);
  assert.ok(json.events.every((e) => !JSON.stringify(e).includes("relay-token")), "tokens are never stored");
});

test("klink envelopes are checked against x-signature over the raw body", async () => {
  const body = fixture("klink-inbound.json");
  assert.equal((await post("/webhooks/klink", body, { "x-signature": sign(body) })).status, 200);
  assert.equal((await post("/webhooks/klink", body, { "x-signature": sign(body, "other") })).status, 401);
  assert.equal((await post("/webhooks/klink", body)).status, 401);
  assert.equal((await post("/webhooks/klink", body + " ", { "x-signature": sign(body) })).status, 401);
  const out = fixture("klink-outbound.json");
  assert.equal((await post("/webhooks/klink", out, { "x-signature": sign(out) })).status, 200);
  const s = await get("/v1/status/klink/5c1f6a5e-2f5c-4b8a-9a53-8c3f0b7e6d21");
  assert.equal(s.json.status, "sent");
  const other = fixture("klink-contact-create.json");
  assert.deepEqual((await post("/webhooks/klink", other, { "x-signature": sign(other) })).json, { ok: true, events: 0 });
});

test("teklink carries its secret in the path", async () => {
  const body = fixture("teklink-inbound.json");
  assert.equal((await post("/webhooks/teklink/tek-path-secret", body)).status, 200);
  assert.equal((await post("/webhooks/teklink/wrong", body)).status, 401);
  assert.equal((await post("/webhooks/teklink", body)).status, 401);
  assert.equal((await post("/webhooks/teklink/tek-path-secret/extra", body)).status, 404);
});

test("malformed and hostile bodies get 4xx, never 5xx", async () => {
  const tek = (body, headers) => post("/webhooks/teklink/tek-path-secret", body, headers);
  assert.equal((await tek("not json")).status, 400);
  assert.equal((await tek("[1,2,3]")).status, 400);
  assert.equal((await tek('{"from":{"deep":true}}')).status, 400);
  assert.equal((await tek(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).status, 400, "invalid UTF-8");
  assert.equal((await tek(`{"x":${"[".repeat(10000)}${"]".repeat(10000)}}`)).status, 400, "nested deeper than 64 levels");
  assert.equal((await tek(`{"x":"${"a".repeat(70 * 1024)}"}`)).status, 413);
  const r = await tek("x".repeat(65 * 1024), { "content-length": String(65 * 1024) });
  assert.equal(r.status, 413);
  const good = fixture("textlink-received.json");
  assert.equal((await post("/webhooks/textlink", good.replace("1748455363370", "99999999999999999999"))).status, 400, "absurd timestamp");
  assert.equal((await post("/webhooks/textlink", good.replace("1748455363370", "-1"))).status, 400);
  assert.equal((await post("/webhooks/textlink", good.replace('"received":true', '"received":"yes"'))).status, 400);
  assert.equal((await post("/webhooks/textlink", "")).status, 401, "no body, no secret");
  assert.equal(r.json.ok, false);
  assert.equal(typeof r.json.error, "string");
});

test("routes: unknown provider 404, wrong method 405, reads need the token", async () => {
  assert.equal((await post("/webhooks/twilio", "{}")).status, 404);
  const res = await w.mf.dispatchFetch("http://worker/webhooks/textlink");
  statuses.push(res.status);
  assert.equal(res.status, 405);
  assert.equal((await get("/v1/events", null)).status, 401);
  assert.equal((await get("/v1/events", "wrong")).status, 401);
  assert.equal((await get("/v1/status/relay/nope")).status, 404);
  assert.equal((await get("/v1/status/twilio/nope")).status, 404);
  assert.equal((await get("/v1/events?since=yesterday")).status, 400);
  assert.equal((await get("/nothing-here")).status, 404);
});

test("a provider whose secret is not set is refused, never accepted", async () => {
  const bare = await startWorker({ TEXTLINK_WEBHOOK_SECRET: "" });
  try {
    const res = await bare.mf.dispatchFetch("http://worker/webhooks/textlink", { method: "POST", body: fixture("textlink-received.json") });
    assert.equal(res.status, 401);
  } finally {
    await bare.mf.dispose();
  }
});

test("events are listed newest first, with limit and since", async () => {
  const { json } = await get("/v1/events?limit=2");
  assert.equal(json.events.length, 2);
  const all = (await get("/v1/events?limit=500")).json.events;
  assert.equal(all.length, await count());
  const since = (await get("/v1/events?since=2026-01-01T00:00:00Z&limit=500")).json.events;
  assert.ok(since.length > 0 && since.every((e) => e.occurredAt > "2026-01-01T00:00:00Z"));
});
