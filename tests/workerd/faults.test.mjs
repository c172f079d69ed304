// The fault run: 1,000 distinct webhooks into the worker under workerd with
// its Queue failing 20% of the time and D1 5% (half before writing, half
// after writing with the answer lost), injected through wrapped bindings
// (faulty-entry.mjs, seeded). The "provider" delivers again on a 503, as
// TextLink does on any answer but 200. Then the scheduled handler runs
// until the outbox is empty. Every event answered 200 must be stored once
// and forwarded at least once; so must every event that was stored at all.
// Bounded: 1,000 webhooks, at most 10 deliveries each, at most 40 scheduled runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startWorker, startConsumer, runScheduled, until, FORWARD_SECRET } from "./harness.mjs";

const WEBHOOKS = Number(process.env.FAULT_WEBHOOKS || 1000);
const DELIVERIES = 10;
const CONCURRENCY = 8;
const LEASE_MS = 20 * 60 * 1000;

test(`fault run: ${WEBHOOKS} webhooks, Queue failing 20%, D1 5%: nothing answered 200 is lost`, async (t) => {
  const consumer = await startConsumer();
  const w = await startWorker(
    { FORWARD_URL: consumer.url, FORWARD_SECRET, FAULT_SEED: "12", FAULT_QUEUE_RATE: "0.2", FAULT_D1_RATE: "0.05" },
    { faulty: true, quiet: true },
  );
  try {
    const outcome = new Array(WEBHOOKS);
    let deliveries = 0;
    const answers = {};
    let next = 0;
    const deliver = async () => {
      for (let i = next++; i < WEBHOOKS; i = next++) {
        const body = JSON.stringify({ secret: "tl-hook-secret", phone_number: "+11234567890", text: `fault run #${i}`, timestamp: 1_748_455_363_370 + i, received: true, sent: false });
        for (let attempt = 1; attempt <= DELIVERIES; attempt++) {
          deliveries++;
          const res = await w.mf.dispatchFetch("http://worker/webhooks/textlink", { method: "POST", body });
          await res.arrayBuffer();
          answers[res.status] = (answers[res.status] ?? 0) + 1;
          outcome[i] = res.status;
          if (res.status !== 503) break;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, deliver));
    assert.deepEqual(Object.keys(answers).sort(), Object.keys(answers).filter((s) => s === "200" || s === "503").sort(), `only 200 and 503: ${JSON.stringify(answers)}`);

    // Drain: the Queue delivers what it took; the scheduled handler (its D1
    // failing too) sends the rest, past their lease, until the outbox is empty.
    const due = async () => (await w.db.prepare("SELECT COUNT(*) AS n FROM events WHERE forward_due IS NOT NULL").first()).n;
    let runs = 0;
    let clock = Date.now();
    await until(async () => consumer.seen.length > 0, 10_000);
    while ((await due()) > 0 && runs < 40) {
      const before = consumer.seen.length;
      clock += LEASE_MS + 1000;
      runs++;
      await runScheduled(w, clock).catch(() => {});
      await until(async () => consumer.seen.length > before || (await due()) === 0, 5_000);
      await until(async () => {
        const n = consumer.seen.length;
        await new Promise((r) => setTimeout(r, 300));
        return consumer.seen.length === n;
      }, 10_000);
    }

    const rows = (await w.db.prepare("SELECT id, body FROM events").all()).results;
    const storedByText = new Map();
    for (const r of rows) {
      const text = JSON.parse(r.body).text;
      storedByText.set(text, (storedByText.get(text) ?? 0) + 1);
    }
    const forwardedIds = new Map();
    for (const d of consumer.seen) forwardedIds.set(d.headers["webhook-id"], (forwardedIds.get(d.headers["webhook-id"]) ?? 0) + 1);
    const rowIds = new Set(rows.map((r) => r.id));

    const pending = (await w.db.prepare("SELECT COUNT(*) AS n FROM events WHERE forward_due IS NOT NULL").first()).n;
    t.diagnostic(`after ${runs} scheduled runs: ${rows.length} stored, ${forwardedIds.size} forwarded, ${pending} still due`);
    const ok = outcome.map((s, i) => [s, i]).filter(([s]) => s === 200).map(([, i]) => i);
    const lost = ok.filter((i) => storedByText.get(`fault run #${i}`) !== 1);
    assert.deepEqual(lost, [], "every webhook answered 200 is stored exactly once");
    const unforwarded = rows.filter((r) => !forwardedIds.has(r.id)).map((r) => r.id);
    assert.deepEqual(unforwarded, [], "every stored event is forwarded at least once");
    assert.ok([...forwardedIds.keys()].every((id) => rowIds.has(id)), "nothing is forwarded that was not stored");
    assert.equal(await due(), 0, "the outbox is empty");

    const faults = await (await w.mf.dispatchFetch("http://worker/__faults")).json();
    const report = {
      webhooks: WEBHOOKS,
      deliveries,
      answers,
      answered200: ok.length,
      gaveUpAfter503s: WEBHOOKS - ok.length,
      eventsStored: rows.length,
      forwardedUnique: forwardedIds.size,
      forwardDeliveries: consumer.seen.length,
      duplicateForwards: consumer.seen.length - forwardedIds.size,
      scheduledRuns: runs,
      injected: faults,
    };
    t.diagnostic(JSON.stringify(report));
    console.log("fault run:", JSON.stringify(report));
    assert.ok(faults.queue > 0 && faults.d1Before > 0 && faults.d1After > 0, "faults of every kind were injected");
  } finally {
    await w.mf.dispose();
    await consumer.close();
  }
});
