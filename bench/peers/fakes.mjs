// Local fakes of the providers the peer SDKs talk to, one HTTP server each on
// 127.0.0.1, answering what each SDK expects (read from the SDKs: the path
// it posts to and the answer it parses). Anything else is a 404, so an SDK
// that posts elsewhere fails the bench instead of being measured.
// Run alone (`node bench/peers/fakes.mjs`), it prints {name: url} as one JSON
// line and serves until SIGTERM; imported, startFakes() serves in-process.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const SID = "SM5d2c5f7e0b8a4d3c9e1f2a3b4c5d6e7f";
const ACCOUNT = "AC00000000000000000000000000000000";
const NOW = "2026-12-01T12:00:00.000Z";

/** Per fake: the request it serves, and its answer (status, JSON body). */
export const FAKES = {
  // TextLink (shared/providers/textlink.txt): what edgetext and the hand-written fetch send.
  textlink: { path: /^\/api\/send-sms$/, status: 200, body: { ok: true, queued: true } },
  // Bird: POST /v1/sms/messages answers 202 with the SmsMessage (dist/index.d.mts).
  bird: {
    path: /^\/v1\/sms\/messages$/,
    status: 202,
    body: {
      id: "0f6e2d4c-8b1a-4c3e-9d5f-7a6b5c4d3e2f", direction: "outbound", status: "accepted", to: "+12125551212", from: "+15557654321",
      text: "Your order shipped", category: "transactional", segments: { count: 1, encoding: "GSM_7BIT" }, created_at: NOW,
    },
  },
  // Telnyx: POST /v2/messages answers 200 with { data: OutboundMessage }.
  telnyx: {
    path: /^\/v2\/messages$/,
    status: 200,
    body: {
      data: {
        record_type: "message", direction: "outbound", id: "40385f64-5717-4562-b3fc-2c963f66afa6", type: "SMS",
        messaging_profile_id: "4001767e-ce0f-4cae-9d5f-0d5e636e7809", from: { phone_number: "+15557654321", carrier: "Telnyx", line_type: "Wireless" },
        to: [{ phone_number: "+12125551212", status: "queued", carrier: "T-Mobile USA", line_type: "Wireless" }],
        text: "Your order shipped", media: [], encoding: "GSM-7", parts: 1, tags: [], cost: null, received_at: NOW,
        sent_at: null, completed_at: null, valid_until: null, errors: [],
      },
    },
  },
  // Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json answers 201 with the Message resource.
  twilio: {
    path: /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json$/,
    status: 201,
    body: {
      account_sid: ACCOUNT, api_version: "2010-04-01", body: "Your order shipped", date_created: "Tue, 01 Dec 2026 12:00:00 +0000",
      date_sent: null, date_updated: "Tue, 01 Dec 2026 12:00:00 +0000", direction: "outbound-api", error_code: null, error_message: null,
      from: "+15557654321", messaging_service_sid: null, num_media: "0", num_segments: "1", price: null, price_unit: "USD", sid: SID,
      status: "queued", subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${SID}/Media.json` }, to: "+12125551212",
      uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/${SID}.json`,
    },
  },
};

/**
 * Starts every fake; `onRequest(name, request, body, arrivedNs)` is told of
 * each request served (arrivedNs: process.hrtime.bigint() when its headers
 * arrived). Resolves to { urls, close }.
 */
export async function startFakes(onRequest = () => {}) {
  const servers = [];
  const urls = {};
  for (const [name, fake] of Object.entries(FAKES)) {
    const answer = JSON.stringify(fake.body);
    const server = createServer((req, res) => {
      const arrived = process.hrtime.bigint();
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const ok = req.method === "POST" && fake.path.test(new URL(req.url, "http://x").pathname);
        onRequest(name, req, body, arrived);
        const text = ok ? answer : '{"error":"not found"}';
        res.writeHead(ok ? fake.status : 404, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        res.end(text);
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    urls[name] = `http://127.0.0.1:${server.address().port}`;
  }
  const close = () => Promise.all(servers.map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
  return { urls, close };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { urls, close } = await startFakes();
  console.log(JSON.stringify(urls));
  process.on("SIGTERM", () => close().then(() => process.exit(0)));
}
