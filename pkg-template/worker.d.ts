// edgetext/worker: the inbound-webhook worker for Cloudflare Workers / workerd.

/** Bindings and secrets the worker reads from `env`. */
export interface WorkerEnv {
  /** D1 database holding events and statuses (schema: migrations/0001_events.sql). */
  DB: D1DatabaseLike;
  /** Queue producer for forwarding; needed only with FORWARD_URL. */
  FORWARD_QUEUE?: { send(body: unknown): Promise<void> };
  TEXTLINK_WEBHOOK_SECRET?: string;
  TEKLINK_WEBHOOK_SECRET?: string;
  RELAY_CALLBACK_TOKEN?: string;
  KLINK_WEBHOOK_SECRET?: string;
  /** Bearer token guarding GET /v1/status/{id} and GET /v1/events. */
  EDGETEXT_API_TOKEN?: string;
  FORWARD_URL?: string;
  FORWARD_SECRET?: string;
}

/** The part of Cloudflare's D1Database the worker uses. */
export interface D1DatabaseLike {
  prepare(query: string): unknown;
  batch(statements: unknown[]): Promise<unknown[]>;
}

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  /** Answers the routes the worker does not own (default: 404). */
  fallback?: (request: Request, env: WorkerEnv) => Response | Promise<Response>;
  /** Seconds before forwarding attempt `attempts + 1` (default: 1, 2, 4 … capped at 300). */
  retryDelaySeconds?: (attempts: number) => number;
}

/** A queued forwarding message, as the Workers runtime hands it over. */
export interface ForwardMessage {
  readonly body: { id: string } & Record<string, unknown>;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** The Worker module object: the fetch handler and the forwarding queue consumer. */
export interface EdgetextWorker {
  fetch(request: Request, env: WorkerEnv, ctx?: unknown): Promise<Response>;
  queue(batch: { messages: readonly ForwardMessage[] }, env: WorkerEnv): Promise<void>;
}

/** Builds the worker: `export default createWorker()`. */
export function createWorker(options?: WorkerOptions): EdgetextWorker;

/** The worker with default options. */
declare const worker: EdgetextWorker;
export default worker;
