// The SDKs a user would otherwise pick, each as the bench drives it: how a
// Node program makes a client against its fake (the SDK's own base-URL
// override) and sends one SMS, the page a browser app would build with it,
// and the hand-written fetch of the very request the SDK sends (its "own
// raw fetch": the body written by hand, the headers the SDK sent, minus
// those fetch adds by itself; bench/peers.mjs checks the two match).
// Nothing here imports an SDK until `start` is called, so that a fresh
// process can time the import.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../lib.mjs";
import { MESSAGE, sendByHand } from "../textlink.mjs";

const FROM = "+15557654321";
const TWILIO_SID = "AC00000000000000000000000000000000";
const expect = (ok, what, got) => {
  if (!ok) throw new Error(`${what}: unexpected answer ${JSON.stringify(got)}`);
};

export const SDKS = {
  edgetext: {
    label: "edgetext",
    fake: "textlink",
    async start(url) {
      const { Client } = await import(pathToFileURL(join(root, "pkg", "index.mjs")));
      const client = new Client({ provider: "textlink", apiKey: "test-textlink-key", baseUrl: url });
      return async () => {
        const receipt = await client.send(MESSAGE);
        expect(receipt.status === "queued", "edgetext", receipt);
      };
    },
    // Its own raw fetch is the hand-written fetch below (same request, checked by bench/send.mjs).
    rawOf: "fetch",
  },
  fetch: {
    label: "hand-written fetch",
    fake: "textlink",
    async start(url) {
      return () => sendByHand(url);
    },
    page: [
      'document.querySelector("button")?.addEventListener("click", async () => {',
      "  const controller = new AbortController();",
      "  const timer = setTimeout(() => controller.abort(), 10_000);",
      "  try {",
      '    const res = await fetch("https://textlinksms.com/api/send-sms", {',
      '      method: "POST",',
      '      headers: { Authorization: "Bearer key-from-your-server", "Content-Type": "application/json" },',
      '      body: JSON.stringify({ phone_number: "+12125551212", text: "Your order shipped", custom_id: crypto.randomUUID() }),',
      "      signal: controller.signal,",
      "    });",
      "    console.log((await res.json()).ok);",
      "  } finally {",
      "    clearTimeout(timer);",
      "  }",
      "});",
    ],
    rawOf: "fetch",
  },
  bird: {
    label: "Bird",
    package: "@messagebird/sdk",
    fake: "bird",
    async start(url) {
      const { BirdClient } = await import("@messagebird/sdk");
      const bird = new BirdClient({ apiKey: "bk_us1_test", baseUrl: url });
      return async () => {
        const msg = await bird.sms.send({ from: FROM, ...MESSAGE, category: "transactional" });
        expect(msg.status === "accepted", "bird", msg);
      };
    },
    page: [
      'import { BirdClient } from "@messagebird/sdk";',
      'const bird = new BirdClient({ apiKey: "bk_us1_key-from-your-server" });',
      'document.querySelector("button")?.addEventListener("click", async () => {',
      '  const msg = await bird.sms.send({ from: "+15557654321", to: "+12125551212", text: "Your order shipped", category: "transactional" });',
      "  console.log(msg.id);",
      "});",
    ],
    raw: {
      path: "/v1/sms/messages",
      timeoutMs: 60_000,
      body: () => JSON.stringify({ from: FROM, to: MESSAGE.to, text: MESSAGE.text, category: "transactional" }),
      fresh: { "idempotency-key": () => crypto.randomUUID() },
      ok: (status, json) => status === 202 && json.status === "accepted",
    },
  },
  telnyx: {
    label: "telnyx",
    package: "telnyx",
    fake: "telnyx",
    async start(url) {
      const { default: Telnyx } = await import("telnyx");
      const telnyx = new Telnyx({ apiKey: "KEY_test", baseURL: `${url}/v2` });
      return async () => {
        const r = await telnyx.messages.send({ from: FROM, ...MESSAGE });
        expect(r.data?.to?.[0]?.status === "queued", "telnyx", r);
      };
    },
    page: [
      'import Telnyx from "telnyx";',
      'const telnyx = new Telnyx({ apiKey: "key-from-your-server" });',
      'document.querySelector("button")?.addEventListener("click", async () => {',
      '  const r = await telnyx.messages.send({ from: "+15557654321", to: "+12125551212", text: "Your order shipped" });',
      "  console.log(r.data?.id);",
      "});",
    ],
    raw: {
      path: "/v2/messages",
      timeoutMs: 60_000,
      body: () => JSON.stringify({ from: FROM, to: MESSAGE.to, text: MESSAGE.text }),
      fresh: {},
      ok: (status, json) => status === 200 && json.data?.to?.[0]?.status === "queued",
    },
  },
  twilio: {
    label: "twilio",
    package: "twilio",
    fake: "twilio",
    async start(url) {
      const { default: twilio } = await import("twilio");
      const client = twilio(TWILIO_SID, "test-auth-token");
      client.api.baseUrl = url;
      return async () => {
        const m = await client.messages.create({ from: FROM, to: MESSAGE.to, body: MESSAGE.text });
        expect(m.status === "queued", "twilio", m);
      };
    },
    page: null,
    nodeOnly: "Node only: its HTTP client is axios over node:http/https, with node:os, node:crypto and jsonwebtoken",
    raw: {
      path: `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`,
      timeoutMs: 30_000,
      body: () => `To=${encodeURIComponent(MESSAGE.to)}&From=${encodeURIComponent(FROM)}&Body=${encodeURIComponent(MESSAGE.text)}`,
      fresh: {},
      ok: (status, json) => status === 201 && json.status === "queued",
    },
  },
};

/** Headers fetch writes by itself (or that name the connection): not copied from a captured request. */
export const FETCH_OWN = new Set(["host", "connection", "content-length", "accept-encoding", "accept-language", "sec-fetch-mode", "transfer-encoding"]);

/** The SDK's request by hand: its body written here, the headers it sent (`captured`), fresh ids. */
export function rawFetch(sdk, url, captured) {
  const spec = SDKS[sdk].raw;
  const fixed = Object.fromEntries(Object.entries(captured).filter(([k]) => !FETCH_OWN.has(k) && !(k in spec.fresh)));
  return async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), spec.timeoutMs);
    try {
      const headers = { ...fixed };
      for (const [k, make] of Object.entries(spec.fresh)) headers[k] = make();
      const res = await fetch(url + spec.path, { method: "POST", headers, body: spec.body(), signal: controller.signal });
      const json = await res.json();
      expect(spec.ok(res.status, json), `${sdk} by hand`, json);
    } finally {
      clearTimeout(timer);
    }
  };
}
