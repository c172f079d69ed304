// End to end: SDK -> provider emulator -> webhook -> worker (workerd, D1) -> SDK.
// client.status() of a TextLink send reads "sent", then "failed" with
// TextLink's text, once the worker has received the two webhooks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./harness.mjs";
import { startEmulator } from "../../sandbox/server.mjs";
import { Client } from "../../pkg/index.mjs";

test("a TextLink send is sent, then failed, as the worker hears it", async () => {
  const worker = await startWorker();
  let now = Date.now();
  const hooks = `${worker.url}/webhooks/textlink`;
  const emu = await startEmulator({
    now: () => now,
    failDigit: "9",
    webhooks: { textlink: { url: hooks, sentUrl: `${hooks}?event=sent`, failedUrl: `${hooks}?event=failed`, secret: "tl-hook-secret" } },
  });
  try {
    const client = new Client({
      provider: "textlink",
      apiKey: "test-textlink-key",
      baseUrl: `${emu.url}/textlink`,
      statusUrl: worker.url,
      statusToken: "reader-token",
    });
    const receipt = await client.send({ to: "+1 212 555 0199", text: "This one will fail" });
    assert.match(receipt.id, /^[0-9a-f-]{36}$/);

    await assert.rejects(client.status(receipt.id), (e) => e.code === "provider_rejected" && e.httpStatus === 404, "nothing heard yet");

    now += 2_500; // past "sent"
    await emu.emulator.tick();
    const sent = await client.status(receipt.id);
    assert.equal(sent.status, "sent");
    assert.equal(sent.provider, "textlink");

    now += 5_000; // past the failure
    await emu.emulator.tick();
    const failed = await client.status(receipt.id);
    assert.equal(failed.status, "failed");
    assert.equal(failed.error, "Carrier rejected the message");
    assert.equal(failed.id, receipt.id);
    // The same status on the per-provider route.
    const direct = await fetch(`${worker.url}/v1/status/textlink/${receipt.id}`, { headers: { authorization: "Bearer reader-token" } });
    const d = await direct.json();
    assert.deepEqual([direct.status, d.id, d.provider, d.status, d.error], [200, receipt.id, "textlink", "failed", "Carrier rejected the message"]);
  } finally {
    await emu.close();
    await worker.mf.dispose();
  }
});
