/** A provider edgetext can talk to. */
export type ProviderName = "textlink" | "teklink" | "relay" | "klink";
/** A Phone Relay channel. */
export type RelayChannel = "sms" | "wa" | "tg" | "notify" | "email" | "tg_bot" | "pchat";

/** Settings for codes signed by the SDK (every provider but textlink). */
export interface OtpConfig {
  /** HMAC key, at least 32 bytes. */
  secret: string;
  /** Digits per code, 4-10 (default 6). */
  length?: number;
  /** Lifetime of a code in seconds (default 600). */
  ttlSeconds?: number;
  /** Message text; `{code}`, `{service}` and `{minutes}` are filled in. */
  template?: string;
}

interface CommonConfig {
  /** Bearer token; never logged, never in an error or a receipt. */
  apiKey: string;
  /** The provider's base URL (default: the documented one; required for relay). */
  baseUrl?: string;
  /** Per HTTP attempt, in ms (default 10000). */
  timeoutMs?: number;
  /** Retries that cannot cause a second delivery (default 2). */
  maxRetries?: number;
  /** Signed one-time codes. */
  otp?: OtpConfig;
  /** Base URL of an edgetext worker that answers `status()`. */
  statusUrl?: string;
  /** Bearer token for `statusUrl` (the worker's EDGETEXT_API_TOKEN). */
  statusToken?: string;
  /** Base URL of an edgetext worker: `sendCode`/`verifyCode` go to its `/v1/otp/*` routes (not with `otp`). */
  otpUrl?: string;
}

/** TextLink settings. */
export interface TextLinkConfig extends CommonConfig { provider: "textlink"; simCardId?: number; }
/** Teklink ChatServ settings. */
export interface TeklinkConfig extends CommonConfig {
  provider: "teklink";
  channelId: string;
  fromName?: string;
  /** `"body"` sends `api_token` in the JSON body instead of the header. */
  auth?: "bearer" | "body";
}
/** Phone Relay settings. */
export interface RelayConfig extends CommonConfig {
  provider: "relay";
  baseUrl: string;
  phoneId: string;
  channel?: RelayChannel;
  source?: string;
}
/** Klink CX settings. */
export interface KlinkConfig extends CommonConfig { provider: "klink"; }
/**
 * A client without a key (a browser): only `sendCode` and `verifyCode`, through
 * the edgetext worker at `otpUrl`; every other operation is `invalid_config`.
 */
export interface OtpWorkerConfig {
  /** The provider the worker sends through (reported in tickets). */
  provider: ProviderName;
  /** Base URL of an edgetext worker with `/v1/otp/send` and `/v1/otp/verify`. */
  otpUrl: string;
  apiKey?: undefined;
  /** Per HTTP attempt, in ms (default 10000). */
  timeoutMs?: number;
  /** Retries of a verify that cannot have reached the worker, and waits for a short `Retry-After` (default 2). */
  maxRetries?: number;
}
/** `new Client(config)`. */
export type ClientConfig = TextLinkConfig | TeklinkConfig | RelayConfig | KlinkConfig | OtpWorkerConfig;

/** A message; a field the configured provider does not have is an `invalid_input` error. */
export interface Message {
  /** Recipient: phone number, `@username` (relay tg), e-mail (relay email); not for klink. */
  to?: string;
  text?: string;
  /** teklink */ templateId?: string;
  /** teklink */ conversationState?: "open" | "closed";
  /** teklink */ fromName?: string;
  /** teklink */ duplicateSendRejectTimeoutMinutes?: number;
  /** teklink */ forceSend?: boolean;
  /** teklink */ sendDelaySeconds?: number;
  /** textlink */ simCardId?: number;
  /** textlink */ customId?: string;
  /** relay */ channel?: RelayChannel;
  /** relay */ subject?: string;
  /** relay */ title?: string;
  /** relay */ botToken?: string;
  /** relay */ source?: string;
  /** relay */ idempotencyKey?: string;
  /** klink: the contact's UUID */ contactId?: string;
  /** klink (default "text") */ messageType?: string;
}

/** How a text is split into SMS segments. */
export interface SegmentInfo {
  encoding: "GSM-7" | "UCS-2";
  count: number;
  units: number;
  perSegment: number;
  /** Units still free in the last segment. */
  remaining: number;
}

/** What the provider answered to a send. */
export interface SendReceipt {
  provider: ProviderName;
  /** relay message_id, klink data.id, textlink custom_id; null for teklink. */
  id: string | null;
  status: "queued" | "sent";
  /** The relay answered 200 for a repeated idempotency key. */
  duplicate: boolean;
  to: string;
  segments: SegmentInfo;
  /** relay only: the idempotency key sent. */
  idempotencyKey?: string;
  /** The provider's JSON body, unchanged. */
  raw: unknown;
}

/** `sendCode(request)`. */
export interface CodeRequest {
  to?: string;
  /** klink: the contact's UUID (instead of `to`). */
  contactId?: string;
  serviceName: string;
  /** 4-10 digits (signed codes only; the worker sets its own). */
  length?: number;
  ttlSeconds?: number;
  /** textlink */ customId?: string;
  /** textlink */ simCardId?: number;
}

/** Proof that a code was sent; the code itself is never returned. */
export interface CodeTicket {
  provider: ProviderName;
  to: string;
  /** "worker": an edgetext worker (`otpUrl`) keeps the code; `token` is null. */
  mode: "provider" | "signed" | "worker";
  expiresAt: string;
  token: string | null;
}

/** `verifyCode(request)`. */
export interface VerifyRequest {
  to?: string;
  /** klink: the contact's UUID (instead of `to`). */
  contactId?: string;
  code: string;
  token?: string | null;
}

/** The result of `verifyCode`. */
export interface Verification {
  valid: boolean;
  /**
   * null when valid; else "mismatch", "expired", "malformed_token" or the provider's message;
   * through a worker also "no_code", "spent" (already used) or "too_many_attempts" (5 checks made).
   */
  reason: string | null;
}

/** Where a message is. */
export interface MessageStatus {
  id: string;
  provider: string;
  status: "queued" | "sending" | "sent" | "delivered" | "failed" | "received" | "unknown";
  error: string | null;
  createdAt: string | null;
  deliveredAt: string | null;
  raw: unknown;
}

/** `updateContactTag(request)` (textlink). */
export interface ContactTagRequest { to: string; tag: string; }

/** `inboundQuery(filter)` (relay); `phoneId` defaults to the client's. */
export interface InboundFilter {
  phoneId?: string;
  range?: string;
  channels?: string[];
  eventTypes?: string[];
  tags?: string[];
  tagMode?: "any" | "all";
  sourceContains?: string;
  minDurationSec?: number;
  hasResponse?: boolean;
  sort?: string;
  limit?: number;
}

/** `registerCallback(callback)` (relay). */
export interface InboundCallback {
  callbackUrl: string;
  channels?: string[];
  sourceFilter?: string;
  eventTypes?: string[];
  keywordFilter?: string;
  minDurationSec?: number;
  maxDurationSec?: number;
  callbackToken?: string;
  active?: boolean;
}

/** A provider's JSON answer, unchanged. */
export type ProviderAnswer = { [key: string]: unknown };

/** A unified inbound event. */
export interface InboundEvent {
  id: string;
  provider: ProviderName;
  type: "message.received" | "message.sent" | "message.failed" | "message.status" | "contact.tag_changed" | "call.missed" | "call.answered" | "call";
  from: string | null;
  to: string | null;
  text: string | null;
  channel: string | null;
  messageId: string | null;
  status: MessageStatus["status"] | null;
  error: string | null;
  tag: string | null;
  occurredAt: string;
  raw: unknown;
}

/** The client operations, by their method names. */
export type OperationName =
  | "send" | "sendCode" | "verifyCode" | "status" | "updateContactTag"
  | "listMessages" | "health" | "inboundQuery" | "listCallbacks" | "registerCallback" | "deleteCallback";

/** A request the JS driver must send (after waiting `delayMs`). */
export interface PendingFetch {
  method: "GET" | "POST" | "DELETE";
  url: string;
  headers: [string, string][];
  body: string | null;
  timeoutMs: number;
  delayMs: number;
}
