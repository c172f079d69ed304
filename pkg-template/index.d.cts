// Types of "edgetext" in every runtime: the generated wasm-bindgen
// declarations plus the two JS classes, EdgetextError and Client.
import type {
  ClientConfig, CodeRequest, CodeTicket, ContactTagRequest, InboundCallback, InboundFilter,
  Message, MessageStatus, ProviderAnswer, ProviderName, SendReceipt, Verification, VerifyRequest,
} from "./node/edgetext.js";

export * from "./node/edgetext.js";

// The generated classes declare [Symbol.dispose](); this keeps them valid
// with a TypeScript `lib` older than esnext (same as lib.esnext.disposable).
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** The stable `code` of an `EdgetextError`. */
export type ErrorCode =
  | "invalid_config" | "invalid_input" | "invalid_phone" | "unauthorized" | "rate_limited"
  | "provider_rejected" | "provider_unavailable" | "outcome_unknown" | "network" | "timeout"
  | "unsupported" | "country_not_allowed";

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
}

/** The second argument of `new Client(config, options)`. */
export interface ClientOptions {
  /** Used instead of the global `fetch` (a service binding, a Durable Object stub, a test double). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** A client for one provider account. */
export declare class Client {
  /**
   * Throws `EdgetextError` `invalid_config` (naming the field) on bad options.
   * `options.fetch` replaces the global `fetch` for this client's requests.
   */
  constructor(config: ClientConfig, options?: ClientOptions);
  /** The configured provider. */
  readonly provider: ProviderName;
  send(message: Message): Promise<SendReceipt>;
  sendCode(request: CodeRequest): Promise<CodeTicket>;
  verifyCode(request: VerifyRequest): Promise<Verification>;
  status(id: string): Promise<MessageStatus>;
  /** textlink only. */
  updateContactTag(request: ContactTagRequest): Promise<ProviderAnswer>;
  /** relay only. */
  listMessages(options?: { limit?: number }): Promise<ProviderAnswer>;
  /** relay only. */
  health(): Promise<ProviderAnswer>;
  /** relay only. */
  inboundQuery(filter?: InboundFilter): Promise<ProviderAnswer>;
  /** relay only. */
  listCallbacks(): Promise<ProviderAnswer>;
  /** relay only. */
  registerCallback(callback: InboundCallback): Promise<ProviderAnswer>;
  /** relay only. */
  deleteCallback(request: { callbackUrl: string }): Promise<ProviderAnswer>;
}
