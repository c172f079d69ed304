// The examples against the demo worker under `wrangler dev`: the Node script
// (examples/sandbox.mjs) as a child process, the Worker (examples/worker/)
// bundled by wrangler and run by Miniflare, and the emulator-only
// examples/send.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { startDemo, freePort, root, TOKEN_HEADER } from "../../scripts/demo.mjs";

const run = promisify(execFile);
const out = join(root, "test-output", "demo");
let demo;

before(async () => {
  mkdirSync(out, { recursive: true });
  const state = join(out, "state-examples");
  rmSync(state, { recursive: true, force: true });
  demo = await startDemo({ port: await freePort(), persistTo: state });
});
after(() => demo?.stop());

const lines = (stdout) => Object.fromEntries(stdout.trim().split("\n").map((l) => [l.slice(0, 26).trim(), JSON.parse(l.slice(27))]));

test("examples/sandbox.mjs: sends, verifies codes and reads statuses through the sandbox", async () => {
  const tokens = { DEMO_TOKEN: demo.token, EDGETEXT_API_TOKEN: demo.secrets.EDGETEXT_API_TOKEN };
  const { stdout } = await run("node", [join(root, "examples", "sandbox.mjs")], { env: { ...process.env, SANDBOX_URL: demo.url, ...tokens }, timeout: 60_000 });
  const got = lines(stdout);
  assert.equal(got["textlink send"].status, "queued");
  assert.match(got["textlink send"].id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(got["textlink verify (wrong)"], { valid: false, reason: "Invalid code", assertion: null });
  assert.deepEqual(got["textlink verify"], { valid: true, reason: null, assertion: null });
  assert.deepEqual(got["relay verify"], { valid: true, reason: null, assertion: null });
  assert.equal(got["textlink status"].seen.at(-1), "sent");
  assert.deepEqual(got["textlink status (…99)"], { seen: [...got["textlink status (…99)"].seen.slice(0, -1), "failed"], error: "Carrier rejected the message" });
  assert.equal(got["relay status"].delivered, true);
  assert.ok(got["relay status"].seen.includes("sent"), JSON.stringify(got["relay status"]));
});

test("examples/worker: a Worker sends, verifies and reads status through the sandbox", async () => {
  const dist = join(out, "example-worker");
  execFileSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", dist, "--config", join(root, "examples", "worker", "wrangler.toml")], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "error" },
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(dist, "index.js"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
    bindings: { SANDBOX_URL: demo.url, EDGETEXT_API_TOKEN: demo.secrets.EDGETEXT_API_TOKEN, DEMO_TOKEN: demo.token, OTP_SECRET: randomBytes(32).toString("base64url") },
    d1Databases: ["DB"],
  });
  try {
    const res = await mf.dispatchFetch("http://example/");
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(body.teklink, { to: "2125550123", status: "sent" });
    assert.match(body.klink.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(body.verify, { valid: true, reason: null, assertion: null });
    assert.deepEqual(body.verifyWrong, { valid: false, reason: "mismatch", assertion: null });
    assert.equal(body.statuses.at(-1), "sent");
    // The sandbox took both sends with its keys and the worker heard Klink's webhook.
    const sent = await (await fetch(`${demo.url}/sandbox/__emulator/messages`, { headers: { [TOKEN_HEADER]: demo.token } })).json();
    assert.ok(sent.teklink.some((m) => m.text === "Sent from a Worker"));
    assert.ok(sent.klink.some((m) => m.id === body.klink.id));
  } finally {
    await mf.dispose();
  }
});

test("examples/send.mjs: every provider against the Node emulator", async () => {
  const { stdout } = await run("node", [join(root, "examples", "send.mjs")], { timeout: 60_000 });
  assert.match(stdout, /^textlink send\s+\{"id":"[0-9a-f-]{36}","status":"queued"/m);
  assert.match(stdout, /^teklink to London\s+\{"instanceofEdgetextError":true,"code":"invalid_phone"/m);
  assert.match(stdout, /^relay send \(same key\)\s+\{"id":"msg_[0-9a-f]+","duplicate":true\}/m);
});
