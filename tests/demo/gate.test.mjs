// A demo safe to expose (issue 21, item 11), against the demo worker under
// `wrangler dev` with a "real" TextLink: the Node emulator on another port,
// standing in for the provider, which records the key each request carried.
// The real key and the sandbox's controls answer only requests with the
// token `make demo` made for this start, whatever their Host; a request
// relayed by a proxy (X-Forwarded-For, Forwarded, …) never reaches the real
// key, token or not; the demo's secrets are made per start and none is
// committed in worker/demo/wrangler.toml.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { startDemo, freePort, root, TOKEN_HEADER } from "../../scripts/demo.mjs";
import { startEmulator } from "../../sandbox/server.mjs";
import { rawRequest } from "./http.mjs";

const state = (name) => {
  const dir = join(root, "test-output", "demo", `state-${name}`);
  rmSync(dir, { recursive: true, force: true });
  return dir;
};
// Every variable of the demo that guards something: a provider key, the OTP
// secret, the reader token, a webhook secret, the page's token.
const SECRET_NAMES = ["DEMO_TOKEN", "OTP_SECRET", "EDGETEXT_API_TOKEN", "TEXTLINK_WEBHOOK_SECRET", "TEKLINK_WEBHOOK_SECRET", "RELAY_CALLBACK_TOKEN", "KLINK_WEBHOOK_SECRET"];
// A `$` and quotes, which an env file would expand or cut: the key must still arrive byte for byte.
const KEY = "tl-live-$HOME-'q'-\"feedc0ffee\"";
const SEND = JSON.stringify({ phone_number: "+12125550123", text: "through the gate" });
let provider;
let demo;

before(async () => {
  provider = await startEmulator({ keys: { textlink: KEY } });
  demo = await startDemo({ port: await freePort(), persistTo: state("gate"), devVars: null, vars: { TEXTLINK_API_KEY: KEY, TEXTLINK_BASE_URL: `${provider.url}/textlink` } });
});
after(async () => {
  await demo?.stop();
  await provider?.close();
});

const raw = (method, path, headers, body) => rawRequest(demo.url, method, path, headers, body);
const send = (headers) => raw("POST", "/proxy/textlink/api/send-sms", { "content-type": "application/json", ...headers }, SEND);
/** The keys the "real" TextLink has received so far. */
const keysSeen = async () => (await provider.emulator.requests({ provider: "textlink" })).map((r) => r.headers.authorization);
const local = () => `127.0.0.1:${new URL(demo.url).port}`;
const withToken = (headers = {}) => ({ [TOKEN_HEADER]: demo.token, ...headers });

test("the committed worker/demo/wrangler.toml holds no secret", () => {
  const text = readFileSync(join(root, "worker", "demo", "wrangler.toml"), "utf8");
  const vars = parse(text).vars ?? {};
  for (const name of [...SECRET_NAMES, "OTP_API_KEY", "OTP_SERVER_TOKEN", "FORWARD_SECRET"]) assert.ok(!(name in vars), `${name} is in [vars]`);
  assert.deepEqual(Object.keys(vars).filter((name) => /SECRET|TOKEN|_KEY$|PASSWORD/.test(name)), [], "no variable named like a secret in [vars]");
  assert.deepEqual(Object.keys(parse(text).env ?? {}), [], "no [env.*] section with vars of its own");
  // Nor a .dev.vars or generated secrets file in git.
  const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n");
  assert.deepEqual(tracked.filter((f) => /(^|\/)\.dev\.vars|\.env$/.test(f)), []);
});

test("a rewritten Host without the start's token never reaches the real key", async () => {
  // What a reverse proxy in front of the demo sends by default: its own Host (nginx: the upstream's) and no token.
  for (const headers of [{ host: local() }, { host: "127.0.0.1" }, { host: "localhost" }, { host: "demo.example.com" }]) {
    const r = await send(headers);
    assert.equal(r.status, 403, `${JSON.stringify(headers)}: ${r.text}`);
    assert.match(r.text, /token/i);
  }
  // A wrong token of the right length, an empty one, the token in the query instead of the header.
  const wrong = demo.token.replace(/^./, (c) => (c === "A" ? "B" : "A"));
  for (const headers of [{ host: local(), [TOKEN_HEADER]: wrong }, { host: local(), [TOKEN_HEADER]: "" }]) {
    const r = await send(headers);
    assert.equal(r.status, 403, r.text);
  }
  assert.equal((await raw("POST", `/proxy/textlink/api/send-sms?token=${demo.token}`, { host: local(), "content-type": "application/json" }, SEND)).status, 403);
  assert.deepEqual(await keysSeen(), [], "the real provider heard nothing");
  // The same request with the token, straight to this machine: the real key goes out (so the gate is not shut for all).
  const ok = await send(withToken({ host: local() }));
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(await keysSeen(), [`Bearer ${KEY}`]);
  assert.ok(!ok.text.includes(demo.token), "no answer carries the token");
});

test("a request relayed by a proxy (X-Forwarded-For, Forwarded, …) is refused with the right token, naming the header", async () => {
  const before = (await keysSeen()).length;
  for (const [header, value] of [
    ["X-Forwarded-For", "203.0.113.7"],
    ["X-Forwarded-For", "127.0.0.1"],
    ["Forwarded", "for=203.0.113.7;proto=https"],
    ["X-Forwarded-Host", "demo.example.com"],
    ["X-Real-IP", "203.0.113.7"],
    ["Via", "1.1 proxy"],
  ]) {
    const r = await send(withToken({ host: local(), [header]: value }));
    assert.ok(r.status >= 400 && r.status < 500, `${header}: ${r.status} ${r.text}`);
    assert.match(JSON.parse(r.text).error, new RegExp(`carries ${header}\\b`), r.text);
    assert.ok(!r.text.includes(demo.token));
  }
  assert.equal((await keysSeen()).length, before, "the real provider heard nothing more");
  // The page's config says so too, for that request.
  const config = JSON.parse((await raw("GET", "/demo/config", withToken({ host: local(), "x-forwarded-for": "203.0.113.7" }))).text);
  assert.equal(config.providers.textlink.allowed, false);
  assert.match(config.providers.textlink.refused, /X-Forwarded-For/);
  const direct = JSON.parse((await raw("GET", "/demo/config", withToken({ host: local() }))).text);
  assert.deepEqual([direct.providers.textlink.allowed, direct.providers.textlink.refused], [true, null]);
  // The sandboxed providers are no real key: behind a proxy that rewrites the Host, the page (its
  // public Origin, Sec-Fetch-Site same-origin) still sends through them with the token.
  const proxied = { host: local(), "content-type": "application/json", "x-forwarded-for": "203.0.113.7", origin: "https://demo.example.com", "sec-fetch-site": "same-origin" };
  const klink = await raw("POST", "/proxy/klink/api/v1/messages/send", withToken(proxied),
    JSON.stringify({ contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", messageType: "text", message: "sandboxed behind a proxy" }));
  assert.equal(klink.status, 200, klink.text);
  // … and the same page's request for the real key is refused for the forwarding header, not as cross-site.
  const real = await send(withToken(proxied));
  assert.match(JSON.parse(real.text).error, /carries X-Forwarded-For/);
});

test("the sandbox's controls and the reader token's reads want the start's token, whatever the Host", async () => {
  for (const path of ["/sandbox/__emulator/messages?provider=klink", "/sandbox/__emulator/webhooks", "/sandbox/__emulator/requests", "/proxy/worker/v1/events?limit=1"]) {
    for (const host of [local(), "localhost", "demo.example.com"]) {
      const r = await raw("GET", path, { host });
      assert.equal(r.status, 403, `${path} for ${host} without the token: ${r.text}`);
      for (const name of SECRET_NAMES) if (demo.secrets[name]) assert.ok(!r.text.includes(demo.secrets[name]));
      assert.equal((await raw("GET", path, withToken({ host }))).status, 200, `${path} for ${host} with the token`);
    }
  }
  const inbound = JSON.stringify({ provider: "klink", from: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", text: "y" });
  assert.equal((await raw("POST", "/sandbox/__emulator/inbound", { host: local(), "content-type": "application/json" }, inbound)).status, 403);
  assert.equal((await raw("POST", "/sandbox/__emulator/faults", { host: local(), "content-type": "application/json" }, JSON.stringify({ provider: "relay", path: "/api/v1/messages", kind: "503_before" }))).status, 403);
  // The sandbox's provider API keeps its public test keys: it reaches only the sandbox.
  const tl = await raw("POST", "/sandbox/relay/api/v1/messages", { host: local(), "content-type": "application/json", authorization: "Bearer test-relay-key" },
    JSON.stringify({ phone_id: "phone_main", channel: "sms", to: "+12125550123", text: "public sandbox" }));
  assert.equal(tl.status, 202, tl.text);
});

test("two starts make different secrets, and each start's worker uses its own", async () => {
  // A user's .dev.vars may fix the reader token (real providers' webhooks need fixed secrets), never the page's token or OTP_SECRET.
  const dir = join(root, "test-output", "demo", "dev-vars");
  mkdirSync(dir, { recursive: true });
  const devVars = join(dir, ".dev.vars");
  const mine = "my-reader-token-$USER-0123456789abcdef";
  writeFileSync(devVars, `EDGETEXT_API_TOKEN='${mine}'\nDEMO_TOKEN=fixed-token-from-the-users-file-0123456789\nOTP_SECRET=fixed-otp-secret-from-the-users-file-0123456789\n`);
  const other = await startDemo({ port: await freePort(), persistTo: state("gate-other"), devVars });
  try {
    for (const name of SECRET_NAMES) {
      const [a, b] = [demo.secrets[name], other.secrets[name]];
      assert.ok(typeof a === "string" && typeof b === "string", `${name} made at each start`);
      assert.notEqual(a, b, name);
      for (const s of [a, b]) assert.ok(Buffer.from(s, "base64url").length >= 16 && /^[A-Za-z0-9_-]+$/.test(s), `${name}: at least 128 random bits`);
    }
    assert.equal(demo.token, demo.secrets.DEMO_TOKEN);
    assert.equal(demo.pageUrl, `${demo.url}/#token=${demo.token}`);
    assert.deepEqual(other.fromDevVars, ["EDGETEXT_API_TOKEN"]);
    // Each worker answers its own start's token, and not the other's nor the user's file's.
    const controls = (d, token) => fetch(`${d.url}/sandbox/__emulator/webhooks`, { headers: { [TOKEN_HEADER]: token } });
    assert.equal((await controls(other, other.token)).status, 200);
    assert.equal((await controls(other, demo.token)).status, 403);
    assert.equal((await controls(demo, other.token)).status, 403);
    assert.equal((await controls(other, "fixed-token-from-the-users-file-0123456789")).status, 403);
    // The reader token: each start's own, or the one the user's file fixed.
    const events = (d, token) => fetch(`${d.url}/v1/events?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await events(demo, demo.secrets.EDGETEXT_API_TOKEN)).status, 200);
    assert.equal((await events(other, demo.secrets.EDGETEXT_API_TOKEN)).status, 401);
    assert.equal((await events(other, mine)).status, 200, "the user's reader token, byte for byte");
    assert.equal((await events(other, other.secrets.EDGETEXT_API_TOKEN)).status, 401, "the user's file wins over the made one");
    // An OTP assertion made by one start is not one the other's app server accepts (OTP_SECRET differs).
    const to = "+12125550188";
    assert.equal((await fetch(`${demo.url}/v1/otp/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to }) })).status, 200);
    const sent = await (await fetch(`${demo.url}/sandbox/__emulator/requests?provider=relay`, { headers: { [TOKEN_HEADER]: demo.token } })).json();
    const code = sent.map((q) => q.body?.to === to && /code is (\d+)/.exec(q.body.text)?.[1]).filter(Boolean).at(-1);
    const verified = await (await fetch(`${demo.url}/v1/otp/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to, code }) })).json();
    assert.equal(verified.valid, true, JSON.stringify(verified));
    const check = (d) => fetch(`${d.url}/demo/app-server/check`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ assertion: verified.assertion, to }) });
    assert.equal((await check(demo)).status, 200);
    const foreign = await check(other);
    assert.equal(foreign.status, 400);
    assert.equal((await foreign.json()).error, "invalid_assertion");
  } finally {
    await other.stop();
  }
  // The file wrangler read the secrets from goes with the start.
  assert.ok(other.envDir && !existsSync(other.envDir), "the start's secrets file is removed when it stops");
});

test("a worker started without a DEMO_TOKEN (wrangler dev by hand) keeps every gated route shut", async () => {
  const bare = await startDemo({ port: await freePort(), persistTo: state("gate-bare"), devVars: null, vars: { DEMO_TOKEN: "" } });
  try {
    for (const token of [undefined, "", "short", bare.secrets.DEMO_TOKEN]) {
      const headers = token === undefined ? {} : { [TOKEN_HEADER]: token };
      for (const path of ["/sandbox/__emulator/webhooks", "/proxy/worker/v1/events?limit=1"]) {
        const r = await fetch(`${bare.url}${path}`, { headers });
        assert.equal(r.status, 403, `${path} with ${JSON.stringify(token)}`);
        assert.match((await r.json()).error, /DEMO_TOKEN is not set/);
      }
    }
  } finally {
    await bare.stop();
  }
});
