// Type-checked (tsc --strict, module nodenext) in the scratch project: the
// published declarations for import and for edgetext/web.
import { Client, EdgetextError, Failover, memoryStore, normalizePhone, segments, type Attempt, type EventKind, type InboundEvent, type ErrorCode, type FailoverReceipt, type RequestRecord, type SegmentInfo, type SendReceipt } from "edgetext";
import init, { segments as webSegments, EdgetextError as WebError } from "edgetext/web";

const info: SegmentInfo = segments("hello");
const e164: string = normalizePhone("+1 212 555 1212", { defaultCountry: "US" });
const client = new Client({ provider: "relay", apiKey: "k", baseUrl: "http://127.0.0.1", phoneId: "p" });
const receipt: Promise<SendReceipt> = client.send({ to: e164, text: "hi" });

// A client is typed by its provider: its message fields and extras, no others.
const tl = new Client({ provider: "textlink", apiKey: "k" });
// @ts-expect-error relay's idempotencyKey is not a textlink message field
void tl.send({ to: e164, text: "x", idempotencyKey: "k" });
// @ts-expect-error health() is relay's extra
void tl.health();
void tl.updateContactTag({ to: e164, tag: "vip" });
void client.health();
// @ts-expect-error updateContactTag() is textlink's extra
void client.updateContactTag({ to: e164, tag: "vip" });
const kl = new Client({ provider: "klink", apiKey: "k" });
// @ts-expect-error klink addresses a contactId, not to
void kl.send({ to: e164, text: "x" });
void kl.send({ contactId: "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4", text: "x" });

function describe(err: unknown): string {
  if (!(err instanceof EdgetextError)) return "other";
  const code: ErrorCode = err.code;
  const status: number | null = err.httpStatus;
  const retry: boolean = err.retryable;
  const after: number | null = err.retryAfterSeconds;
  return `${code} ${status} ${retry} ${after} ${err.provider} ${err.providerMessage} ${err.message}`;
}

await init();
const web: SegmentInfo = webSegments("x");
const made: WebError = new WebError("bad", { code: "invalid_input" });
export { info, receipt, describe, web, made };

// Failover: Clients and configs; its message has every provider's fields, and only those.
const failover = new Failover([tl, { provider: "relay", apiKey: "k", baseUrl: "http://127.0.0.1", phoneId: "p" }], { fetch });
const sent: Promise<FailoverReceipt> = failover.send({ to: e164, text: "x", customId: "c", idempotencyKey: "k", fromName: "Acme" });
void sent.then((r) => {
  const who: string = r.provider;
  const tried: Array<[string, ErrorCode | null]> = r.attempts.map((a) => [a.provider, a.error]);
  return [who, tried];
});
// @ts-expect-error no provider has colour
void failover.send({ to: e164, text: "x", colour: "red" });
// onRequest: a typed record; never a function's return value that matters.
const watched = new Client({
  provider: "teklink",
  apiKey: "k",
  channelId: "c",
  onRequest: (r: RequestRecord) => {
    const outcome: "ok" | ErrorCode = r.outcome;
    const status: number | null = r.status;
    const id: string | null = r.requestId;
    return [outcome, status, id, r.operation === "send", r.method === "POST", r.attempt + r.durationMs];
  },
});
void watched;
// @ts-expect-error onRequest is a function
void new Client({ provider: "textlink", apiKey: "k", onRequest: "log" });
function attemptsOf(err: unknown): Attempt[] {
  return err instanceof EdgetextError ? err.attempts ?? [] : [];
}
void attemptsOf;
// What is absent in a result is null at run time (serde-wasm-bindgen's JSON-compatible
// serializer), and typed so: `string | undefined` here would not compile.
void receipt.then((r) => {
  const id: string | null = r.id;
  return id;
});
void tl.verifyCode({ to: e164, code: "123456" }).then((v) => {
  const reason: string | null = v.reason;
  return reason;
});
void tl.sendCode({ to: e164, serviceName: "Acme" }).then((t) => {
  const token: string | null = t.token;
  return token;
});
void client.status("m1").then((s) => {
  const missing: Array<string | null> = [s.error, s.createdAt, s.deliveredAt];
  return missing;
});
function eventText(e: InboundEvent): string | null {
  const kind: EventKind = e.type;
  return kind === "message.received" ? e.text : e.messageId;
}
void eventText;
// A ticket's token goes back into verifyCode as it came (null when the ticket has none).
void tl.sendCode({ to: e164, serviceName: "Acme" }).then((t) => tl.verifyCode({ to: e164, code: "123456", token: t.token }));
// A provider's own config fields belong to it: channelId is Teklink's.
// @ts-expect-error channelId is not a textlink config field
void new Client({ provider: "textlink", apiKey: "k", channelId: "c" });
void new Client({ provider: "teklink", apiKey: "k", channelId: "c", fromName: "Acme", auth: "body" });
// A store counts checks with an atomic incr; a get/put (KV-shaped) store is not one.
const secret = "0123456789abcdef0123456789abcdef";
void new Client({ provider: "relay", apiKey: "k", baseUrl: "http://127.0.0.1", phoneId: "p", otp: { secret, store: memoryStore() } });
void new Client({ provider: "relay", apiKey: "k", baseUrl: "http://127.0.0.1", phoneId: "p", otp: { secret, store: { incr: async (_key: string, _ttl: number) => 1 } } });
// @ts-expect-error a get/put store cannot count atomically
void new Client({ provider: "relay", apiKey: "k", baseUrl: "http://127.0.0.1", phoneId: "p", otp: { secret, store: { get: async () => null, put: async () => {} } } });
// Worker mode: a valid check carries the worker's assertion for the app's server.
void new Client({ provider: "relay", otpUrl: "https://otp.example" }).verifyCode({ to: e164, code: "123456" }).then((v) => {
  const proof: string | null = v.assertion;
  return proof;
});
