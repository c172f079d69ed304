// Type-checked (tsc --strict, module nodenext) in the scratch project: the
// published declarations for import and for edgetext/web.
import { Client, EdgetextError, normalizePhone, segments, type ErrorCode, type SegmentInfo, type SendReceipt } from "edgetext";
import init, { segments as webSegments, EdgetextError as WebError } from "edgetext/web";

const info: SegmentInfo = segments("hello");
const e164: string = normalizePhone("+1 212 555 1212", { defaultCountry: "US" });
const client = new Client({ provider: "relay", apiKey: "k", baseUrl: "http://127.0.0.1", phoneId: "p" });
const receipt: Promise<SendReceipt> = client.send({ to: e164, text: "hi" });

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
