// edgetext/worker: the inbound-webhook worker for Cloudflare Workers / workerd,
// and its one-time-code routes with their Durable Object.
import type { ClientConfig, SendReceipt, MessageFor, ProviderName } from "./index.cjs";

/** Bindings and secrets the worker reads from `env`. */
export interface WorkerEnv {
  /** D1 database holding events, statuses and the forwarding outbox (schema: migrations/*.sql, applied in order). */
  DB: D1DatabaseLike;
  /** Queue producer for forwarding; needed only with FORWARD_URL. */
  FORWARD_QUEUE?: { send(body: ForwardMessageBody): Promise<unknown>; sendBatch(messages: { body: ForwardMessageBody }[]): Promise<unknown> };
  TEXTLINK_WEBHOOK_SECRET?: string;
  TEKLINK_WEBHOOK_SECRET?: string;
  RELAY_CALLBACK_TOKEN?: string;
  KLINK_WEBHOOK_SECRET?: string;
  /** Bearer token guarding GET /v1/status/{provider}/{id} and GET /v1/events (`Authorization: Bearer …`); no OTP trust. */
  EDGETEXT_API_TOKEN?: string;
  /** Where new events are forwarded (Standard Webhooks). */
  FORWARD_URL?: string;
  /** The forwarding signature key, `whsec_<base64>` (Standard Webhooks); events wait in the outbox while it is missing or malformed. */
  FORWARD_SECRET?: string;
  /** Days events and statuses are kept, 1-36500 (default 30); enforced by the scheduled handler; a webhook whose event is older is refused (400). */
  EVENT_RETENTION_DAYS?: string;
  /** The EdgetextOtp Durable Object namespace; without it /v1/otp/* answers 503 otp_not_configured. */
  EDGETEXT_OTP?: DurableObjectNamespaceLike;
  /** HMAC key of the stored code hashes and of verification assertions, at least 32 bytes (a secret). */
  OTP_SECRET?: string;
  /** Comma-separated ISO 3166 alpha-2 codes of number ranges (`US,CA,GB`; Jersey is `JE`) codes may be sent to, `*` for every country, and non-geographic calling codes as `+881` (never included by `*`); unset: none. */
  OTP_ALLOWED_COUNTRIES?: string;
  /** Bearer token of the app's server (a secret, not EDGETEXT_API_TOKEN): its `clientAddress` is counted, and it hears why a check is not valid. */
  OTP_SERVER_TOKEN?: string;
  /** Comma-separated range types codes may be sent to (default `mobile,fixed_line_or_mobile`). */
  OTP_ALLOWED_NUMBER_TYPES?: string;
  /** `textlink`, `teklink` or `relay`: the provider codes go through. */
  OTP_PROVIDER?: string;
  /** That provider's API key (a secret). */
  OTP_API_KEY?: string;
  /** JSON object of the client's other fields: `{"baseUrl":"…","phoneId":"…"}`. */
  OTP_CLIENT?: string;
  /** In the text as `{service}` (default "verification"). */
  OTP_SERVICE_NAME?: string;
  /** The text; must contain `{code}`; `{service}` and `{minutes}` are filled in. */
  OTP_TEMPLATE?: string;
  /** Lifetime of a code in seconds, 1-86400 (default 600). */
  OTP_TTL_SECONDS?: string;
  /** Digits per code, 4-10 (default 6). */
  OTP_CODE_LENGTH?: string;
  /** Codes sent to one number per window, asked for from anywhere (default 10). */
  OTP_SENDS_PER_NUMBER?: string;
  /** Codes sent to one number per window asked for from one network: an IPv4 address or an IPv6 /48 (default 3). */
  OTP_SENDS_PER_NUMBER_PER_NETWORK?: string;
  /** Codes asked for from one IPv4 address or IPv6 /64 per window (default 10). */
  OTP_SENDS_PER_IP?: string;
  /** Codes asked for from one IPv6 /48 per window (default 30). */
  OTP_SENDS_PER_IPV6_48?: string;
  /** Checks of one number per window from one IPv4 address or IPv6 /64 (default 5). */
  OTP_MAX_CHECKS?: string;
  /** Checks of one number per window from one IPv6 /48 (default 10). */
  OTP_MAX_CHECKS_PER_IPV6_48?: string;
  /** Checks of one number per window from all addresses (default 20; was OTP_MAX_CHECKS_PER_CODE, now refused). */
  OTP_MAX_CHECKS_PER_NUMBER?: string;
  /** Sends to one country's ranges (or one non-geographic calling code's) per clock hour (default 200). */
  OTP_SENDS_PER_COUNTRY_PER_HOUR?: string;
  /** Sends of the whole worker per clock hour (default 1000). */
  OTP_MAX_SENDS_PER_HOUR?: string;
  /** `true`: every send answers 503 sends_paused (the kill switch). */
  OTP_SENDS_PAUSED?: string;
  /** Verifies from one IPv4 address or IPv6 /64 per window, of any number, whatever they find (default 30). */
  OTP_VERIFIES_PER_IP?: string;
  /** Verifies from one IPv6 /48 per window (default 100). */
  OTP_VERIFIES_PER_IPV6_48?: string;
  /** The sliding window of every limit, in seconds (default 3600). */
  OTP_WINDOW_SECONDS?: string;
  /** Comma-separated origins allowed to call /v1/otp/* from a browser, or `*`; unset: none (same origin only). Any other `Origin` is a 403. */
  OTP_CORS_ORIGINS?: string;
}

/** The part of Cloudflare's DurableObjectNamespace the OTP routes use. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/** The part of Cloudflare's D1Database the worker uses. */
export interface D1DatabaseLike {
  prepare(query: string): unknown;
  batch(statements: unknown[]): Promise<unknown[]>;
}

/** What the forwarding Queue carries: a stored event's id and its JSON text, forwarded byte for byte. */
export interface ForwardMessageBody {
  id: string;
  body: string;
}

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** Answers the routes the worker does not own (default: 404). */
  fallback?: (request: Request, env: WorkerEnv, ctx?: unknown) => Response | Promise<Response>;
  /** Seconds before forwarding attempt `attempts + 1` (default: 1, 2, 4 … capped at 300, from the core). */
  retryDelaySeconds?: (attempts: number) => number;
  /** One-time codes (/v1/otp/send, /v1/otp/verify). */
  otp?: OtpWorkerOptions;
}

/** `createWorker({ otp })`. */
export interface OtpWorkerOptions {
  /**
   * The client that sends the codes: a `Client` config, or anything with the
   * `Client`'s `send` (e.g. `new Client(config, { fetch })`). Default: built
   * from OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT.
   */
  client?: (env: WorkerEnv) => ClientConfig | { send(message: MessageFor[ProviderName]): Promise<SendReceipt> };
}

/** The defaults of the OTP_* settings. */
export declare const OTP_DEFAULTS: {
  readonly ttlSeconds: 600;
  readonly codeLength: 6;
  readonly maxChecks: 5;
  readonly maxChecksPerIpv6Net48: 10;
  readonly maxChecksPerNumber: 20;
  readonly sendsPerNumber: 10;
  readonly sendsPerNumberPerNetwork: 3;
  readonly sendsPerIp: 10;
  readonly sendsPerIpv6Net48: 30;
  readonly verifiesPerIp: 30;
  readonly verifiesPerIpv6Net48: 100;
  readonly windowSeconds: 3600;
  readonly sendsPerCountryPerHour: 200;
  readonly maxSendsPerHour: 1000;
  readonly allowedNumberTypes: readonly string[];
  readonly serviceName: string;
  readonly template: string;
};

/**
 * The Durable Object behind the OTP routes: one object ("guard") holds every
 * number's, address's, country's and the global entries in its SQLite
 * storage (declare the class in `new_sqlite_classes`); the core decides and
 * writes the SQL. Export it from the worker's main module and bind it as EDGETEXT_OTP.
 */
export declare class EdgetextOtp {
  constructor(ctx: unknown, env: WorkerEnv);
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}

/** A queued forwarding message, as the Workers runtime hands it over. */
export interface ForwardMessage {
  /** The event the worker queued (`{ id, … }`); typed `unknown` as Cloudflare's `Message` is. */
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/**
 * The Worker module object: the fetch handler, the forwarding queue consumer,
 * and the scheduled handler (a Cron Trigger) that enforces retention and
 * sends again the events the Queue did not deliver (the outbox).
 */
export interface EdgetextWorker {
  fetch(request: Request, env: WorkerEnv, ctx?: unknown): Promise<Response>;
  queue(batch: { messages: readonly ForwardMessage[] }, env: WorkerEnv): Promise<void>;
  scheduled(controller: { scheduledTime?: number }, env: WorkerEnv, ctx?: unknown): Promise<void>;
}

/** Builds the worker: `export default createWorker()`. */
export function createWorker(options?: WorkerOptions): EdgetextWorker;

/** The worker with default options. */
declare const worker: EdgetextWorker;
export default worker;
