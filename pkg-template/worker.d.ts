// edgetext/worker: the inbound-webhook worker for Cloudflare Workers / workerd,
// and its one-time-code routes with their Durable Object.
import type { ClientConfig, SendReceipt, MessageFor, ProviderName } from "./index.cjs";
import type { GuardLimits, WorkerVars } from "./worker/edgetext.js";

export type { GuardLimits, WorkerVars };

/**
 * What the worker reads from `env`: its bindings, and the variables and
 * secrets of `WorkerVars` (generated from the Rust core's list,
 * src/worker/env.rs, with each variable's meaning and default).
 */
export interface WorkerEnv extends WorkerVars {
  /** D1 database holding events, statuses and the forwarding outbox (schema: migrations/*.sql, applied in order). */
  DB: D1DatabaseLike;
  /** Queue producer for forwarding; needed only with FORWARD_URL. */
  FORWARD_QUEUE?: { send(body: ForwardMessageBody): Promise<unknown>; sendBatch(messages: { body: ForwardMessageBody }[]): Promise<unknown> };
  /** The EdgetextOtp Durable Object namespace; without it /v1/otp/* answers 503 otp_not_configured. */
  EDGETEXT_OTP?: DurableObjectNamespaceLike;
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

/** The defaults of the OTP_* settings (the Rust core's `GuardLimits`). */
export declare const OTP_DEFAULTS: Readonly<GuardLimits>;

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
