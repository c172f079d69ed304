// The demo worker's own routes under `wrangler dev`: the sandbox speaks each
// provider's API as the emulator does (it is the emulator, in a Durable
// Object), moves messages along over seconds by itself, posts webhooks the
// worker accepts, keeps secrets out of its answers; the page's proxy and
// config; and no bad input gets a 5xx.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startDemo, freePort, root, TOKEN_HEADER } from "../../scripts/demo.mjs";
import { rawRequest } from "./http.mjs";

let demo;
const statuses = [];
/** This start's secrets: the webhook secrets, the reader token, the page's token, OTP_SECRET. */
const secrets = () => Object.values(demo.secrets);

before(async () => {
  const dir = join(root, "test-output", "demo", "state-sandbox");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  demo = await startDemo({ port: await freePort(), persistTo: dir });
});
after(async () => {
  await demo?.stop();
  assert.ok(statuses.length > 20);
  assert.ok(statuses.every((s) => s < 500), `no 5xx: ${statuses.join(",")}`);
});

/** A request as the demo's page makes it: with this start's token (`token: null` leaves it out). */
async function call(method, path, { body, headers: given = {}, raw, token = demo.token } = {}) {
  const headers = token === null ? given : { [TOKEN_HEADER]: token, ...given };
  const res = await fetch(`${demo.url}${path}`, {
    method,
    headers: body === undefined && raw === undefined ? headers : { "content-type": "application/json", ...headers },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  statuses.push(res.status);
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text, headers: res.headers };
}
const bearer = (key) => ({ authorization: `Bearer ${key}` });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("each provider's API as documented, with the sandbox keys", async () => {
  // TextLink
  assert.deepEqual((await call("POST", "/sandbox/textlink/api/send-sms", { body: { phone_number: "+12125550123", text: "hi" }, headers: bearer("wrong") })).json,
    { ok: false, message: "Unauthorized: invalid or missing API key" });
  assert.deepEqual((await call("POST", "/sandbox/textlink/api/send-sms", { body: { phone_number: "2125550123", text: "hi" }, headers: bearer("test-textlink-key") })).status, 400);
  assert.deepEqual((await call("POST", "/sandbox/textlink/api/send-sms", { body: { phone_number: "+12125550123", text: "hi" }, headers: bearer("test-textlink-key") })).json, { ok: true, queued: true });
  const code = (await call("POST", "/sandbox/textlink/api/send-code", { body: { phone_number: "+12125550124", service_name: "Acme" }, headers: bearer("test-textlink-key") })).json.code;
  assert.match(code, /^\d{6}$/);
  assert.deepEqual((await call("POST", "/sandbox/textlink/api/verify-code", { body: { phone_number: "+12125550124", code }, headers: bearer("test-textlink-key") })).json, { ok: true });
  // Teklink: Accept must be JSON, 201 with no id.
  const tek = { to_telephone_number: "2125550123", message_text: "hi" };
  assert.equal((await call("POST", "/sandbox/teklink/api/v1/channels/6465550100/messages", { body: tek, headers: bearer("test-teklink-key") })).status, 406);
  assert.deepEqual((await call("POST", "/sandbox/teklink/api/v1/channels/6465550100/messages", { body: tek, headers: { ...bearer("test-teklink-key"), accept: "application/json" } })).json,
    { success: true, message: "Message sent", data: [] });
  // Relay: idempotency.
  const msg = { phone_id: "phone_main", channel: "sms", to: "+12125550123", text: "hi", idempotency_key: "k-1" };
  const first = await call("POST", "/sandbox/relay/api/v1/messages", { body: msg, headers: bearer("test-relay-key") });
  assert.equal(first.status, 202);
  const again = await call("POST", "/sandbox/relay/api/v1/messages", { body: msg, headers: bearer("test-relay-key") });
  assert.deepEqual([again.status, again.json.duplicate, again.json.message_id], [200, true, first.json.message_id]);
  // Klink
  const k = await call("POST", "/sandbox/klink/api/v1/messages/send", { body: { contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", messageType: "text", message: "hi" }, headers: bearer("test-klink-key") });
  assert.equal(k.json.message, "Message sent successfully");
  assert.equal((await call("GET", "/sandbox/nope/x")).status, 404);
});

test("messages move queued → sending → sent → delivered over about four seconds", async () => {
  const sent = await call("POST", "/sandbox/relay/api/v1/messages", { body: { phone_id: "phone_main", channel: "sms", to: "+12125550150", text: "lifecycle" }, headers: bearer("test-relay-key") });
  const id = sent.json.message_id;
  const seen = [];
  for (let i = 0; i < 40; i++) {
    const { json } = await call("GET", `/sandbox/relay/api/v1/messages/${id}`, { headers: bearer("test-relay-key") });
    const label = json.message.delivered_at ? "delivered" : json.message.status;
    if (seen.at(-1) !== label) seen.push(label);
    if (label === "delivered") break;
    await sleep(250);
  }
  assert.deepEqual(seen, ["queued", "sending", "sent", "delivered"]);
});

test("webhooks reach the worker's own routes with the right secrets; a number ending in 9 fails", async () => {
  const ok = await call("POST", "/sandbox/textlink/api/send-sms", { body: { phone_number: "+12125550161", text: "will arrive", custom_id: "demo-ok" }, headers: bearer("test-textlink-key") });
  const bad = await call("POST", "/sandbox/textlink/api/send-sms", { body: { phone_number: "+12125550169", text: "will fail", custom_id: "demo-fail" }, headers: bearer("test-textlink-key") });
  assert.equal(ok.status + bad.status, 400);
  await call("POST", "/sandbox/__emulator/inbound", { body: { provider: "klink", from: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", text: "a reply" } });
  await sleep(5500); // past the final stage (4 s) and a tick
  const reader = bearer(demo.secrets.EDGETEXT_API_TOKEN);
  assert.equal((await call("GET", "/v1/status/textlink/demo-ok", { headers: reader })).json.status, "sent");
  const failed = (await call("GET", "/v1/status/textlink/demo-fail", { headers: reader })).json;
  assert.deepEqual([failed.status, failed.error], ["failed", "Carrier rejected the message"]);
  const { json } = await call("GET", "/v1/events?limit=200", { headers: reader });
  assert.ok(json.events.some((e) => e.provider === "klink" && e.type === "message.received" && e.text === "a reply"));
  for (const p of ["textlink", "teklink", "relay", "klink"]) assert.ok(json.events.some((e) => e.provider === p), `events from ${p}`);
  // Every webhook the sandbox posted was accepted (a wrong secret would be 401).
  const log = await call("GET", "/sandbox/__emulator/webhooks");
  assert.ok(log.json.length >= 8);
  assert.deepEqual([...new Set(log.json.map((h) => h.status))], [200]);
  for (const s of secrets()) assert.ok(!log.text.includes(s), "the webhook log shows no secret");
  assert.ok(log.text.includes("[redacted]"));
});

test("the page's proxy: the page's key is dropped and the sandbox's added; reads get the reader token", async () => {
  const r = await call("POST", "/proxy/klink/api/v1/messages/send", {
    body: { contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", messageType: "text", message: "via proxy" },
    headers: bearer("whatever-the-page-says"),
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("cache-control"), "no-store");
  const log = (await call("GET", "/sandbox/__emulator/requests?provider=klink")).json.filter((q) => q.body?.message === "via proxy");
  assert.equal(log[0].headers.authorization, "Bearer test-klink-key");
  assert.equal((await call("GET", "/proxy/worker/v1/events?limit=1")).status, 200);
  assert.equal((await call("GET", "/v1/events?limit=1")).status, 401, "the worker's own route still wants the token");
  assert.equal((await call("POST", "/proxy/worker/v1/events")).status, 405);
  const config = await call("GET", "/demo/config");
  assert.deepEqual(Object.values(config.json.providers).map((p) => p.mode), ["sandbox", "sandbox", "sandbox", "sandbox"]);
  for (const s of [...secrets(), "test-textlink-key"]) assert.ok(!config.text.includes(s));
});

test("one-time codes through the worker's /v1/otp routes go out through the sandbox's relay", async () => {
  const to = "+12125550142";
  const sent = await call("POST", "/v1/otp/send", { body: { to } });
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.json.provider, "relay");
  const texts = (await call("GET", "/sandbox/__emulator/requests?provider=relay")).json.filter((q) => q.body?.to === to).map((q) => q.body.text);
  assert.equal(texts.length, 1);
  const code = /^Your edgetext demo code is (\d{6})\./.exec(texts[0])?.[1];
  assert.ok(code, texts[0]);
  assert.ok(!sent.text.includes(code));
  const { assertion, ...verified } = (await call("POST", "/v1/otp/verify", { body: { to, code } })).json;
  assert.deepEqual(verified, { ok: true, valid: true, reason: null });
  // The app's server (here the demo's stand-in) checks the assertion; another number fails.
  const proof = await call("POST", "/demo/app-server/check", { body: { assertion, to } });
  assert.equal(proof.json.to, to);
  const other = await call("POST", "/demo/app-server/check", { body: { assertion, to: "+12125550143" } });
  assert.equal(other.status, 400);
  assert.equal(other.json.error, "invalid_assertion");
  // Spent; a browser hears one reason for every code that is not valid.
  assert.deepEqual((await call("POST", "/v1/otp/verify", { body: { to, code } })).json, { ok: true, valid: false, reason: "invalid" });
  const fr = await call("POST", "/v1/otp/send", { body: { to: "+33612345678" } });
  assert.equal(fr.status, 403);
  assert.equal(fr.json.error, "country_not_allowed");
});

test("bad input never gets a 5xx", async () => {
  const cases = [
    ["POST", "/proxy/nope/x", {}],
    ["POST", "/proxy/textlink/api/send-sms", { raw: "{not json" }],
    ["POST", "/proxy/textlink/api/send-sms", { raw: "x".repeat(70 * 1024) }],
    ["DELETE", "/proxy/relay/api/v1/messages", {}],
    ["POST", "/sandbox/__emulator/inbound", { raw: "[]" }],
    ["POST", "/sandbox/__emulator/inbound", { body: { provider: "nope", from: "x" } }],
    ["POST", "/sandbox/__emulator/faults", { body: { provider: "relay", kind: "fire" } }],
    ["GET", "/sandbox/relay/api/v1/messages/%E0%A4%A", {}],
    ["GET", "/sandbox/__emulator/nothing", {}],
    ["POST", "/demo/config", {}],
    ["GET", "/nothing/here", {}],
    ["POST", "/webhooks/klink", { raw: "{}" }],
    ["POST", "/v1/otp/send", { raw: "{not json" }],
    ["POST", "/v1/otp/verify", { body: { to: "+12125550142", code: 5 } }],
  ];
  for (const [method, path, opts] of cases) {
    const r = await call(method, path, opts);
    assert.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  assert.equal((await call("POST", "/proxy/textlink/api/send-sms", { raw: "x".repeat(70 * 1024) })).status, 413);
});

/** A request with exactly these headers, Host included. */
async function rawCall(method, path, headers = {}, body) {
  const r = await rawRequest(demo.url, method, path, headers, body);
  statuses.push(r.status);
  return r;
}
const proxiedKlink = async (text) =>
  (await call("GET", "/sandbox/__emulator/requests?provider=klink")).json.filter((q) => q.body?.message === text).length;

test("the proxy's worker path cannot name another host: //127.0.0.1 from a foreign Host is refused", async () => {
  const send = JSON.stringify({ contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", messageType: "text", message: "smuggled" });
  for (const path of ["/proxy/worker//127.0.0.1/proxy/klink/api/v1/messages/send", "/proxy/worker//127.0.0.1/v1/events"]) {
    const r = await rawCall("GET", path, { host: "demo.example.com" });
    assert.ok(r.status === 400 || r.status === 403, `${path}: ${r.status}`);
    const local = await call("GET", path);
    assert.equal(local.status, 400, `${path} from this machine: a malformed path`);
  }
  const post = await rawCall("POST", "/proxy/worker//127.0.0.1/proxy/klink/api/v1/messages/send", { host: "demo.example.com", "content-type": "application/json" }, send);
  assert.ok(post.status >= 400 && post.status < 500);
  assert.equal(await proxiedKlink("smuggled"), 0, "nothing reached the provider");
  assert.equal((await call("GET", "/proxy/worker/webhooks/textlink")).status, 404, "only /v1/ is proxied to the worker");
  assert.equal((await call("GET", "/proxy/worker/v1/../webhooks/x")).status, 404, "dot segments resolved by the URL stay outside /v1/");
});

test("a cross-site page cannot post through the proxy (text/plain, Origin, Sec-Fetch-Site)", async () => {
  const body = JSON.stringify({ contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", messageType: "text", message: "cross-site" });
  const path = "/proxy/klink/api/v1/messages/send";
  for (const headers of [
    { "content-type": "text/plain", origin: "https://evil.example" },
    { "content-type": "text/plain", "sec-fetch-site": "cross-site" },
    { "content-type": "text/plain", "sec-fetch-site": "same-site" },
    { "content-type": "text/plain", origin: "null" },
  ]) {
    const r = await call("POST", path, { raw: body, headers });
    assert.equal(r.status, 403, JSON.stringify(headers));
  }
  assert.equal(await proxiedKlink("cross-site"), 0, "nothing reached the provider");
  const same = await call("POST", path, { raw: body.replace("cross-site", "same-origin"), headers: { origin: demo.url, "sec-fetch-site": "same-origin" } });
  assert.equal(same.status, 200, "the demo's own page still goes through");
  assert.equal((await call("GET", "/sandbox/__emulator/messages?provider=klink", { headers: { "sec-fetch-site": "cross-site" } })).status, 403);
});

test("the proxy rebuilds the upstream path from its segments: /proxy//textlink and encoded slashes are refused", async () => {
  for (const path of ["/proxy//textlink/api/send-sms", "/proxy/textlink//api/send-sms", "/proxy/textlink/api%2Fsend-sms", "/proxy/textlink/api/send-sms/"]) {
    const r = await call("POST", path, { body: { phone_number: "+12125550123", text: "shifted" } });
    assert.equal(r.status, 400, path);
  }
  const dots = await rawCall("POST", "/proxy/textlink/api/%2E%2E%2Fx", { "content-type": "application/json", [TOKEN_HEADER]: demo.token }, JSON.stringify({ phone_number: "+12125550123", text: "shifted" }));
  assert.equal(dots.status, 400, "an encoded ../");
  const log = (await call("GET", "/sandbox/__emulator/requests?provider=textlink")).json.filter((q) => q.body?.text === "shifted");
  assert.equal(log.length, 0, "nothing reached the provider");
});

test("the sandbox's controls and the proxied reads answer this start's token only, whatever the Host", async () => {
  const local = `127.0.0.1:${new URL(demo.url).port}`;
  for (const path of ["/sandbox/__emulator/messages?provider=klink", "/sandbox/__emulator/webhooks", "/proxy/worker/v1/events?limit=1"]) {
    const foreign = await rawCall("GET", path, { host: "demo.example.com" });
    assert.equal(foreign.status, 403, `${path} for another Host`);
    for (const s of secrets()) assert.ok(!foreign.text.includes(s));
    assert.equal((await rawCall("GET", path, { host: local })).status, 403, `${path} locally, without the token`);
    assert.equal((await rawCall("GET", path, { host: local, [TOKEN_HEADER]: demo.token })).status, 200, `${path} locally, with the token`);
  }
  const inbound = await rawCall("POST", "/sandbox/__emulator/inbound", { host: "demo.example.com", "content-type": "application/json" }, JSON.stringify({ provider: "klink", from: "x", text: "y" }));
  assert.equal(inbound.status, 403);
});
