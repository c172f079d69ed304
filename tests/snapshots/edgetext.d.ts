/* tslint:disable */
/* eslint-disable */

/** `memoryStore()`: counts kept in memory; each vanishes after its time to live. */
export interface MemoryStore {
    /** Adds one to the count under `key` and returns it: 1 for a new key or one whose time ran out, which then lives `ttlSeconds` (at least 1). */
    incr(key: string, ttlSeconds: number): number;
    /** Frees the wasm memory now rather than at garbage collection. */
    free(): void;
}


/**
 * A Klink CX message, to a contact.
 */
export interface KlinkMessage {
    /**
     * The contact's UUID.
     */
    contactId: string;
    /**
     * The text.
     */
    text: string;
    /**
     * The message type (default `"text"`).
     */
    messageType?: string | undefined;
}

/**
 * A Phone Relay channel.
 */
export type RelayChannel = "sms" | "wa" | "tg" | "notify" | "email" | "tg_bot" | "pchat";

/**
 * A Phone Relay message.
 */
export interface RelayMessage {
    /**
     * The recipient: a phone number (sms, wa), `@username` or chat id (tg,
     * tg_bot), an e-mail address (email), none (notify).
     */
    to?: string | undefined;
    /**
     * The text.
     */
    text: string;
    /**
     * The channel (default: the config's).
     */
    channel?: RelayChannel | undefined;
    /**
     * email and notify: the subject.
     */
    subject?: string | undefined;
    /**
     * notify: the title.
     */
    title?: string | undefined;
    /**
     * tg_bot: the bot's token.
     */
    botToken?: string | undefined;
    /**
     * The `source` tag (default: the config's).
     */
    source?: string | undefined;
    /**
     * The relay's de-duplication key (default: a fresh UUID).
     */
    idempotencyKey?: string | undefined;
}

/**
 * A Teklink ChatServ message: `text` or `templateId`.
 */
export interface TeklinkMessage {
    /**
     * A North American phone number.
     */
    to: string;
    /**
     * The text (or give `template_id`).
     */
    text?: string | undefined;
    /**
     * A template to send instead of a text.
     */
    templateId?: string | undefined;
    /**
     * Open or close the conversation.
     */
    conversationState?: ConversationState | undefined;
    /**
     * The sender name (default: the config's).
     */
    fromName?: string | undefined;
    /**
     * Refuse a duplicate within this many minutes.
     */
    duplicateSendRejectTimeoutMinutes?: number | undefined;
    /**
     * Send even to an opted-out contact.
     */
    forceSend?: boolean | undefined;
    /**
     * Delay the send.
     */
    sendDelaySeconds?: number | undefined;
}

/**
 * A TextLink message.
 */
export interface TextLinkMessage {
    /**
     * The recipient's phone number.
     */
    to: string;
    /**
     * The text.
     */
    text: string;
    /**
     * The SIM card to send from (default: the config's).
     */
    simCardId?: number | undefined;
    /**
     * Your id for the message (default: a fresh UUID), the receipt's `id`.
     */
    customId?: string | undefined;
}

/**
 * A send's status as the provider answered it.
 */
export type SendStatus = "queued" | "sent";

/**
 * A stable, machine-readable classification of a failure.
 *
 * The string form ([`ErrorCode::as_str`]) is what JavaScript reads as
 * `error.code`; it never changes between releases.
 */
export type ErrorCode = "invalid_config" | "invalid_input" | "invalid_phone" | "unauthorized" | "rate_limited" | "provider_rejected" | "provider_unavailable" | "outcome_unknown" | "network" | "timeout" | "unsupported" | "country_not_allowed" | "number_not_allowed" | "invalid_assertion" | "wasm_unavailable";

/**
 * An HTTP method the providers use.
 */
export type Method = "GET" | "POST" | "DELETE";

/**
 * How a text splits into SMS segments.
 */
export interface SegmentInfo {
    /**
     * The encoding.
     */
    encoding: Encoding;
    /**
     * Number of segments (0 for an empty text).
     */
    count: number;
    /**
     * Total units: septets for GSM-7 (extension characters count 2), UTF-16 units for UCS-2.
     */
    units: number;
    /**
     * Units per segment: 160/70 for a single segment, 153/67 when split.
     */
    perSegment: number;
    /**
     * Units still free in the last segment (what a live counter shows).
     */
    remaining: number;
}

/**
 * How an inbound query matches tags.
 */
export type TagMode = "any" | "all";

/**
 * How the Teklink client sends its token.
 */
export type TeklinkAuth = "bearer" | "body";

/**
 * Klink CX's own fields of `new Client(config)`: none.
 */
export interface KlinkConfig {}

/**
 * One HTTP attempt, as `config.onRequest(record)` sees it. It holds no
 * API key, code, token or message text: only where the request went and
 * how it ended.
 */
export interface RequestRecord {
    /**
     * The client's provider.
     */
    provider: ProviderKind;
    /**
     * The client method (`"send"`, `"status"`, …).
     */
    operation: OperationName;
    /**
     * 1 for the first attempt, 2 for the first retry, …
     */
    attempt: number;
    /**
     * The HTTP method.
     */
    method: Method;
    /**
     * The URL without its user info, query or fragment.
     */
    url: string;
    /**
     * The HTTP status, when an answer came.
     */
    status: number | null;
    /**
     * From sending to the answer (or the failure), in ms.
     */
    durationMs: number;
    /**
     * `"ok"`, or the error code this attempt ended with (a retried
     * attempt's own, such as `rate_limited`).
     */
    outcome: "ok" | ErrorCode;
    /**
     * The provider's request id (`x-request-id`, `request-id` or `cf-ray`
     * answer header), when it sent one.
     */
    requestId: string | null;
}

/**
 * One of the four supported providers.
 */
export type ProviderKind = "textlink" | "teklink" | "relay" | "klink";

/**
 * One provider a failover send tried, and how it failed (`null`: it took the message).
 */
export interface Attempt {
    /**
     * The provider.
     */
    provider: ProviderKind;
    /**
     * Its error's code; `null` for the provider that took the message.
     */
    error: ErrorCode | null;
}

/**
 * One unified inbound event (the shape in `webhooks.md`).
 */
export interface InboundEvent {
    /**
     * Stable id: the same provider event always gets the same id.
     */
    id: string;
    /**
     * The provider.
     */
    provider: ProviderName;
    /**
     * What happened.
     */
    type: EventKind;
    /**
     * Sender.
     */
    from: string | null;
    /**
     * Recipient.
     */
    to: string | null;
    /**
     * Message text.
     */
    text: string | null;
    /**
     * Channel (`sms`, `wa`, …).
     */
    channel: string | null;
    /**
     * The id of the outbound message this event is about.
     */
    messageId: string | null;
    /**
     * The message's status after this event.
     */
    status: DeliveryStatus | null;
    /**
     * The provider's error text, for failures.
     */
    error: string | null;
    /**
     * The contact's new tag.
     */
    tag: string | null;
    /**
     * When it happened, ms since the epoch: the provider's time, or the
     * time of arrival where the provider gives none.
     */
    occurredAt: string;
    /**
     * The body, as JSON text, with any secret field removed.
     */
    raw: unknown;
}

/**
 * Phone Relay's own fields of `new Client(config)`.
 */
export interface RelayConfig {
    /**
     * The phone device identifier (`phone_id`): required.
     */
    phoneId?: string | undefined;
    /**
     * The default channel (default `"sms"`).
     */
    channel?: RelayChannel | undefined;
    /**
     * The default `source`.
     */
    source?: string | undefined;
}

/**
 * Proof that a code was sent.
 */
export interface CodeTicket {
    /**
     * Which provider sent it.
     */
    provider: ProviderKind;
    /**
     * The normalised recipient.
     */
    to: string;
    /**
     * Who checks the code.
     */
    mode: CodeMode;
    /**
     * When the code stops working (RFC 3339).
     */
    expiresAt: string;
    /**
     * The signed token (`None` in provider and worker mode).
     */
    token: string | null;
}

/**
 * Settings for signed one-time codes, as given.
 */
export interface OtpSettings {
    /**
     * The HMAC key (at least 32 bytes).
     */
    secret: string;
    /**
     * Digits in a code (4–10, default 6).
     */
    length?: number | undefined;
    /**
     * How long a code lives (default 600 s).
     */
    ttlSeconds?: number | undefined;
    /**
     * The message text; `{code}`, `{service}` and `{minutes}` are filled in.
     */
    template?: string | undefined;
}

/**
 * Teklink's `new_conversation_state`.
 */
export type ConversationState = "open" | "closed";

/**
 * Teklink's own fields of `new Client(config)`.
 */
export interface TeklinkConfig {
    /**
     * The sending channel (`CHANNEL_ID` of the document): required.
     */
    channelId?: string | undefined;
    /**
     * The sender name shown in the portal.
     */
    fromName?: string | undefined;
    /**
     * Where the token goes (default `"bearer"`).
     */
    auth?: TeklinkAuth | undefined;
}

/**
 * TextLink's own fields of `new Client(config)`.
 */
export interface TextLinkConfig {
    /**
     * The default SIM card.
     */
    simCardId?: number | undefined;
}

/**
 * The answer to `verifyCode`.
 */
export interface Verification {
    /**
     * Whether the code is right.
     */
    valid: boolean;
    /**
     * `None` when valid; else `"mismatch"`, `"expired"`, `"malformed_token"`,
     * `"spent"`, `"too_many_attempts"`, the provider's message, or (worker
     * mode) `"invalid"`.
     */
    reason: string | null;
    /**
     * Worker mode (`otpUrl`), when valid: the worker's signed statement that
     * the number was verified, for the app's server to check with
     * `verifyOtpAssertion`; `null` otherwise.
     */
    assertion: string | null;
}

/**
 * The encoding a text is sent in.
 */
export type Encoding = "GSM-7" | "UCS-2";

/**
 * The fields of `new Client(config)` that every provider has, as given.
 */
export interface CommonConfig {
    /**
     * Which provider to talk to.
     */
    provider: ProviderKind;
    /**
     * The provider's bearer token.
     */
    apiKey?: string | undefined;
    /**
     * The provider's base URL; in a page, a path (`/proxy/textlink`) is
     * resolved against the page's location.
     */
    baseUrl?: string | undefined;
    /**
     * Per HTTP attempt, in ms.
     */
    timeoutMs?: number | undefined;
    /**
     * Retries that cannot cause a second delivery.
     */
    maxRetries?: number | undefined;
    /**
     * Signed one-time codes.
     */
    otp?: OtpSettings | undefined;
    /**
     * An edgetext worker for `sendCode` / `verifyCode`.
     */
    otpUrl?: string | undefined;
    /**
     * An edgetext worker for `status()`.
     */
    statusUrl?: string | undefined;
    /**
     * Bearer token for `status_url`.
     */
    statusToken?: string | undefined;
}

/**
 * The receipt of a failover send: the accepting provider's, plus every provider tried.
 */
export interface FailoverReceipt extends SendReceipt {
    /**
     * In order; the last one took the message.
     */
    attempts: Attempt[];
}

/**
 * What a provider answered to a send.
 */
export interface SendReceipt {
    /**
     * Which provider took it.
     */
    provider: ProviderKind;
    /**
     * The message id to ask `status()` about (`None` for teklink, which returns none).
     */
    id: string | null;
    /**
     * As the provider answered.
     */
    status: SendStatus;
    /**
     * The relay recognised a repeated idempotency key.
     */
    duplicate: boolean;
    /**
     * The normalised recipient.
     */
    to: string;
    /**
     * How the text was counted.
     */
    segments: SegmentInfo;
    /**
     * The relay's idempotency key, when one was sent.
     */
    idempotencyKey?: string;
    /**
     * The provider's JSON body, unchanged.
     */
    raw: unknown;
}

/**
 * What an inbound event says happened.
 */
export type EventKind = "message.received" | "message.sent" | "message.failed" | "message.status" | "contact.tag_changed" | "call.missed" | "call.answered" | "call";

/**
 * Where a message is on its way, as `status()` answers.
 */
export interface MessageStatus {
    /**
     * The message id.
     */
    id: string;
    /**
     * The provider.
     */
    provider: ProviderKind;
    /**
     * Its status.
     */
    status: DeliveryStatus;
    /**
     * The provider's error text, when it failed.
     */
    error: string | null;
    /**
     * When the message was created (RFC 3339), when known.
     */
    createdAt: string | null;
    /**
     * When it was delivered (RFC 3339), when known.
     */
    deliveredAt: string | null;
    /**
     * The JSON the status was read from, unchanged.
     */
    raw: unknown;
}

/**
 * Where a message is on its way.
 */
export type DeliveryStatus = "queued" | "sending" | "sent" | "delivered" | "failed" | "received" | "unknown";

/**
 * Who keeps and checks a one-time code.
 */
export type CodeMode = "provider" | "signed" | "worker";

/**
 * `deleteCallback(request)` (relay).
 */
export interface DeleteCallbackRequest {
    /**
     * The registered callback URL.
     */
    callbackUrl: string;
}

/**
 * `inboundQuery(filter)` (relay); `phone_id` defaults to the client's.
 */
export interface InboundFilter {
    phoneId?: string | undefined;
    range?: string | undefined;
    channels?: string[] | undefined;
    eventTypes?: string[] | undefined;
    tags?: string[] | undefined;
    tagMode?: TagMode | undefined;
    sourceContains?: string | undefined;
    minDurationSec?: number | undefined;
    hasResponse?: boolean | undefined;
    sort?: string | undefined;
    limit?: number | undefined;
}

/**
 * `listMessages(options)` (relay).
 */
export interface ListOptions {
    /**
     * How many (1–1000, default 50).
     */
    limit?: number | undefined;
}

/**
 * `registerCallback(callback)` (relay).
 */
export interface InboundCallback {
    callbackUrl: string;
    channels?: string[] | undefined;
    sourceFilter?: string | undefined;
    eventTypes?: string[] | undefined;
    keywordFilter?: string | undefined;
    minDurationSec?: number | undefined;
    maxDurationSec?: number | undefined;
    callbackToken?: string | undefined;
    active?: boolean | undefined;
}

/**
 * `sendCode(request)`.
 */
export interface CodeRequest {
    /**
     * The recipient (klink: or `contact_id`).
     */
    to?: string | undefined;
    /**
     * klink: the contact's UUID.
     */
    contactId?: string | undefined;
    /**
     * Named in the message.
     */
    serviceName?: string | undefined;
    /**
     * Digits, 4–10 (signed codes).
     */
    length?: number | undefined;
    /**
     * Lifetime in seconds.
     */
    ttlSeconds?: number | undefined;
    /**
     * textlink: your id.
     */
    customId?: string | undefined;
    /**
     * textlink: the SIM card.
     */
    simCardId?: number | undefined;
}

/**
 * `updateContactTag(request)` (textlink).
 */
export interface ContactTagRequest {
    /**
     * The contact's phone number.
     */
    to: string;
    /**
     * The new tag.
     */
    tag: string;
}

/**
 * `verifyCode(request)`.
 */
export interface VerifyRequest {
    /**
     * The recipient (klink: or `contact_id`).
     */
    to?: string | undefined;
    /**
     * klink: the contact's UUID.
     */
    contactId?: string | undefined;
    /**
     * The code the user typed.
     */
    code: string;
    /**
     * The ticket's token (signed codes); `null` as a ticket without one has it.
     */
    token?: string | null | undefined;
}

// The declarations that cannot come from a Rust type: the Client class,
// typed by its provider, and the package's EdgetextError class. Every value
// type they name (ClientConfig, TextLinkMessage, SendReceipt, …) is
// generated from its Rust definition.

/** A provider edgetext can talk to. */
export type ProviderName = ProviderKind;

/** The client methods that make HTTP requests, as `RequestRecord.operation` names them. */
export type OperationName =
| "send" | "sendCode" | "verifyCode" | "status" | "updateContactTag" | "listMessages" | "health"
| "inboundQuery" | "listCallbacks" | "registerCallback" | "deleteCallback";

/** Each provider's message type. */
export interface MessageFor {
    textlink: TextLinkMessage;
    teklink: TeklinkMessage;
    relay: RelayMessage;
    klink: KlinkMessage;
}

/**
 * A message for `Failover.send`: `to`, `text` and any provider's own fields,
 * each optional here. Each provider gets the fields its own message type has.
 */
export type FailoverMessage = Partial<TextLinkMessage & TeklinkMessage & RelayMessage & KlinkMessage>;

/** Each provider's own fields of `new Client(config)`. */
export interface ConfigFieldsFor {
    textlink: TextLinkConfig;
    teklink: TeklinkConfig;
    relay: RelayConfig;
    klink: KlinkConfig;
}

/**
 * Where signed-code checks are counted: `memoryStore()` (one process), or
 * your own store with an increment it performs in one step (never a read
 * then a write). A get/put store such as Workers KV cannot count atomically:
 * use a D1 binding, or the worker mode (`otpUrl`), there.
 */
export interface OtpStore {
    /** Adds one to the count under `key` and returns it: 1 for a new key or one whose time ran out, which then lives `ttlSeconds`. */
    incr(key: string, ttlSeconds: number): number | Promise<number>;
}

/**
 * A Cloudflare D1 database binding (a `D1Database`) as `otp.store`: each
 * count is one upsert in the table `edgetext_otp_checks`, made on first use.
 */
export interface D1Binding {
    prepare(query: string): unknown;
    batch(statements: unknown[]): Promise<unknown[]>;
}

/**
 * `new Client(config)` for provider `P`: the common fields and `P`'s own;
 * `otp.store` is needed to verify signed codes.
 */
export type ConfigFor<P extends ProviderName> = CommonConfig & ConfigFieldsFor[P] & {
    provider: P;
    otp?: OtpSettings & { store?: OtpStore | D1Binding };
    /**
     * Called once per HTTP attempt, after it ended. The record never holds the
     * API key, a code, a token or the message text; what the hook throws or
     * rejects with is ignored.
     */
    onRequest?: (record: RequestRecord) => unknown;
};

/** `new Client(config)` for any provider. */
export type ClientConfig = ConfigFor<ProviderName>;

/** The second argument of `new Client(config, options)`. */
export interface ClientOptions {
    /** Used instead of the global `fetch`, called as `fetch(url, init)` (a service binding, a Durable Object stub, a test double). */
    fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** A provider's JSON answer, unchanged. */
export type ProviderAnswer = { [key: string]: unknown };

/** What every client has. */
export interface ClientBase<P extends ProviderName> {
    /** The configured provider. */
    readonly provider: P;
    /** Sends a message; fields of other providers are an `invalid_input` error. */
    send(message: MessageFor[P]): Promise<SendReceipt>;
    /** Sends a one-time code; the ticket never holds the code. */
    sendCode(request: CodeRequest): Promise<CodeTicket>;
    /** Checks a code; a wrong one resolves `{ valid: false, reason }`. */
    verifyCode(request: VerifyRequest): Promise<Verification>;
    /** A message's status (relay's own endpoint, else `statusUrl`'s worker). */
    status(id: string): Promise<MessageStatus>;
    /** Frees the wasm memory now rather than at garbage collection. */
    free(): void;
}

/** A TextLink client. */
export interface TextLinkClient extends ClientBase<"textlink"> {
    updateContactTag(request: ContactTagRequest): Promise<ProviderAnswer>;
}

/** A Phone Relay client. */
export interface RelayClient extends ClientBase<"relay"> {
    listMessages(options?: ListOptions): Promise<ProviderAnswer>;
    health(): Promise<ProviderAnswer>;
    inboundQuery(filter?: InboundFilter): Promise<ProviderAnswer>;
    listCallbacks(): Promise<ProviderAnswer>;
    registerCallback(callback: InboundCallback): Promise<ProviderAnswer>;
    deleteCallback(request: DeleteCallbackRequest): Promise<ProviderAnswer>;
}

/**
 * The client of provider `P`, with that provider's message fields and extras
 * only; for a provider not known until run time, the common methods, whose
 * `send` takes any provider's message.
 */
export type ClientFor<P extends ProviderName> = ProviderName extends P
    ? ClientBase<ProviderName>
    : P extends "textlink"
    ? TextLinkClient
    : P extends "relay"
    ? RelayClient
    : ClientBase<P>;

/** A client for one provider account; throws `invalid_config` naming the field on bad options. */
export declare const Client: {
    new <P extends ProviderName>(config: ConfigFor<P>, options?: ClientOptions): ClientFor<P>;
    readonly prototype: ClientBase<ProviderName>;
};
/** A client for one provider account. */
export type Client<P extends ProviderName = ProviderName> = ClientFor<P>;

/**
 * Sends through the first provider that takes a message, moving on only when
 * the previous one certainly did not take it (never after `outcome_unknown`).
 * Configs are made into clients with `options`; `Client`s are used as they are.
 */
export declare class Failover {
    constructor(clients: ReadonlyArray<Client | ConfigFor<ProviderName>>, options?: ClientOptions);
    /** The accepting provider's receipt plus `attempts`; a failure is thrown with `attempts` set. */
    send(message: FailoverMessage): Promise<FailoverReceipt>;
    /** Frees the wasm memory now rather than at garbage collection. */
    free(): void;
}

/** The second argument of `new EdgetextError(message, details)`. */
export interface EdgetextErrorDetails {
    code: ErrorCode;
    provider?: ProviderName | null;
    httpStatus?: number | null;
    retryable?: boolean;
    providerMessage?: string | null;
    retryAfterSeconds?: number | null;
}

/** Every failure of edgetext is thrown as one of these. */
export declare class EdgetextError extends Error {
    constructor(message: string, details: EdgetextErrorDetails);
    name: "EdgetextError";
    /** Stable machine-readable reason. */
    code: ErrorCode;
    /** The provider involved, when there is one. */
    provider: ProviderName | null;
    /** The provider's HTTP status, when it answered. */
    httpStatus: number | null;
    /** Trying again later may succeed (and cannot deliver twice). */
    retryable: boolean;
    /** The provider's own error text, when it gave one. */
    providerMessage: string | null;
    /** From `Retry-After`, for `rate_limited`. */
    retryAfterSeconds: number | null;
    /** `Failover.send`: every provider tried, in order. */
    attempts?: Attempt[];
}



/**
 * The ISO 3166 alpha-2 country of an E.164 number (`"US"`, `"GB"`, …), or
 * `undefined` when its calling code is not one edgetext knows.
 */
export function countryOf(e164: string): string | undefined;

/**
 * A new, empty `MemoryStore` for `config.otp.store`: counts checks in
 * this process only. Made by the on-demand module.
 */
export function memoryStore(): MemoryStore;

/**
 * Normalises a phone number to E.164; throws `invalid_phone`.
 */
export function normalizePhone(input: string, options?: { defaultCountry?: string }): string;

/**
 * Counts the SMS segments of `text` (GSM-7 160/153, UCS-2 70/67).
 */
export function segments(text: string): SegmentInfo;

/**
 * Checks a verification assertion from an edgetext worker's
 * `/v1/otp/verify`: returns `{ to, verifiedAt, id }` (`verifiedAt` ISO 8601),
 * or throws `EdgetextError` `invalid_assertion` (tampered, expired, another
 * number, another secret) or `invalid_config` (a secret under 32 bytes).
 * Runs in the on-demand module.
 */
export function verifyOtpAssertion(assertion: string, options: { secret: string; to: string; maxAgeSeconds?: number }): { to: string; verifiedAt: string; id: string };

/**
 * Checks a delivery from an edgetext worker (Standard Webhooks): the
 * `webhook-signature` must be the HMAC of `webhook-id`.`webhook-timestamp`.body
 * under `secret` (`whsec_<base64>`), the timestamp within
 * `toleranceSeconds` (default 300) of now. An empty secret never verifies.
 * Runs in the on-demand module.
 */
export function verifyWebhook(body: string | Uint8Array, headers: Headers | Record<string, string | string[] | undefined> | [string, string][], secret: string, options?: { toleranceSeconds?: number; now?: number }): boolean;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
