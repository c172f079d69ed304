// The provider sandbox of the demo worker: sandbox/emulator.mjs (the
// emulator the core and worker tests use) mounted under /sandbox in one
// Durable Object.
//
// Why a Durable Object rather than D1: the emulator's store contract is a
// sorted key-value store (get/put/delete/list(prefix)), which is exactly a
// Durable Object's storage, and the emulator needs its state changes to be
// made one at a time, which one object instance gives for free. Its alarm
// also drives the message lifecycle (queued → sending → sent → delivered or
// failed over four seconds) without any request coming in.
//
// Webhooks go to this worker's own /webhooks routes, with the secrets the
// worker checks, by calling its fetch handler in-process (no self-fetch).
import { createEmulator, TIMELINE } from "../../sandbox/emulator.mjs";
import demo, { FAIL_DIGIT } from "./app.mjs";

const TICK_MS = 400;
/** How long after a message's last stage the alarm keeps ticking (webhook retries). */
const GRACE_MS = 3000;
const SECRET_NAMES = ["TEXTLINK_WEBHOOK_SECRET", "TEKLINK_WEBHOOK_SECRET", "RELAY_CALLBACK_TOKEN", "KLINK_WEBHOOK_SECRET", "EDGETEXT_API_TOKEN", "DEMO_TOKEN", "OTP_SECRET"];

/** The emulator's store contract over Durable Object storage (both sorted by key). */
const storageStore = (storage) => ({
  get: (key) => storage.get(key),
  put: (key, value) => storage.put(key, value),
  delete: (key) => storage.delete(key),
  list: async (prefix = "") => [...(await storage.list({ prefix }))],
});

/** The webhook settings of each provider, pointing at this worker, with its secrets. */
function webhookConfig(origin, env) {
  const textlink = `${origin}/webhooks/textlink`;
  return {
    textlink: {
      url: `${textlink}?event=received`,
      receivedUrl: `${textlink}?event=received`,
      sentUrl: `${textlink}?event=sent`,
      failedUrl: `${textlink}?event=failed`,
      tagUrl: `${textlink}?event=tag`,
      secret: env.TEXTLINK_WEBHOOK_SECRET,
    },
    teklink: { url: `${origin}/webhooks/teklink/${encodeURIComponent(env.TEKLINK_WEBHOOK_SECRET ?? "")}` },
    relay: { url: `${origin}/webhooks/relay`, token: env.RELAY_CALLBACK_TOKEN },
    klink: { url: `${origin}/webhooks/klink`, secret: env.KLINK_WEBHOOK_SECRET },
  };
}

export class Sandbox {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
    this.hooks = {};
    this.origin = null;
    this.useOrigin("http://127.0.0.1:8787");
    this.emulator = createEmulator({
      store: storageStore(ctx.storage),
      prefix: "/sandbox",
      failDigit: FAIL_DIGIT,
      webhooks: this.hooks,
      fetch: (url, init) => demo.fetch(new Request(url, init), env, { waitUntil: (p) => ctx.waitUntil(p), passThroughOnException() {} }),
    });
  }

  /** Webhook URLs name the origin the sandbox was last reached at (they are delivered in-process either way). */
  useOrigin(origin) {
    if (origin === this.origin) return;
    this.origin = origin;
    for (const key of Object.keys(this.hooks)) delete this.hooks[key];
    Object.assign(this.hooks, webhookConfig(origin, this.env));
  }

  async fetch(request) {
    const url = new URL(request.url);
    this.useOrigin(url.origin);
    const response = await this.emulator.handle(request);
    await this.schedule();
    // Control answers (the webhook log, inbound deliveries) carry the webhook
    // secrets the sandbox sent; they never leave the worker.
    return url.pathname.startsWith("/sandbox/__emulator") ? this.redact(response) : response;
  }

  async alarm() {
    await this.emulator.tick();
    await this.schedule();
  }

  /** Keeps an alarm set while a message has a stage or a webhook still to come. */
  async schedule() {
    const now = Date.now();
    let busy = (await this.ctx.storage.list({ prefix: "outbox:", limit: 1 })).size > 0;
    if (!busy) {
      for (const m of (await this.ctx.storage.list({ prefix: "msg:" })).values()) {
        if (now < m.startAt + TIMELINE.final + GRACE_MS) {
          busy = true;
          break;
        }
      }
    }
    if (busy && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + TICK_MS);
  }

  async redact(response) {
    let text = await response.text();
    for (const name of SECRET_NAMES) {
      const value = this.env[name];
      if (value) text = text.split(value).join("[redacted]").split(encodeURIComponent(value)).join("[redacted]");
    }
    return new Response(text, { status: response.status, headers: response.headers });
  }
}
