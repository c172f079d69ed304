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
