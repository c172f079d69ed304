/* tslint:disable */
/* eslint-disable */
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



/**
 * One operation in flight, driven from JavaScript.
 */
export class RawCall {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Feeds a failed fetch: `aborted` after the timeout fired, else the
     * error's `code` (Node's `ECONNREFUSED`, …) when it has one.
     */
    fail(aborted: boolean, code: string | null | undefined, message: string, now_ms: number): void;
    /**
     * The next request as `{ method, url, headers, body, timeoutMs, delayMs }`,
     * or `undefined` when the call is done.
     */
    next(): PendingFetch | undefined;
    /**
     * Feeds an HTTP answer.
     */
    respond(status: number, retry_after: string | null | undefined, body: string, now_ms: number): void;
    /**
     * The result once done; throws the `EdgetextError` if the call failed.
     */
    result(): any;
}

/**
 * The validated client behind the package's `Client` class.
 */
export class RawClient {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Validates `config`; throws `invalid_config` naming the bad field.
     */
    constructor(config: ClientConfig);
    /**
     * Starts an operation by its JS method name; bad input gives a call that is already done.
     */
    start(op: OperationName, arg: any): RawCall;
    /**
     * The configured provider.
     */
    readonly provider: ProviderName;
}

/**
 * The ISO 3166 alpha-2 country of an E.164 number (`"US"`, `"GB"`, …), or
 * `undefined` when its calling code is not one edgetext knows.
 */
export function countryOf(e164: string): string | undefined;

/**
 * Normalises a phone number to E.164; throws `invalid_phone`.
 */
export function normalizePhone(input: string, options: { defaultCountry?: string }): string;

/**
 * Compares two secrets in constant time.
 */
export function secretEquals(a: string, b: string): boolean;

/**
 * Counts the SMS segments of `text` (GSM-7 160/153, UCS-2 70/67).
 */
export function segments(text: string): SegmentInfo;

/**
 * Checks a delivery from an edgetext worker (Standard Webhooks): the
 * `webhook-signature` must be the HMAC of `webhook-id`.`webhook-timestamp`.body
 * under `secret` (`whsec_<base64>`), the timestamp within
 * `toleranceSeconds` (default 300) of now. An empty secret never verifies.
 */
export function verifyWebhook(body: string | Uint8Array, headers: Headers | Record<string, string | string[] | undefined> | [string, string][], secret: string, options?: { toleranceSeconds?: number; now?: number }): boolean;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __setErrorClass: (a: any) => void;
    readonly __wbg_rawcall_free: (a: number, b: number) => void;
    readonly __wbg_rawclient_free: (a: number, b: number) => void;
    readonly countryOf: (a: number, b: number) => [number, number];
    readonly normalizePhone: (a: number, b: number, c: any) => [number, number, number, number];
    readonly rawcall_fail: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
    readonly rawcall_next: (a: number) => any;
    readonly rawcall_respond: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
    readonly rawcall_result: (a: number) => [number, number, number];
    readonly rawclient_new: (a: any) => [number, number, number];
    readonly rawclient_provider: (a: number) => [number, number];
    readonly rawclient_start: (a: number, b: number, c: number, d: any) => [number, number, number];
    readonly secretEquals: (a: number, b: number, c: number, d: number) => number;
    readonly segments: (a: number, b: number) => any;
    readonly verifyWebhook: (a: any, b: any, c: number, d: number, e: number) => number;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
