// One-time codes through the worker under workerd (Miniflare), with the
// EdgetextOtp Durable Object and the provider emulator as the relay: every
// limit of the threat model, bad input, and the Client's worker mode.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./harness.mjs";
import { startEmulator } from "../../sandbox/server.mjs";
import { Client, EdgetextError, verifyOtpAssertion } from "../../pkg/index.mjs";

const SECRET = "otp-secret-for-tests-at-least-32-bytes";
/** The app's server: with OTP_SERVER_TOKEN it hears why a code is not valid. */
const SERVER = { authorization: "Bearer otp-server-token" };
let emu;
let w;
const seen = []; // every answer of the worker: status and body text

before(async () => {
  emu = await startEmulator({ port: 0 });
  w = await startWorker(otpEnv());
});
after(async () => {
  await w?.mf.dispose();
  await emu?.close();
  assert.ok(seen.length > 40, `answers seen: ${seen.length}`);
  assert.ok(seen.every(({ status }) => status < 500 || status === 502), `no 5xx but the provider's 502: ${seen.map((s) => s.status).join(",")}`);
});

function otpEnv(extra = {}) {
  return {
    OTP_SECRET: SECRET,
    OTP_ALLOWED_COUNTRIES: "US,CA,GB",
    OTP_PROVIDER: "relay",
    OTP_API_KEY: "test-relay-key",
    OTP_CLIENT: JSON.stringify({ baseUrl: `${emu.url}/relay`, phoneId: "phone_main", maxRetries: 0 }),
    OTP_SENDS_PER_IP: "1000",
    OTP_VERIFIES_PER_IP: "1000",
    OTP_SERVER_TOKEN: "otp-server-token",
    ...extra,
  };
}

let nextNumber = 100;
/** A fresh US number per test, so that no test meets another's limits. */
const number = () => `+1212555${String(nextNumber++).padStart(4, "0")}`;
let nextIp = 1;
const ip = () => `203.0.113.${nextIp++}`;

async function call(worker, action, body, { address = "198.51.100.7", headers = {} } = {}) {
  const res = await worker.mf.dispatchFetch(`http://worker/v1/otp/${action}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", "cf-connecting-ip": address, ...headers },
  });
  const text = await res.text();
  seen.push({ status: res.status, text });
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text, retryAfter: res.headers.get("retry-after"), headers: res.headers };
}

/** The texts the emulator received for `to`, oldest first. */
async function texts(to) {
  const all = await (await fetch(`${emu.url}/__emulator/requests`)).json();
  return all.filter((r) => r.provider === "relay" && r.body?.to === to).map((r) => r.body.text);
}
async function lastCode(to) {
  const t = await texts(to);
  assert.ok(t.length > 0, `the emulator received no code for ${to}`);
  const m = /code is (\d+)\./.exec(t.at(-1));
  assert.ok(m, t.at(-1));
  return m[1];
}
const wrong = (code) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, "0");

/** A valid verify: its assertion holds for the number, as an app's server checks it. */
function assertVerified(json, to) {
  const { assertion, ...rest } = json;
  assert.deepEqual(rest, { ok: true, valid: true, reason: null });
  const proof = verifyOtpAssertion(assertion, { secret: SECRET, to });
  assert.equal(proof.to, to.replace(/[^+0-9]/g, ""));
  assert.ok(Math.abs(Date.parse(proof.verifiedAt) - Date.now()) < 60_000);
  assert.match(proof.id, /^[0-9a-f]{32}$/);
  return assertion;
}

/** No answer ever carries a code the emulator received. */
async function assertNoCodeEchoed() {
  const all = await (await fetch(`${emu.url}/__emulator/requests`)).json();
  const codes = all.map((r) => /code is (\d+)\./.exec(r.body?.text ?? "")?.[1]).filter(Boolean);
  assert.ok(codes.length > 5);
  // A code on its own, not six digits inside a phone number or a time.
  const alone = (c) => new RegExp(`(?<![0-9])${c}(?![0-9])`);
  for (const { text } of seen) for (const c of codes) assert.ok(!alone(c).test(text), `an answer carried a code: ${text}`);
  for (const { text } of seen) assert.ok(!text.includes(SECRET) && !text.includes("test-relay-key"), `an answer carried a secret: ${text}`);
}

test("the right code verifies once; then it is spent", async () => {
  const to = number();
  const sent = await call(w, "send", { to, serviceName: "Acme" });
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.json.ok, true);
  assert.equal(sent.json.to, to);
  assert.equal(sent.json.provider, "relay");
  const ttl = Date.parse(sent.json.expiresAt) - Date.now();
  assert.ok(ttl > 590_000 && ttl <= 600_000, `10 minutes by default: ${ttl}`);
  const [text] = await texts(to);
  assert.match(text, /^Your verification code is \d{6}\. It expires in 10 minutes\.$/, "the worker's service name, not the caller's");
  const code = await lastCode(to);
  assertVerified((await call(w, "verify", { to, code })).json, to);
  assert.deepEqual((await call(w, "verify", { to, code }, { headers: SERVER })).json, { ok: true, valid: false, reason: "spent" });
  // The number may be written any way normalizePhone reads.
  assert.deepEqual((await call(w, "verify", { to: `+1 (212) 555-${to.slice(-4)}`, code }, { headers: SERVER })).json, { ok: true, valid: false, reason: "spent" });
  assert.deepEqual((await call(w, "verify", { to, code })).json, { ok: true, valid: false, reason: "invalid" }, "a browser hears one reason");
});

test("the sixth check fails even with the right code", async () => {
  const to = number();
  assert.equal((await call(w, "send", { to })).status, 200);
  const code = await lastCode(to);
  for (let i = 0; i < 5; i++) {
    assert.deepEqual((await call(w, "verify", { to, code: wrong(code) }, { headers: SERVER })).json, { ok: true, valid: false, reason: "mismatch" }, `check ${i + 1}`);
  }
  assert.deepEqual((await call(w, "verify", { to, code })).json, { ok: true, valid: false, reason: "too_many_attempts" });
  // The fifth check may still be the right one.
  const other = number();
  await call(w, "send", { to: other });
  const code2 = await lastCode(other);
  for (let i = 0; i < 4; i++) await call(w, "verify", { to: other, code: wrong(code2) });
  assertVerified((await call(w, "verify", { to: other, code: code2 })).json, other);
});

test("a new send kills the old code; a number without a code has none to check", async () => {
  const to = number();
  assert.deepEqual((await call(w, "verify", { to, code: "123456" }, { headers: SERVER })).json, { ok: true, valid: false, reason: "no_code" });
  await call(w, "send", { to });
  const first = await lastCode(to);
  await call(w, "send", { to });
  const second = await lastCode(to);
  if (first !== second) assert.deepEqual((await call(w, "verify", { to, code: first }, { headers: SERVER })).json, { ok: true, valid: false, reason: "mismatch" });
  assertVerified((await call(w, "verify", { to, code: second })).json, to);
  // A code of letters or the wrong length cannot be any code: wrong, and no check is spent on it.
  await call(w, "send", { to });
  const third = await lastCode(to);
  for (let i = 0; i < 6; i++) assert.equal((await call(w, "verify", { to, code: "12ab56" }, { headers: SERVER })).json.reason, "mismatch");
  assert.equal((await call(w, "verify", { to, code: third })).json.valid, true);
});

test("an expired code fails", async () => {
  const short = await startWorker(otpEnv({ OTP_TTL_SECONDS: "1" }));
  try {
    const to = number();
    const sent = await call(short, "send", { to });
    assert.equal(sent.status, 200, sent.text);
    assert.match((await texts(to))[0], /expires in 1 minutes/);
    const code = await lastCode(to);
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepEqual((await call(short, "verify", { to, code }, { headers: SERVER })).json, { ok: true, valid: false, reason: "expired" });
  } finally {
    await short.mf.dispose();
  }
});

test("the per-number send limit answers 429 with Retry-After, whatever the address", async () => {
  const to = number();
  for (let i = 0; i < 10; i++) assert.equal((await call(w, "send", { to }, { address: ip() })).status, 200, `send ${i + 1}`);
  const before = (await texts(to)).length;
  const res = await call(w, "send", { to }, { address: ip() });
  assert.equal(res.status, 429);
  assert.equal(res.json.ok, false);
  assert.equal(res.json.error, "rate_limited");
  const after = Number(res.retryAfter);
  assert.ok(after > 3500 && after <= 3600, `Retry-After ${res.retryAfter}`);
  assert.equal(res.json.retryAfter, after);
  assert.equal((await texts(to)).length, before, "nothing sent");
  // Another number is not limited.
  assert.equal((await call(w, "send", { to: number() }, { address: ip() })).status, 200);
});

test("the per-address limits answer 429 with Retry-After, for sends and for checks", async () => {
  const lw = await startWorker(otpEnv({ OTP_SENDS_PER_IP: "3", OTP_VERIFIES_PER_IP: "4" }));
  try {
    const address = ip();
    for (let i = 0; i < 3; i++) assert.equal((await call(lw, "send", { to: number() }, { address })).status, 200);
    const to = number();
    const res = await call(lw, "send", { to }, { address });
    assert.equal(res.status, 429);
    assert.equal(res.json.error, "rate_limited");
    assert.ok(Number(res.retryAfter) > 3500 && Number(res.retryAfter) <= 3600, res.retryAfter);
    assert.deepEqual(await texts(to), [], "nothing sent");
    assert.equal((await call(lw, "send", { to }, { address: ip() })).status, 200, "another address may");
    // IPv6 addresses count by their /64.
    assert.equal((await call(lw, "send", { to: number() }, { address: "2001:db8:1:2::1" })).status, 200);
    assert.equal((await call(lw, "send", { to: number() }, { address: "2001:db8:1:2:aaaa::2" })).status, 200);
    assert.equal((await call(lw, "send", { to: number() }, { address: "2001:0db8:0001:0002:ffff:ffff:ffff:ffff" })).status, 200);
    assert.equal((await call(lw, "send", { to: number() }, { address: "2001:db8:1:2::3" })).status, 429);

    const code = await lastCode(to);
    const checker = ip();
    for (let i = 0; i < 4; i++) assert.equal((await call(lw, "verify", { to, code: "000000" }, { address: checker })).status, 200);
    const v = await call(lw, "verify", { to, code }, { address: checker });
    assert.equal(v.status, 429);
    assert.equal(v.json.error, "rate_limited");
    assert.ok(Number(v.retryAfter) >= 1, v.retryAfter);
    assert.equal((await call(lw, "verify", { to, code }, { address: ip() })).json.valid, true, "the limited check was not counted against the code");
  } finally {
    await lw.mf.dispose();
  }
});

test("a number of a country not allowed is refused before anything is sent", async () => {
  await fetch(`${emu.url}/__emulator/reset`, { method: "POST" });
  for (const to of ["+33612345678", "+2348031234567", "+8613800138000"]) {
    const res = await call(w, "send", { to });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.error, "country_not_allowed");
  }
  const unset = await startWorker(otpEnv({ OTP_ALLOWED_COUNTRIES: "" }));
  try {
    const res = await call(unset, "send", { to: number() });
    assert.equal(res.status, 403);
    assert.match(res.json.message, /OTP_ALLOWED_COUNTRIES is not set/);
  } finally {
    await unset.mf.dispose();
  }
  const requests = await (await fetch(`${emu.url}/__emulator/requests`)).json();
  assert.deepEqual(requests, [], "the emulator saw no request");
  // GB is allowed.
  assert.equal((await call(w, "send", { to: "+44 7400 123456" })).status, 200);
});

test("bad input is a 400 (or 413/405), never a 5xx, and changes nothing", async () => {
  const to = number();
  const cases = [
    ["send", "{not json"],
    ["send", "[]"],
    ["send", "null"],
    ["send", "\"+12125550100\""],
    ["send", {}],
    ["send", { to: 12125550100 }],
    ["send", { to: ["+12125550100"] }],
    ["send", { to: "" }],
    ["send", { to: "x".repeat(65) }],
    ["send", { to: "+1212555" + "0".repeat(60) }],
    ["send", { to: "not a number" }],
    ["send", { to, serviceName: 5 }],
    ["send", { to, serviceName: "s".repeat(101) }],
    ["send", { to, length: 8 }, "length"],
    ["send", { to, ttlSeconds: 99999 }, "ttlSeconds"],
    ["send", { to, code: "123456" }, "code"],
    ["verify", {}],
    ["verify", { to }],
    ["verify", { to, code: 123456 }],
    ["verify", { to, code: "1".repeat(33) }],
    ["verify", { to: { x: 1 }, code: "123456" }],
    ["verify", { to, code: "123456", token: "x" }, "token"],
    ["verify", { to, code: "123456", serviceName: "x" }, "serviceName"],
    ["verify", "\u0000\u0001"],
  ];
  for (const [action, body, unknownKey] of cases) {
    const res = await call(w, action, body);
    assert.equal(res.status, 400, `${action} ${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.json.ok, false);
    assert.match(res.json.error, /^invalid_(input|phone)$/);
    assert.ok(res.json.message.length > 5);
    // A key the route does not take is refused by its name (as natively: tests/worker/otp_route.rs).
    if (unknownKey) assert.ok(res.json.message.includes(`unknown field \`${unknownKey}\``), res.json.message);
  }
  const big = await call(w, "send", JSON.stringify({ to, pad: "x".repeat(5000) }));
  assert.equal(big.status, 413);
  const invalidUtf8 = await w.mf.dispatchFetch("http://worker/v1/otp/send", { method: "POST", body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: { "content-type": "application/json" } });
  assert.equal(invalidUtf8.status, 400);
  const get = await w.mf.dispatchFetch("http://worker/v1/otp/send");
  assert.equal(get.status, 405);
  assert.equal((await w.mf.dispatchFetch("http://worker/v1/otp/other", { method: "POST", body: "{}" })).status, 404);
  assert.deepEqual(await texts(to), [], "nothing sent to the number");
  assert.equal((await call(w, "verify", { to, code: "123456" }, { headers: SERVER })).json.reason, "no_code");
});

test("a provider failure is a 502 with its code, and does not use up the number's sends", async () => {
  const to = number();
  for (let i = 0; i < 11; i++) {
    const add = await fetch(`${emu.url}/__emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "relay", kind: "503_before", times: 1 }),
    });
    assert.equal(add.status, 201, await add.text());
    const res = await call(w, "send", { to }, { address: ip() });
    assert.equal(res.status, 502, res.text);
    assert.equal(res.json.error, "provider_unavailable");
  }
  assert.equal((await call(w, "verify", { to, code: "123456" }, { headers: SERVER })).json.reason, "no_code", "a code that was not sent is not kept");
  const ok = await call(w, "send", { to }, { address: ip() });
  assert.equal(ok.status, 200, "eleven failures did not use the ten sends: " + ok.text);
  assert.equal((await call(w, "verify", { to, code: await lastCode(to) })).json.valid, true);
});

test("the worker's own client follows OTP_CLIENT: a 503 is retried after its backoff, an answer later than timeoutMs is an unknown outcome", async () => {
  const fault = async (spec) => {
    const add = await fetch(`${emu.url}/__emulator/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
    assert.equal(add.status, 201, await add.text());
  };
  const relay = (extra) => JSON.stringify({ baseUrl: `${emu.url}/relay`, phoneId: "phone_main", ...extra });
  const retrying = await startWorker(otpEnv({ OTP_CLIENT: relay({ maxRetries: 1 }) }), { quiet: true });
  try {
    const to = number();
    await fault({ provider: "relay", kind: "503_before", times: 1 });
    const res = await call(retrying, "send", { to }, { address: ip() });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.provider, "relay");
    assert.equal((await texts(to)).length, 2, "the refused attempt and its retry, one text each");
    assertVerified((await call(retrying, "verify", { to, code: await lastCode(to) })).json, to);
  } finally {
    await retrying.mf.dispose();
  }
  const impatient = await startWorker(otpEnv({ OTP_CLIENT: relay({ maxRetries: 0, timeoutMs: 200 }) }), { quiet: true });
  try {
    await fault({ provider: "relay", kind: "slow", delayMs: 1500, times: 1 });
    const res = await call(impatient, "send", { to: number() }, { address: ip() });
    assert.equal(res.status, 502, res.text);
    assert.equal(res.json.error, "outcome_unknown");
    assert.match(res.json.message, /did not answer within 200 ms/);
  } finally {
    await impatient.mf.dispose();
  }
});

test("a worker without its settings answers 503 otp_not_configured, naming the setting, not its value", async () => {
  const bare = await startWorker(otpEnv({ OTP_SECRET: "short", OTP_API_KEY: "test-relay-key" }));
  try {
    const res = await call(bare, "send", { to: number() });
    assert.equal(res.status, 503);
    assert.equal(res.json.error, "otp_not_configured");
    assert.match(res.json.message, /OTP_SECRET must be set/);
    assert.ok(!res.text.includes("short"));
    // Bad input is still a 400 there.
    assert.equal((await call(bare, "send", { to: 5 })).status, 400);
  } finally {
    await bare.mf.dispose();
  }
  seen.splice(seen.findIndex((s) => s.status === 503), 1);
});

test("the OTP client from the environment: klink, otpUrl or a malformed OTP_CLIENT is a 503 naming the problem, and nothing is sent", async () => {
  const cases = [
    [{ OTP_PROVIDER: "klink" }, /klink addresses contacts/],
    [{ OTP_CLIENT: JSON.stringify({ otpUrl: "https://otp.example", phoneId: "phone_main" }) }, /not through otpUrl/],
    [{ OTP_CLIENT: "{ not json" }, /OTP_CLIENT must be a JSON object/],
    [{ OTP_CLIENT: "[1]" }, /OTP_CLIENT must be a JSON object/],
    [{ OTP_CLIENT: JSON.stringify({ baseUrl: `${emu.url}/relay`, phoneId: "phone_main", retries: 3 }) }, /^the OTP client: .*retries/],
  ];
  for (const [vars, why] of cases) {
    const bad = await startWorker(otpEnv(vars));
    try {
      const to = number();
      const res = await call(bad, "send", { to });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.error, "otp_not_configured");
      assert.match(res.json.message, why);
      assert.ok(!res.text.includes("test-relay-key") && !res.text.includes(SECRET), res.text);
      assert.deepEqual(await texts(to), []);
      seen.splice(seen.findIndex((s) => s.status === 503), 1);
    } finally {
      await bad.mf.dispose();
    }
  }
});

test("browsers: CORS only for the origins in OTP_CORS_ORIGINS, with Retry-After exposed", async () => {
  const cw = await startWorker(otpEnv({ OTP_CORS_ORIGINS: "https://app.example" }));
  try {
    const pre = await cw.mf.dispatchFetch("http://worker/v1/otp/send", { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "https://app.example");
    assert.match(pre.headers.get("access-control-allow-headers"), /content-type/);
    const res = await call(cw, "send", { to: number() }, { headers: { origin: "https://app.example" } });
    assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal(res.headers.get("access-control-expose-headers"), "retry-after");
    const other = await call(cw, "send", { to: number() }, { headers: { origin: "https://evil.example" } });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  } finally {
    await cw.mf.dispose();
  }
});

test("the Client's worker mode, without an API key, end to end", async () => {
  const mw = await startWorker(otpEnv({ OTP_SENDS_PER_NUMBER: "2" }));
  try {
    const client = new Client({ provider: "relay", otpUrl: mw.url });
    const to = number();
    const ticket = await client.sendCode({ to: `+1 212 555 ${to.slice(-4)}`, serviceName: "Acme" });
    assert.equal(ticket.mode, "worker");
    assert.equal(ticket.token, null);
    assert.equal(ticket.to, to);
    assert.equal(ticket.provider, "relay");
    assert.ok(Date.parse(ticket.expiresAt) > Date.now() + 590_000);
    const code = await lastCode(to);
    // A browser's client hears one reason for every code that is not valid (issue 21 item 6).
    assert.deepEqual(await client.verifyCode({ to, code: wrong(code) }), { valid: false, reason: "invalid", assertion: null });
    // The browser flow: verifyCode hands back the worker's assertion, which the app's server checks.
    const { valid, reason, assertion } = await client.verifyCode({ to, code });
    assert.deepEqual([valid, reason], [true, null]);
    assert.equal(typeof assertion, "string");
    assert.equal(verifyOtpAssertion(assertion, { secret: SECRET, to }).to, to);
    assert.deepEqual(await client.verifyCode({ to, code }), { valid: false, reason: "invalid", assertion: null });

    await client.sendCode({ to, serviceName: "Acme" });
    const limited = await client.sendCode({ to, serviceName: "Acme" }).catch((e) => e);
    assert.ok(limited instanceof EdgetextError, String(limited));
    assert.equal(limited.code, "rate_limited");
    assert.equal(limited.retryable, true);
    assert.equal(limited.httpStatus, 429);
    assert.ok(limited.retryAfterSeconds > 3500 && limited.retryAfterSeconds <= 3600, String(limited.retryAfterSeconds));

    const refused = await client.sendCode({ to: "+33612345678", serviceName: "Acme" }).catch((e) => e);
    assert.equal(refused.code, "country_not_allowed");
    assert.equal(refused.httpStatus, 403);

    const noKey = await client.send({ to, text: "hi" }).catch((e) => e);
    assert.equal(noKey.code, "invalid_config");
    assert.match(noKey.message, /config\.apiKey is required for send/);
    await assert.rejects(client.status("msg_1"), (e) => e.code === "invalid_config" && /apiKey/.test(e.message));
  } finally {
    await mw.mf.dispose();
  }
  await assertNoCodeEchoed();
});

// ---------------------------------------------------------------- issue 11: each attack, now failing

/** The relay requests the emulator received since `since` (an index into its log). */
async function relayLog() {
  return (await (await fetch(`${emu.url}/__emulator/requests`)).json()).filter((r) => r.provider === "relay");
}

test("attack: the app's server trusts only an assertion it can check", async () => {
  const to = number();
  assert.equal((await call(w, "send", { to })).status, 200);
  const assertion = assertVerified((await call(w, "verify", { to, code: await lastCode(to) })).json, to);
  const invalid = (fn) => assert.throws(fn, (e) => e instanceof EdgetextError && e.code === "invalid_assertion");
  invalid(() => verifyOtpAssertion(assertion, { secret: SECRET, to: number() }));
  invalid(() => verifyOtpAssertion(assertion, { secret: "another-secret-of-at-least-32-bytes!", to }));
  invalid(() => verifyOtpAssertion(assertion.slice(0, -2) + (assertion.endsWith("A") ? "BA" : "AA"), { secret: SECRET, to }));
  invalid(() => verifyOtpAssertion(assertion, { secret: SECRET, to, maxAgeSeconds: -0 }) && verifyOtpAssertion("a1.x.y", { secret: SECRET, to }));
  invalid(() => verifyOtpAssertion({ valid: true }, { secret: SECRET, to }));
  // A client's claim of { valid: true } is no assertion; a replayed code is spent.
  assert.equal((await call(w, "verify", { to, code: await lastCode(to) }, { headers: SERVER })).json.reason, "spent");
});

test("attack: one address cannot lock a victim out; a code dies after 20 checks in all", async () => {
  const to = number();
  await call(w, "send", { to }, { address: "192.0.2.10" });
  const code = await lastCode(to);
  const attacker = "192.0.2.66";
  for (let i = 0; i < 5; i++) assert.equal((await call(w, "verify", { to, code: wrong(code) }, { address: attacker })).json.reason, "invalid");
  assert.equal((await call(w, "verify", { to, code }, { address: attacker })).json.reason, "too_many_attempts");
  assertVerified((await call(w, "verify", { to, code }, { address: "192.0.2.10" })).json, to);

  const other = number();
  await call(w, "send", { to: other }, { address: "192.0.2.10" });
  const code2 = await lastCode(other);
  for (let i = 0; i < 20; i++) await call(w, "verify", { to: other, code: wrong(code2) }, { address: `192.0.2.${100 + Math.floor(i / 5)}` });
  assert.equal((await call(w, "verify", { to: other, code: code2 }, { address: "192.0.2.200" })).json.reason, "too_many_attempts");
});

test("attack: SMS pumping meets /48, mapped-IPv4, country, global ceilings and the kill switch; nothing refused is sent", async () => {
  const pw = await startWorker(otpEnv({ OTP_SENDS_PER_IP: "2", OTP_SENDS_PER_IPV6_48: "4", OTP_SENDS_PER_COUNTRY_PER_HOUR: "12", OTP_MAX_SENDS_PER_HOUR: "14" }));
  try {
    const before = (await relayLog()).length;
    const sends = async (addresses) => {
      const out = [];
      for (const address of addresses) out.push((await call(pw, "send", { to: number() }, { address })).status);
      return out;
    };
    // One /48: four /64s pass, the fifth /64 of the same /48 is refused.
    assert.deepEqual(await sends(["2001:db8:7:1::1", "2001:db8:7:2::1", "2001:db8:7:3::1", "2001:db8:7:4::1", "2001:db8:7:5::1"]), [200, 200, 200, 200, 429]);
    // IPv4-mapped addresses count as their IPv4 address: two of them are two budgets, shared with plain IPv4.
    assert.deepEqual(await sends(["::ffff:1.2.3.4", "1.2.3.4", "::ffff:1.2.3.4", "::ffff:5.6.7.8"]), [200, 200, 429, 200]);
    // Not an address (1::2::3) is one shared "unknown" budget, never a fresh one per spelling.
    assert.deepEqual(await sends(["1::2::3", "not-an-ip", "1::2::3"]), [200, 200, 429]);
    // Per country per hour: 12 US sends in all (9 so far), then 429 with Retry-After.
    assert.deepEqual(await sends(["10.0.0.1", "10.0.0.1", "10.0.0.2"]), [200, 200, 200]);
    const country = await call(pw, "send", { to: number() }, { address: "10.0.0.3" });
    assert.equal(country.status, 429);
    assert.match(country.json.message, /this country/);
    assert.ok(Number(country.retryAfter) >= 1 && Number(country.retryAfter) <= 3600);
    // The global ceiling: two GB sends reach 14, the third is refused.
    assert.equal((await call(pw, "send", { to: "+447400123401" }, { address: "10.0.1.1" })).status, 200);
    assert.equal((await call(pw, "send", { to: "+447400123402" }, { address: "10.0.1.2" })).status, 200);
    const global = await call(pw, "send", { to: "+447400123403" }, { address: "10.0.1.3" });
    assert.equal(global.status, 429);
    assert.match(global.json.message, /OTP_MAX_SENDS_PER_HOUR/);
    assert.equal((await relayLog()).length - before, 14, "the emulator saw exactly the sends that were let through");
  } finally {
    await pw.mf.dispose();
  }
  const paused = await startWorker(otpEnv({ OTP_SENDS_PAUSED: "true" }));
  try {
    const before = (await relayLog()).length;
    const res = await call(paused, "send", { to: number() });
    assert.equal(res.status, 503);
    assert.equal(res.json.error, "sends_paused");
    assert.ok(Number(res.retryAfter) > 0);
    assert.equal((await relayLog()).length, before);
  } finally {
    await paused.mf.dispose();
  }
  seen.splice(0, seen.length, ...seen.filter((s) => s.status !== 503));
});

test("attack: the allow-lists read the number range, not the calling code", async () => {
  const before = (await relayLog()).length;
  const refused = [
    ["+44 7624 123456", "country_not_allowed"], // Isle of Man
    ["+44 7797 123456", "country_not_allowed"], // Jersey
    ["+44 7781 123456", "country_not_allowed"], // Guernsey
    ["+44 901 123 4567", "number_not_allowed"], // GB premium rate
    ["+1 900 555 1234", "number_not_allowed"], // US premium rate
    ["+1 800 555 1234", "number_not_allowed"], // toll free
    ["+44 870 123 4567", "number_not_allowed"], // shared cost... or UAN
    ["+44 70 1234 5678", "number_not_allowed"], // personal
    ["+1 012 555 1234", "invalid_phone"], // no such range (normalizePhone refuses a 0 area code? no: libphonenumber does)
  ];
  for (const [to, error] of refused) {
    const res = await call(w, "send", { to });
    assert.ok(res.status === 403 || res.status === 400, `${to}: ${res.text}`);
    assert.ok(res.json.error === error || res.json.error === "number_not_allowed", `${to}: ${res.text}`);
  }
  assert.equal((await relayLog()).length, before, "the emulator saw no request");
  const kz = await startWorker(otpEnv({ OTP_ALLOWED_COUNTRIES: "RU" }));
  try {
    assert.equal((await call(kz, "send", { to: "+7 701 234 5678" })).json.error, "country_not_allowed", "Kazakhstan is not RU");
  } finally {
    await kz.mf.dispose();
  }
});

test("attack: one number has one key however it is written", async () => {
  const lw = await startWorker(otpEnv({ OTP_SENDS_PER_NUMBER: "2" }));
  try {
    assert.equal((await call(lw, "send", { to: "+447400123455" }, { address: ip() })).status, 200);
    assert.equal((await call(lw, "send", { to: "+44 07400 123455" }, { address: ip() })).status, 200);
    const third = await call(lw, "send", { to: "0044 (0)7400 123455" }, { address: ip() });
    assert.equal(third.status, 429, "the trunk 0 after +44 is the same number: " + third.text);
  } finally {
    await lw.mf.dispose();
  }
});

test("a server's verify counts clientAddress only with OTP_SERVER_TOKEN", async () => {
  const sw = await startWorker(otpEnv({ OTP_VERIFIES_PER_IP: "2" }));
  try {
    const to = number();
    await call(sw, "send", { to });
    const code = await lastCode(to);
    const server = { address: "198.51.100.250", headers: SERVER };
    // Two checks for end user A from the app's server, then A is limited, B is not.
    for (let i = 0; i < 2; i++) await call(sw, "verify", { to, code: wrong(code), clientAddress: "203.0.113.77" }, server);
    assert.equal((await call(sw, "verify", { to, code, clientAddress: "203.0.113.77" }, server)).status, 429);
    // Without the token, clientAddress is ignored: the caller's own address counts.
    const forged = await call(sw, "verify", { to, code: wrong(code), clientAddress: "203.0.113.99" }, { address: "203.0.113.77" });
    assert.equal(forged.status, 429, "a browser cannot pick the address it is counted for");
    assertVerified((await call(sw, "verify", { to, code, clientAddress: "203.0.113.78" }, server)).json, to);
  } finally {
    await sw.mf.dispose();
  }
});

test("the body limit applies while streaming: 413 without reading 32 MiB", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const body = new ReadableStream({
    pull(controller) {
      if (pulled >= 32 * 1024 * 1024) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  let status;
  try {
    const res = await w.mf.dispatchFetch("http://worker/v1/otp/send", { method: "POST", body, duplex: "half", headers: { "cf-connecting-ip": ip(), "content-type": "application/json" } });
    status = res.status;
    await res.text();
  } catch (err) {
    // The worker answered and closed while the body was still coming: the
    // client sees the connection end; how much it had to send tells the rest.
    status = `closed early (${err.cause?.code ?? err.message})`;
  }
  assert.ok(status === 413 || String(status).startsWith("closed early"), String(status));
  // Loopback socket buffers take a few MiB the worker never read (3 MiB seen
  // on a busy machine); a worker that read the whole body would pull all 32.
  assert.ok(pulled < 12 * 1024 * 1024, `the client had to send ${pulled} bytes of 32 MiB`);
});

// ---------------------------------------------------------------- issue 21: each attack of the second review

/** The relay texts the emulator received so far (a count to compare). */
const relayCount = async () => (await relayLog()).length;

test("attack 21.3: a cross-site page cannot make its visitors' browsers send codes", async () => {
  const cw = await startWorker(otpEnv({ OTP_CORS_ORIGINS: "https://app.example", OTP_VERIFIES_PER_IP: "1" }));
  try {
    const before = await relayCount();
    const raw = async (headers, body = JSON.stringify({ to: number() }), action = "send", address = "198.51.100.30") => {
      const res = await cw.mf.dispatchFetch(`http://worker/v1/otp/${action}`, { method: "POST", body, headers: { "cf-connecting-ip": address, ...headers } });
      const text = await res.text();
      seen.push({ status: res.status, text });
      return { status: res.status, json: JSON.parse(text), cors: res.headers.get("access-control-allow-origin") };
    };
    // The review's request: a "simple" cross-site POST, which a browser sends without a preflight.
    const simple = await raw({ "content-type": "text/plain", origin: "https://evil.example" });
    assert.deepEqual([simple.status, simple.json.error], [403, "origin_not_allowed"], JSON.stringify(simple.json));
    for (const headers of [
      { "content-type": "application/json", origin: "https://evil.example" },
      { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      { "content-type": "application/json", "sec-fetch-site": "cross-site" },
      { "content-type": "text/plain", "sec-fetch-site": "cross-site", origin: "https://app.example.evil" },
      { "content-type": "application/json", origin: "null" },
    ]) {
      const r = await raw(headers);
      assert.deepEqual([r.status, r.json.error], [403, "origin_not_allowed"], JSON.stringify(headers));
      assert.equal(r.cors, null);
    }
    // A body not declared JSON is a 415, from a listed origin or from a server.
    for (const headers of [{ "content-type": "text/plain", origin: "https://app.example" }, { "content-type": "multipart/form-data; boundary=x" }, {}]) {
      const r = await raw(headers);
      assert.deepEqual([r.status, r.json.error], [415, "invalid_input"], JSON.stringify(headers));
    }
    assert.equal(await relayCount(), before, "nothing refused was sent");
    // Nothing refused was counted either: the one verify this address may make still goes through.
    const probe = await raw({ "content-type": "text/plain", origin: "https://evil.example" }, JSON.stringify({ to: number(), code: "123456" }), "verify", "198.51.100.31");
    assert.equal(probe.status, 403);
    assert.equal((await raw({ "content-type": "application/json" }, JSON.stringify({ to: number(), code: "123456" }), "verify", "198.51.100.31")).status, 200);
    // What still passes: a listed origin, the worker's own page, a server, with JSON (parameters allowed).
    const listed = await raw({ "content-type": "application/json; charset=utf-8", origin: "https://app.example", "sec-fetch-site": "cross-site" });
    assert.deepEqual([listed.status, listed.cors], [200, "https://app.example"]);
    assert.equal((await raw({ "content-type": "Application/JSON", origin: cw.url })).status, 200, "same origin (the Host asked for)");
    assert.equal((await raw({ "content-type": "application/json", origin: "https://behind.a-proxy.example", "sec-fetch-site": "same-origin" })).status, 200, "same origin, as the browser says");
    assert.equal((await raw({ "content-type": "application/json" })).status, 200, "a server sends no Origin");
    assert.equal(await relayCount(), before + 4);
    // The preflight is unchanged: only a listed origin gets CORS headers.
    for (const [origin, allowed] of [["https://app.example", "https://app.example"], ["https://evil.example", null]]) {
      const pre = await cw.mf.dispatchFetch("http://worker/v1/otp/send", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get("access-control-allow-origin"), allowed);
    }
  } finally {
    await cw.mf.dispose();
  }
});

test("attack 21.4: four /64s of one /48 cannot kill the owner's code; their resends neither use up nor replace the owner's", async () => {
  const lw = await startWorker(otpEnv());
  try {
    const to = number();
    const owner = "198.51.100.44";
    assert.equal((await call(lw, "send", { to }, { address: owner })).status, 200);
    const code = await lastCode(to);
    // The review: four /64s of one /48, five wrong checks each.
    const answers = [];
    for (let net = 1; net <= 4; net++) {
      for (let i = 0; i < 5; i++) answers.push((await call(lw, "verify", { to, code: wrong(code) }, { address: `2001:db8:66:${net}::1` })).json.reason);
    }
    assert.ok(answers.every((r) => r === "invalid" || r === "too_many_attempts"), answers.join(","));
    assert.equal(answers.filter((r) => r === "invalid").length, 10, "10 checks per /48: " + answers.join(","));
    // The attacker's resends from the same /48: three, then refused.
    const resends = [];
    for (let net = 1; net <= 5; net++) resends.push((await call(lw, "send", { to }, { address: `2001:db8:66:${net}::1` })).status);
    assert.deepEqual(resends, [200, 200, 200, 429, 429]);
    // The owner's code, asked for before all that, still verifies from the owner's address.
    assertVerified((await call(lw, "verify", { to, code }, { address: owner })).json, to);

    // And the owner may still ask for a code after the attacker's sends, and verify it.
    const other = number();
    for (let net = 1; net <= 4; net++) await call(lw, "send", { to: other }, { address: `2001:db8:77:${net}::1` });
    assert.equal((await call(lw, "send", { to: other }, { address: "2001:db8:99::1" })).status, 200, "the owner's own send");
    for (let net = 1; net <= 4; net++) {
      for (let i = 0; i < 5; i++) await call(lw, "verify", { to: other, code: "000000" }, { address: `2001:db8:77:${net}::1` });
    }
    assertVerified((await call(lw, "verify", { to: other, code: await lastCode(other) }, { address: "2001:db8:99::1" })).json, other);
  } finally {
    await lw.mf.dispose();
  }
});

test("attack 21.5: non-geographic ranges meet a ceiling of their own, and * does not include them", async () => {
  const all = await startWorker(otpEnv({ OTP_ALLOWED_COUNTRIES: "*", OTP_SENDS_PER_COUNTRY_PER_HOUR: "2" }));
  try {
    const before = await relayCount();
    for (const to of ["+881012345678", "+881612345678", "+870312345678"]) {
      const r = await call(all, "send", { to }, { address: ip() });
      assert.deepEqual([r.status, r.json.error], [403, "country_not_allowed"], `${to}: ${r.text}`);
    }
    assert.equal(await relayCount(), before, "no satellite number was sent a code");
  } finally {
    await all.mf.dispose();
  }
  const listed = await startWorker(otpEnv({ OTP_ALLOWED_COUNTRIES: "*,+881", OTP_SENDS_PER_COUNTRY_PER_HOUR: "2" }));
  try {
    const before = await relayCount();
    const statuses = [];
    for (const to of ["+881012345678", "+881612345678", "+881712345678", "+881812345678"]) statuses.push((await call(listed, "send", { to }, { address: ip() })).status);
    assert.deepEqual(statuses, [200, 200, 429, 429], "+881 is counted as one country");
    assert.equal((await call(listed, "send", { to: "+870312345678" }, { address: ip() })).json.error, "country_not_allowed", "+870 is not listed");
    assert.equal((await call(listed, "send", { to: number() }, { address: ip() })).status, 200, "a country's own ceiling is apart");
    assert.equal(await relayCount(), before + 3);
  } finally {
    await listed.mf.dispose();
  }
});

test("attack 21.6: an untrusted verify answers one reason whatever the state, and every verify is counted", async () => {
  const ow = await startWorker(otpEnv({ OTP_TTL_SECONDS: "1", OTP_VERIFIES_PER_IP: "30", OTP_SERVER_TOKEN: "otp-server-token" }));
  try {
    const browser = async (to, code) => (await call(ow, "verify", { to, code }, { address: ip() })).json;
    const server = async (to, code) => (await call(ow, "verify", { to, code }, { address: "198.51.100.250", headers: SERVER })).json;
    const invalid = { ok: true, valid: false, reason: "invalid" };
    const none = number();
    assert.deepEqual(await browser(none, "123456"), invalid, "no code");
    assert.deepEqual(await server(none, "123456"), { ok: true, valid: false, reason: "no_code" });
    const to = number();
    await call(ow, "send", { to });
    const code = await lastCode(to);
    assert.deepEqual(await browser(to, wrong(code)), invalid, "a wrong code");
    assert.deepEqual(await server(to, wrong(code)), { ok: true, valid: false, reason: "mismatch" });
    assert.deepEqual(await browser(to, "12ab56"), invalid, "not a code");
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepEqual(await browser(to, code), invalid, "expired");
    assert.deepEqual(await server(to, code), { ok: true, valid: false, reason: "expired" });
    const spent = number();
    await call(ow, "send", { to: spent });
    const c2 = await lastCode(spent);
    assert.equal((await call(ow, "verify", { to: spent, code: c2 }, { address: ip() })).json.valid, true);
    assert.deepEqual(await browser(spent, c2), invalid, "spent");
    assert.deepEqual(await server(spent, c2), { ok: true, valid: false, reason: "spent" });
    // The review's 60 probes of numbers without a code, from one address: the window counts them all.
    const prober = "192.0.2.60";
    const probes = [];
    for (let i = 0; i < 60; i++) probes.push((await call(ow, "verify", { to: number(), code: "123456" }, { address: prober })).status);
    assert.equal(probes.filter((s) => s === 200).length, 30, probes.join(","));
    assert.ok(probes.slice(30).every((s) => s === 429));
  } finally {
    await ow.mf.dispose();
  }
});

test("attack 21.7: a server holding OTP_SERVER_TOKEN sends for its users' addresses; the events token grants no OTP trust, and the OTP token reads no events", async () => {
  const sw = await startWorker(otpEnv({ OTP_SENDS_PER_IP: "2", OTP_SERVER_TOKEN: "otp-server-token" }));
  try {
    const server = { address: "198.51.100.250", headers: SERVER };
    const send = async (clientAddress, opts = server) => (await call(sw, "send", { to: number(), clientAddress }, opts)).status;
    // Two sends for user A from the app's server, then A is limited; B and C are not.
    assert.deepEqual([await send("203.0.113.70"), await send("203.0.113.70"), await send("203.0.113.70")], [200, 200, 429]);
    assert.deepEqual([await send("203.0.113.71"), await send("2001:db8:5::1")], [200, 200]);
    assert.equal((await call(sw, "send", { to: number(), clientAddress: "not an address" }, server)).status, 400);
    // The events reader's token is no OTP trust: clientAddress is ignored, the caller's address counts.
    const reader = { address: "198.51.100.251", headers: { authorization: "Bearer reader-token" } };
    assert.deepEqual([await send("203.0.113.72", reader), await send("203.0.113.73", reader), await send("203.0.113.74", reader)], [200, 200, 429]);
    const to = number();
    await call(sw, "send", { to }, { address: ip() });
    assert.deepEqual((await call(sw, "verify", { to, code: wrong(await lastCode(to)) }, reader)).json, { ok: true, valid: false, reason: "invalid" });
    // And the OTP token reads no events.
    const events = await sw.mf.dispatchFetch("http://worker/v1/events", { headers: SERVER });
    assert.equal(events.status, 401);
    const reads = await sw.mf.dispatchFetch("http://worker/v1/events", { headers: { authorization: "Bearer reader-token" } });
    assert.equal(reads.status, 200);
  } finally {
    await sw.mf.dispose();
  }
  // The same value for both tokens is refused, so that OTP trust is never the reader's.
  const same = await startWorker(otpEnv({ OTP_SERVER_TOKEN: "reader-token" }));
  try {
    const r = await call(same, "send", { to: number() });
    assert.deepEqual([r.status, r.json.error], [503, "otp_not_configured"]);
    assert.match(r.json.message, /OTP_SERVER_TOKEN must not be EDGETEXT_API_TOKEN/);
    assert.ok(!r.text.includes("reader-token"));
    seen.splice(seen.findIndex((s) => s.status === 503), 1);
  } finally {
    await same.mf.dispose();
  }
});
