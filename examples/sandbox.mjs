// Send, verify a code and read delivery status through the demo's sandbox,
// from Node, the way an app would against the real providers: only baseUrl
// and the keys differ.
//   make demo                              (in another terminal; it prints the export line below)
//   export DEMO_TOKEN=… EDGETEXT_API_TOKEN=…
//   node examples/sandbox.mjs              (SANDBOX_URL defaults to http://127.0.0.1:8787)
import { Client, memoryStore } from "../pkg/index.mjs"; // in your app: from "edgetext"

const worker = (process.env.SANDBOX_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
// The sandbox's keys are public test keys; what make demo made for this start
// is not: the reader token of the worker's /v1 reads, and the token that opens
// the sandbox's controls (its simulated phones).
const { DEMO_TOKEN: demoToken, EDGETEXT_API_TOKEN: readerToken } = process.env;
if (!demoToken || !readerToken) {
  console.error("Set DEMO_TOKEN and EDGETEXT_API_TOKEN: paste the `export …` line make demo printed (each start makes new ones).");
  process.exit(2);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const show = (label, value) => console.log(`${label.padEnd(26)} ${JSON.stringify(value)}`);

/** The newest code the sandbox's simulated phone `to` received over `provider`. */
async function codeOnPhone(provider, to) {
  const res = await fetch(`${worker}/sandbox/__emulator/messages?provider=${provider}`, { headers: { "x-demo-token": demoToken } });
  const texts = (await res.json())[provider].filter((m) => m.direction === "outbound" && m.to === to).map((m) => m.text);
  return texts.map((t) => /code is (\d+)/.exec(t)?.[1]).filter(Boolean).at(-1);
}

/**
 * Reads status until `done(status)` (or 15 s pass); a 404 means the worker has
 * not heard of the message yet. TextLink reports "sent" and "failed", never
 * delivery; the relay says "sent" with delivered_at once delivered.
 */
async function watch(client, id, done) {
  const seen = [];
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(500)) {
    const s = await client.status(id).catch((err) => (err.httpStatus === 404 ? null : Promise.reject(err)));
    if (s && seen.at(-1) !== s.status) seen.push(s.status);
    if (s && done(s)) return { seen, final: s };
  }
  throw new Error(`status of ${id} did not settle: ${seen.join(" → ")}`);
}

// TextLink: the provider makes and checks codes; statuses come from its
// webhooks, stored by the worker and read with statusUrl.
const textlink = new Client({
  provider: "textlink",
  apiKey: "test-textlink-key",
  baseUrl: `${worker}/sandbox/textlink`,
  statusUrl: worker,
  statusToken: readerToken,
});
const sent = await textlink.send({ to: "+1 (212) 555-0123", text: "Your table is ready" });
show("textlink send", { id: sent.id, status: sent.status, segments: sent.segments.count });
const failing = await textlink.send({ to: "+1 212 555 0199", text: "This number fails in the sandbox" });
await textlink.sendCode({ to: "+12125550123", serviceName: "Acme" });
const code = await codeOnPhone("textlink", "+12125550123");
show("textlink verify (wrong)", await textlink.verifyCode({ to: "+12125550123", code: code === "000000" ? "111111" : "000000" }));
await textlink.sendCode({ to: "+12125550123", serviceName: "Acme" }); // TextLink's codes are single-use
show("textlink verify", await textlink.verifyCode({ to: "+12125550123", code: await codeOnPhone("textlink", "+12125550123") }));

// Phone Relay: signed codes (the SDK makes the code, the token carries its HMAC);
// status from the relay's own endpoint.
const relay = new Client({
  provider: "relay",
  apiKey: "test-relay-key",
  baseUrl: `${worker}/sandbox/relay`,
  phoneId: "phone_main",
  // memoryStore() counts checks in this process; a fleet shares a store that counts atomically
  // (a D1 binding on Workers, or your own incr), never a get/put one such as Workers KV.
  otp: { secret: process.env.OTP_SECRET ?? "example-otp-secret-of-at-least-32-bytes", store: memoryStore() },
});
const r = await relay.send({ to: "+1 212 555 0123", text: "hello over the relay" });
const ticket = await relay.sendCode({ to: "+12125550123", serviceName: "Acme" });
show("relay verify", await relay.verifyCode({ to: "+12125550123", code: await codeOnPhone("relay", "+12125550123"), token: ticket.token }));

const [a, b, c] = await Promise.all([
  watch(textlink, sent.id, (s) => s.status === "sent"),
  watch(textlink, failing.id, (s) => s.status === "failed"),
  watch(relay, r.id, (s) => s.deliveredAt !== null),
]);
show("textlink status", { seen: a.seen, error: a.final.error });
show("textlink status (…99)", { seen: b.seen, error: b.final.error });
show("relay status", { seen: c.seen, delivered: c.final.deliveredAt !== null });
