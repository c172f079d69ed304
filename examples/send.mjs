// Sends through all four providers against the local provider emulator, the
// way an app would against the real ones: only baseUrl differs.
//   node examples/send.mjs            (after `make build`)
import { Client, EdgetextError, memoryStore, segments } from "../pkg/index.mjs";
import { startEmulator } from "../sandbox/server.mjs";

const emu = await startEmulator({ port: Number(process.env.EMULATOR_PORT ?? 0) });
const secret = "an-otp-secret-of-at-least-32-bytes!";
const show = (label, value) => console.log(`${label.padEnd(28)} ${JSON.stringify(value)}`);

try {
  const textlink = new Client({ provider: "textlink", apiKey: "test-textlink-key", baseUrl: `${emu.url}/textlink` });
  const r1 = await textlink.send({ to: "+1 (212) 555-1212", text: "Hello from edgetext 👋" });
  show("textlink send", { id: r1.id, status: r1.status, segments: r1.segments });
  const code = await textlink.sendCode({ to: "+12125551212", serviceName: "Acme" });
  show("textlink sendCode", code);

  const teklink = new Client({ provider: "teklink", apiKey: "test-teklink-key", baseUrl: `${emu.url}/teklink`, channelId: "chan-1" });
  show("teklink send", await teklink.send({ to: "212-555-1212", text: "Your table is ready" }).then((r) => ({ to: r.to, status: r.status })));
  try {
    await teklink.send({ to: "+44 20 7946 0958", text: "hi" });
  } catch (err) {
    show("teklink to London", { instanceofEdgetextError: err instanceof EdgetextError, code: err.code, message: err.message });
  }

  const relay = new Client({ provider: "relay", apiKey: "test-relay-key", baseUrl: `${emu.url}/relay`, phoneId: "phone_main", otp: { secret, store: memoryStore() } });
  const r3 = await relay.send({ to: "+15551234567", text: "hello over the relay", idempotencyKey: "demo-001" });
  show("relay send", { id: r3.id, status: r3.status, duplicate: r3.duplicate });
  const again = await relay.send({ to: "+15551234567", text: "hello over the relay", idempotencyKey: "demo-001" });
  show("relay send (same key)", { id: again.id, duplicate: again.duplicate });
  show("relay status", await relay.status(r3.id).then((s) => ({ id: s.id, status: s.status })));
  const ticket = await relay.sendCode({ to: "+15551234567", serviceName: "Acme" });
  show("relay verify (wrong code)", await relay.verifyCode({ to: "+15551234567", code: "000000", token: ticket.token }));

  const klink = new Client({ provider: "klink", apiKey: "test-klink-key", baseUrl: `${emu.url}/klink` });
  const r4 = await klink.send({ contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", text: "It is your message." });
  show("klink send", { id: r4.id, status: r4.status });

  show("segments('€'.repeat(81))", segments("€".repeat(81)));
} finally {
  await emu.close();
}
