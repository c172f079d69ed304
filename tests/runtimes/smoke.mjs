// What a new user does first, in every runtime and bundle of tests/runtimes/:
// import, count segments, send one message through the provider emulator and
// meet an invalid_config error; then what the core hands to the on-demand
// module on first use, from the same import (a tool, an extra, Failover). Plain ESM on web APIs only (fetch, JSON), so
// the same file runs in Node, Deno, Bun, Chromium, edge-runtime and workerd,
// bundled or not. Returns [{ name, ok, error? }] as plain data.
//
// The emulator is shared by every target of the suite: each send carries a
// text naming its target and a random tag, and the checks look up the
// request and the message with that text only.

const RELAY_KEY = "test-relay-key"; // sandbox/emulator.mjs DEFAULT_KEYS
const PHONE_ID = "phone_main";

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function isEdgetextError(edgetext, err, code) {
  if (!(err instanceof edgetext.EdgetextError)) throw new Error(`not an EdgetextError: ${err?.stack ?? err}`);
  if (!(err instanceof Error)) throw new Error("an EdgetextError that is not an Error");
  equal([err.name, err.code], ["EdgetextError", code], `name and code (message: ${err.message})`);
}

/**
 * `target` names the runtime in the sent text; `emulatorUrl` null skips the
 * send; `netDenied` expects the runtime to refuse the send (Deno without
 * --allow-net): the client must still answer with an EdgetextError.
 */
export async function smoke(edgetext, { target, emulatorUrl = null, netDenied = false }) {
  const results = [];
  const check = async (name, fn) => {
    try {
      await fn();
      results.push({ name, ok: true });
    } catch (err) {
      results.push({ name, ok: false, error: String(err?.stack ?? err) });
    }
  };

  // A tool of the on-demand module, from the same import: a delivery signed
  // (HMAC-SHA256, Standard Webhooks) outside edgetext, checked at its time.
  // In a browser bundle the module loads asynchronously, so this runs after
  // the on-demand operations below have loaded it (where they run).
  const webhookCheck = () => check("verifyWebhook (on demand) accepts a signed delivery and refuses a changed one", () => {
    const headers = { "webhook-id": "msg_smoke", "webhook-timestamp": "1700000000", "webhook-signature": "v1,DX8Q1j3Q24/Sa3JjarS4PmYA6loqMPbfjwD6ASvD/Y4=" };
    const secret = "whsec_BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
    const at = { now: 1700000000 * 1000 };
    equal([
      edgetext.verifyWebhook('{"type":"message.delivered"}', headers, secret, at),
      edgetext.verifyWebhook('{"type":"message.failed"}', headers, secret, at),
    ], [true, false], "verified");
  });
  await check("import", () => {
    for (const name of ["Client", "EdgetextError", "segments", "normalizePhone"]) equal(typeof edgetext[name], "function", name);
  });
  await check("segments", () => {
    equal(edgetext.segments("Hello €"), { encoding: "GSM-7", count: 1, units: 8, perSegment: 160, remaining: 152 }, "segments");
  });
  await check("invalid_config is an EdgetextError", () => {
    let thrown = null;
    try {
      new edgetext.Client({ provider: "relay" });
    } catch (err) {
      thrown = err;
    }
    if (thrown === null) throw new Error("new Client without apiKey did not throw");
    isEdgetextError(edgetext, thrown, "invalid_config");
  });
  if (emulatorUrl === null) {
    await webhookCheck();
    return results;
  }

  const text = `edgetext runtime test: ${target} ${Math.random().toString(36).slice(2, 10)}`;
  const client = new edgetext.Client({ provider: "relay", apiKey: RELAY_KEY, phoneId: PHONE_ID, baseUrl: `${emulatorUrl}/relay`, timeoutMs: 15000 });
  if (netDenied) {
    await check("send without network permission: an EdgetextError", async () => {
      let thrown = null;
      await client.send({ to: "+1 555 123 4567", text }).catch((err) => { thrown = err; });
      if (thrown === null) throw new Error("the send went through without network permission");
      // The runtime refused before any byte left: the contract's `network`, not `outcome_unknown`.
      isEdgetextError(edgetext, thrown, "network");
    });
    await webhookCheck();
    return results;
  }
  await check("send through the emulator", async () => {
    const receipt = await client.send({ to: "+1 555 123 4567", text });
    equal([receipt.provider, receipt.status, receipt.to], ["relay", "queued", "+15551234567"], "receipt");
    const requests = await (await fetch(`${emulatorUrl}/__emulator/requests?provider=relay`)).json();
    const mine = requests.filter((r) => r.body?.text === text);
    equal(mine.length, 1, "requests with this text");
    equal([mine[0].method, mine[0].path, mine[0].headers.authorization], ["POST", "/relay/api/v1/messages", `Bearer ${RELAY_KEY}`], "request");
    const { relay } = await (await fetch(`${emulatorUrl}/__emulator/messages?provider=relay`)).json();
    const taken = relay.filter((m) => m.text === text);
    equal(taken.map((m) => [m.id, m.to]), [[receipt.id, "+15551234567"]], "message taken (id, to)");
  });
  await check("bad input to send and status: invalid_input naming the field (the core reads these two itself)", async () => {
    const messages = [];
    for (const call of [() => client.send({ to: "+15551234567", text: 5 }), () => client.send({ to: "+15551234567", text, bogus: 1 }), () => client.status(42)]) {
      await call().then(() => messages.push("resolved"), (err) => messages.push(`${err.code}: ${err.message}`));
    }
    // A whole number reads as the native build (serde_json) names it: integer `5`.
    equal(messages, [
      "invalid_input: message.text: invalid type: integer `5`, expected a string",
      "invalid_input: message.bogus is not a field for relay",
      "invalid_input: id: invalid type: integer `42`, expected a string",
    ], "errors");
  });
  await check("an operation of the on-demand module: relay health, twice at once on its first use", async () => {
    const answers = await Promise.all([client.health(), client.health()]);
    equal(answers.map((a) => [a.ok, a.service]), [[true, "phone-relay (edgetext emulator)"], [true, "phone-relay (edgetext emulator)"]], "the emulator's answers");
  });
  await check("Failover (on demand) over the Client sends once", async () => {
    const receipt = await new edgetext.Failover([client]).send({ to: "+15551234567", text: `${text} (failover)` });
    equal([receipt.provider, receipt.attempts], ["relay", [{ provider: "relay", error: null }]], "receipt");
    const { relay } = await (await fetch(`${emulatorUrl}/__emulator/messages?provider=relay`)).json();
    equal(relay.filter((m) => m.text === `${text} (failover)`).map((m) => m.id), [receipt.id], "message taken");
  });
  await webhookCheck();
  await check("a refused key rejects with an EdgetextError", async () => {
    const wrong = new edgetext.Client({ provider: "relay", apiKey: "wrong-key", phoneId: PHONE_ID, baseUrl: `${emulatorUrl}/relay`, timeoutMs: 15000 });
    let thrown = null;
    await wrong.send({ to: "+15551234567", text: `${text} (wrong key)` }).catch((err) => { thrown = err; });
    if (thrown === null) throw new Error("a wrong key was accepted");
    isEdgetextError(edgetext, thrown, "unauthorized");
    equal(thrown.httpStatus, 401, "httpStatus");
  });
  return results;
}
