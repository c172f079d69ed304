// Each finding of issue 12, reproduced against the built worker under
// workerd (Miniflare with D1, Queue and Cron), and what it answers now:
// replays and other providers change no status, redeliveries without a
// provider time are stored and forwarded once, a Queue failure loses
// nothing, retention deletes, malformed paths are 4xx, reads need
// "Bearer ", and forwarded deliveries verify with the standardwebhooks
// library.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { startWorker, startConsumer, runScheduled, until, root, FORWARD_SECRET } from "./harness.mjs";
import { verifyWebhook } from "../../pkg/index.mjs";

const fixture = (name) => readFileSync(join(root, "tests", "fixtures", "webhooks", name), "utf8").trim();
const sign = (body) => createHmac("sha256", "klink-signing-secret").update(body).digest("hex");
const DAY = 86_400_000;

function client(w) {
  const call = async (path, init = {}) => {
    const res = await w.mf.dispatchFetch(`http://worker${path}`, init);
    return { status: res.status, json: await res.json().catch(() => null) };
  };
  return {
    post: (path, body, headers = {}) => call(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }),
    get: (path, authorization = "Bearer reader-token") => call(path, { headers: authorization ? { authorization } : {} }),
    count: async (where = "1") => (await w.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE ${where}`).first()).n,
  };
}

const klink = (event, id, timestamp) =>
  JSON.stringify({ event, timestamp, data: { id, message: "hi", direction: "outgoing", type: "text", contactId: "c-1" } });

test("a replayed, correctly signed Klink delivered after failed changes nothing", async () => {
  const w = await startWorker();
  const c = client(w);
  try {
    const delivered = klink("message.delivered", "k-1", "2026-01-09T03:42:40.000000Z");
    const failed = klink("message.failed", "k-1", "2026-01-09T03:42:45.000000Z");
    assert.equal((await c.post("/webhooks/klink", delivered, { "x-signature": sign(delivered) })).status, 200);
    assert.equal((await c.get("/v1/status/klink/k-1")).json.status, "delivered");
    assert.equal((await c.post("/webhooks/klink", failed, { "x-signature": sign(failed) })).status, 200);
    assert.equal((await c.get("/v1/status/klink/k-1")).json.status, "failed", "the later event of equal rank wins");

    const replay = await c.post("/webhooks/klink", delivered, { "x-signature": sign(delivered) });
    assert.deepEqual([replay.status, replay.json], [200, { ok: true, events: 1 }], "a replay is acknowledged");
    assert.equal((await c.get("/v1/status/klink/k-1")).json.status, "failed", "and changes nothing");
    assert.equal(await c.count(), 2, "and is stored once");

    // A status moves only on a new event row, whatever its rank: with the
    // status row gone, a replay of the delivered event still writes nothing.
    await w.db.prepare("DELETE FROM statuses").run();
    await c.post("/webhooks/klink", delivered, { "x-signature": sign(delivered) });
    assert.equal((await c.get("/v1/status/klink/k-1")).status, 404);
  } finally {
    await w.mf.dispose();
  }
});

test("a Teklink webhook cannot overwrite Phone Relay's msg-42", async () => {
  const w = await startWorker();
  const c = client(w);
  try {
    const relay = JSON.stringify({ event_type: "status", message_id: "msg-42", status: "delivered", created_at: "2026-02-21T09:15:00+00:00" });
    assert.equal((await c.post("/webhooks/relay", relay, { authorization: "Bearer relay-token" })).status, 200);
    const tek = JSON.stringify({ id: "msg-42", status: "failed" });
    assert.equal((await c.post("/webhooks/teklink/tek-path-secret", tek)).status, 200);

    const r = await c.get("/v1/status/relay/msg-42");
    assert.deepEqual([r.status, r.json.provider, r.json.status], [200, "relay", "delivered"]);
    const t = await c.get("/v1/status/teklink/msg-42");
    assert.deepEqual([t.status, t.json.provider, t.json.status], [200, "teklink", "failed"]);
    assert.equal((await c.get("/v1/status/msg-42")).status, 404, "a route without the provider is no route");
  } finally {
    await w.mf.dispose();
  }
});

test("three relay redeliveries without created_at make one row and one forward", async () => {
  const consumer = await startConsumer();
  const w = await startWorker({ FORWARD_URL: consumer.url, FORWARD_SECRET });
  const c = client(w);
  try {
    const body = fixture("relay-message.json").replace(/,"created_at":"[^"]*"/, "");
    assert.ok(!body.includes("created_at"));
    for (let i = 0; i < 3; i++) {
      assert.deepEqual((await c.post("/webhooks/relay", body, { authorization: "Bearer relay-token" })).json, { ok: true, events: 1 });
      await new Promise((r) => setTimeout(r, 20)); // a different arrival time each
    }
    assert.equal(await c.count(), 1);
    await until(() => consumer.seen.length >= 1);
    await until(async () => (await c.count("forward_due IS NOT NULL")) === 0);
    await new Promise((r) => setTimeout(r, 1000)); // room for a wrong second forward to show up
    assert.equal(consumer.seen.length, 1);
  } finally {
    await w.mf.dispose();
    await consumer.close();
  }
});

test("a Queue that fails once still leads to exactly one forward, after the scheduled run", async () => {
  const consumer = await startConsumer();
  const w = await startWorker({ FORWARD_URL: consumer.url, FORWARD_SECRET, FAULT_QUEUE_FAIL_FIRST: "1" }, { faulty: true });
  const c = client(w);
  try {
    const body = fixture("textlink-received.json");
    const r = await c.post("/webhooks/textlink", body);
    assert.deepEqual([r.status, r.json], [200, { ok: true, events: 1 }], "stored, so answered 200 although the Queue refused it");
    assert.equal((await (await w.mf.dispatchFetch("http://worker/__faults")).json()).queue, 1, "the Queue did fail");
    assert.equal(await c.count("forward_due IS NOT NULL"), 1, "the event waits in the outbox");
    // A redelivery finds the event stored; the outbox still has it.
    assert.equal((await c.post("/webhooks/textlink", body)).status, 200);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(consumer.seen.length, 0, "nothing was forwarded yet");

    await runScheduled(w, Date.now() + 1000);
    await until(() => consumer.seen.length >= 1);
    await until(async () => (await c.count("forward_due IS NOT NULL")) === 0);
    await runScheduled(w, Date.now() + 2000); // nothing is due any more
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(consumer.seen.length, 1, "exactly one forward");
    assert.equal(JSON.parse(consumer.seen[0].body).type, "message.received");
  } finally {
    await w.mf.dispose();
    await consumer.close();
  }
});

/** A TextLink fixture dated now: a webhook older than the retention period is refused. */
const fresh = (name) => fixture(name).replace(/"timestamp":\d+/, `"timestamp":${Date.now()}`);

test("events and statuses older than EVENT_RETENTION_DAYS are gone after the scheduled run", async () => {
  const w = await startWorker({ EVENT_RETENTION_DAYS: "7" });
  const c = client(w);
  try {
    await c.post("/webhooks/textlink?event=sent", fresh("textlink-sent.json"));
    await c.post("/webhooks/textlink", fresh("textlink-received.json"));
    assert.equal(await c.count(), 2);
    await runScheduled(w, Date.now() + 6 * DAY);
    assert.equal(await c.count(), 2, "kept within 7 days");
    assert.equal((await c.get("/v1/status/textlink/order-42")).status, 200);
    await runScheduled(w, Date.now() + 8 * DAY);
    assert.equal(await c.count(), 0, "deleted after 7 days");
    assert.equal((await c.get("/v1/status/textlink/order-42")).status, 404, "with the status");
  } finally {
    await w.mf.dispose();
  }
  const d = await startWorker({ EVENT_RETENTION_DAYS: undefined });
  try {
    await client(d).post("/webhooks/textlink", fresh("textlink-received.json"));
    await runScheduled(d, Date.now() + 29 * DAY);
    assert.equal(await client(d).count(), 1, "the default keeps 30 days");
    await runScheduled(d, Date.now() + 31 * DAY);
    assert.equal(await client(d).count(), 0);
  } finally {
    await d.mf.dispose();
  }
});

test("attack 21.10: a signed event older than EVENT_RETENTION_DAYS is refused, stored and forwarded never", async () => {
  const consumer = await startConsumer();
  const w = await startWorker({ EVENT_RETENTION_DAYS: "30", FORWARD_URL: consumer.url, FORWARD_SECRET });
  const c = client(w);
  try {
    const old = new Date(Date.now() - 31 * DAY);
    const recent = new Date(Date.now() - 29 * DAY);
    // The review's replay: a correctly signed Klink event, as captured, after its record is gone.
    const stale = klink("message.delivered", "k-old", old.toISOString());
    const r = await c.post("/webhooks/klink", stale, { "x-signature": sign(stale) });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.error, /older than EVENT_RETENTION_DAYS/);
    // Every provider whose events carry a time of their own.
    const textlink = fixture("textlink-received.json").replace("1748455363370", String(old.getTime()));
    assert.equal((await c.post("/webhooks/textlink", textlink)).status, 400, "TextLink's timestamp");
    const relay = JSON.stringify({ event_type: "status", message_id: "msg-old", status: "delivered", created_at: old.toISOString() });
    assert.equal((await c.post("/webhooks/relay", relay, { authorization: "Bearer relay-token" })).status, 400, "the relay's created_at");
    assert.equal(await c.count(), 0, "nothing stored");
    assert.equal((await c.get("/v1/status/klink/k-old")).status, 404, "no status moved");
    // Within retention, the same kinds are taken.
    const fresh = klink("message.delivered", "k-new", recent.toISOString());
    assert.equal((await c.post("/webhooks/klink", fresh, { "x-signature": sign(fresh) })).status, 200);
    assert.equal((await c.post("/webhooks/textlink", textlink.replace(String(old.getTime()), String(recent.getTime())))).status, 200);
    await until(() => consumer.seen.length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(consumer.seen.length, 2, "only the events within retention were forwarded");
    assert.ok(consumer.seen.every(({ body }) => !body.includes("k-old")));
  } finally {
    await w.mf.dispose();
    await consumer.close();
  }
});

test("malformed paths and percent-encoding are 4xx, never a storage error", async () => {
  const w = await startWorker();
  const c = client(w);
  try {
    for (const path of ["/webhooks/teklink/%E0%A4%A", "/webhooks/teklink/%E0%A4", "/webhooks/teklink/%", "/webhooks/%ZZ"]) {
      const r = await c.post(path, "{}");
      assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
      assert.equal(r.json.ok, false);
    }
    for (const path of ["/v1/status/%ZZ", "/v1/status/relay/%E0%A4%A", "/v1/events?since=%ZZ", "/v1/events?limit=%"]) {
      const r = await c.get(path);
      assert.equal(r.status, 400, path);
    }
    assert.equal(await c.count(), 0);
  } finally {
    await w.mf.dispose();
  }
});

test("the /v1 token works only with the Bearer scheme", async () => {
  const w = await startWorker();
  const c = client(w);
  try {
    assert.equal((await c.get("/v1/events", "reader-token")).status, 401);
    assert.equal((await c.get("/v1/events", "Token reader-token")).status, 401);
    assert.equal((await c.get("/v1/events", "Bearer reader-token")).status, 200);
    assert.equal((await c.get("/v1/status/relay/x", "reader-token")).status, 401);
  } finally {
    await w.mf.dispose();
  }
});

test("forwarded deliveries are Standard Webhooks: the standardwebhooks library and verifyWebhook accept them", async () => {
  const consumer = await startConsumer((_, n) => (n <= 2 ? 500 : 200));
  const w = await startWorker({ FORWARD_URL: consumer.url, FORWARD_SECRET });
  const c = client(w);
  try {
    assert.equal((await c.post("/webhooks/textlink", fixture("textlink-received.json"))).status, 200);
    await until(() => consumer.seen.length >= 3);
    await until(async () => (await c.count("forward_due IS NOT NULL")) === 0);
    assert.equal(consumer.seen.length, 3, "two refusals, then accepted once");
    const stored = (await w.db.prepare("SELECT id, body FROM events").first());
    for (const { body, headers } of consumer.seen) {
      assert.equal(body, stored.body, "the stored event, byte for byte");
      assert.equal(headers["webhook-id"], stored.id);
      assert.match(headers["webhook-timestamp"], /^\d+$/);
      assert.match(headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/);
      assert.equal(headers["edgetext-signature"], undefined);
      // A library none of us wrote.
      assert.deepEqual(new Webhook(FORWARD_SECRET).verify(body, headers), JSON.parse(body));
      assert.throws(() => new Webhook("whsec_aGVsbG8gd29ybGQ=").verify(body, headers));
      assert.equal(verifyWebhook(body, headers, FORWARD_SECRET), true);
      assert.equal(verifyWebhook(new TextEncoder().encode(body), new Headers(headers), FORWARD_SECRET), true);
      assert.equal(verifyWebhook(body, headers, ""), false, "an empty secret never verifies");
      assert.equal(verifyWebhook(body, headers, "whsec_"), false);
      assert.equal(verifyWebhook(body.replace("Working", "Wording"), headers, FORWARD_SECRET), false);
      assert.equal(verifyWebhook(body, headers, FORWARD_SECRET, { now: Date.now() + 301_000 }), false, "too old");
      assert.equal(verifyWebhook(body, headers, FORWARD_SECRET, { now: Date.now() + 301_000, toleranceSeconds: 600 }), true);
    }
  } finally {
    await w.mf.dispose();
    await consumer.close();
  }
});

test("verifyWebhook agrees with the standardwebhooks library on its own signatures", () => {
  const wh = new Webhook(FORWARD_SECRET);
  const ts = new Date();
  const body = '{"id":"evt_x","n":1}';
  const signature = wh.sign("evt_x", ts, body);
  const headers = { "webhook-id": "evt_x", "webhook-timestamp": String(Math.floor(ts / 1000)), "webhook-signature": signature };
  assert.equal(verifyWebhook(body, headers, FORWARD_SECRET), true);
  assert.equal(verifyWebhook(body, { ...headers, "webhook-signature": `v1,AAAA ${signature}` }, FORWARD_SECRET), true, "one of several");
  assert.equal(verifyWebhook(body, { ...headers, "webhook-id": "evt_y" }, FORWARD_SECRET), false);
  assert.equal(verifyWebhook(body, {}, FORWARD_SECRET), false);
  assert.equal(verifyWebhook("", {}, ""), false);
});

test("the shipped wrangler.toml and the demo's run the scheduled handler on a Cron Trigger", async () => {
  const { parse } = await import("smol-toml");
  for (const file of ["worker/wrangler.toml", "worker/demo/wrangler.toml"]) {
    const crons = parse(readFileSync(join(root, file), "utf8")).triggers?.crons ?? [];
    assert.ok(crons.length > 0, `${file} has a cron trigger`);
  }
});
